"""The only package that touches Faust and Kafka: the local broker (``broker``), topic layout and keys
(``topics``), the Faust app (``app``: wiring over the broker-free ``intake`` and ``judge_step``), the tracer
(``tracer``), a check run over a broker (``check``, ``collector``), producing a log (``produce``), publishing the
simulated services (``services``), and the live view's feed from a streaming run (``live_feed``).
"""
