"""The judge: reading a log (``logread``), decoding events or dead letters (``decode``), rule sets
(``rulesets``, TOML in ``policies/``), the checks and the state they read (``checks``, ``state``), judging
one event (``engine``), judging in event time whatever the arrival order (``timeline``), counting the check
document (``tally``) and the in-process runner (``pipeline``); rule cases and explanations beside them.

Imports ``schemas`` and ``classify`` only, and no broker library: the runner, the Faust agents and the live
view call the same code.
"""
