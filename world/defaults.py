"""The seed and size of a simulated run when none is given: ``custodiet simulate``, ``serve --simulate`` and
``demo`` all use these (one place), so the same command without options gives the same numbers on each.

>>> DEFAULT_SEED, DEFAULT_EVENTS
(7, 6000)
"""

__all__ = ["DEFAULT_SEED", "DEFAULT_EVENTS"]

DEFAULT_SEED = 7
DEFAULT_EVENTS = 6_000
