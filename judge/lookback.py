"""How far back a search reaches: the one definition the ``search-lookback`` rule and the search summary use.

The lookback of a search is the time from the start of the time frame it searched to the moment it ran, in
days (fractional). It is compared with the platform's retention, the ``retention_days`` parameter of the
rule set's search-lookback rule (read from the loaded rule set, never restated here).

:data:`LOOKBACK_DAYS_SQL` is the same formula for a columnar engine (the summary over tens of millions of
searches); :func:`lookback_days` and it are checked against each other in the tests. A lookback is beyond
the retention when, rounded to :data:`DIGITS` decimals (as the rule's evidence shows it), it exceeds it.

>>> from datetime import datetime, UTC
>>> lookback_days(datetime(2025, 6, 18, 12, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC))
48.5
>>> lookback_days(datetime(2025, 6, 18, tzinfo=UTC), None) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from judge.rulesets import load_rule_sets

__all__ = ["lookback_days", "LOOKBACK_DAYS_SQL", "search_retention_days", "SECONDS_PER_DAY", "DIGITS"]

SECONDS_PER_DAY = 86_400.0
#: Decimals a lookback is rounded to before it is compared with the retention (the rule and the summary).
DIGITS = 3
#: The same formula in SQL (DuckDB): ``{occurred}`` and ``{start}`` are TIMESTAMPTZ expressions.
LOOKBACK_DAYS_SQL = "((epoch({occurred}) - epoch({start})) / 86400.0)"


def lookback_days(occurred_at: datetime, time_frame_start: datetime | None) -> float | None:
    """Days from the start of the searched time frame to the search (None without a time frame)."""
    if time_frame_start is None:
        return None
    return (occurred_at - time_frame_start).total_seconds() / SECONDS_PER_DAY


def search_retention_days(rule_sets: Sequence[str] | None = None) -> tuple[float, str]:
    """The retention a search's lookback is compared with, and the id of the rule that sets it: the first
    search-lookback rule (else the first retention rule of a set binding Flock) among ``rule_sets``.

    >>> days, rule = search_retention_days(["flock-2025"]); rule.startswith("flock-2025."), days > 0
    (True, True)
    """
    sets = load_rule_sets(list(rule_sets) if rule_sets else None)
    for check in ("search_lookback", "retention"):
        for rs in sets:
            if check == "retention" and "flock" not in rs.platforms:
                continue
            for rule in rs.rules:
                if rule.check == check and getattr(rule, "retention_days", None) is not None:
                    return float(rule.retention_days), rule.id  # type: ignore[union-attr]
    raise ValueError("no rule set among "
                     f"{', '.join(rs.id for rs in sets)} says how long searched data is kept (retention_days)")
