"""Times and durations as people type them on the command line: ``7d``, ``12h``, ``30m``; ``2025-06-01`` or an
RFC 3339 time. One parser for every flag that takes them (``--max-lateness``, ``--max-wait``, ``--as-of``,
``--from``, ``--to``).

>>> parse_duration("12h"), parse_instant("2025-06-01").isoformat()
(datetime.timedelta(seconds=43200), '2025-06-01T23:59:59.999999+00:00')
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

__all__ = ["parse_duration", "parse_instant", "iso_z"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_duration(text: str, what: str = "duration", *, forever: bool = False) -> timedelta | None:
    """``7d``, ``12h``, ``30m``, ``45s``, ``0`` (seconds); with ``forever``, ``none`` means no bound (None).
    A bad value raises ``ValueError`` naming ``what``.

    >>> parse_duration("7d"), parse_duration("90m"), parse_duration("none", forever=True)
    (datetime.timedelta(days=7), datetime.timedelta(seconds=5400), None)
    >>> parse_duration("soon", "wait")
    Traceback (most recent call last):
    ...
    ValueError: wait 'soon': expected a number with s, m, h or d (e.g. 7d)
    """
    t = text.strip().lower()
    if forever and t in ("none", "inf", "forever"):
        return None
    try:
        if t and t[-1] in _UNITS:
            value = float(t[:-1]) * _UNITS[t[-1]]
        else:
            value = float(t)
        if value < 0 or value != value or value == float("inf"):
            raise ValueError
        return timedelta(seconds=value)
    except (ValueError, OverflowError):
        tail = ", or none" if forever else ""
        raise ValueError(f"{what} {text!r}: expected a number with s, m, h or d (e.g. 7d){tail}") from None


def parse_instant(text: str, what: str = "date", *, day_end: bool = True) -> datetime:
    """An ISO date (``2025-06-01``: the end of that day in UTC, so the whole day counts; with ``day_end``
    False its start) or an RFC 3339 time with an offset, in UTC. A bad value raises ``ValueError`` naming
    ``what``.

    >>> parse_instant("2025-06-01T12:00:00+02:00").isoformat()
    '2025-06-01T10:00:00+00:00'
    >>> parse_instant("2025-06-01", day_end=False).isoformat()
    '2025-06-01T00:00:00+00:00'
    >>> parse_instant("June", "--as-of")
    Traceback (most recent call last):
    ...
    ValueError: --as-of 'June': expected an ISO date (2025-06-01) or an RFC 3339 time (2025-06-01T12:00:00Z)
    """
    t = text.strip()
    try:
        if _DAY.match(t):
            d = date.fromisoformat(t)
            return datetime.combine(d, time.max if day_end else time.min, UTC)
        if _RFC3339.match(t):
            return datetime.fromisoformat(t.replace("z", "Z").replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    raise ValueError(f"{what} {text!r}: expected an ISO date (2025-06-01) or an RFC 3339 time "
                     "(2025-06-01T12:00:00Z)")


def iso_z(t: datetime | float) -> str:
    """A time (or seconds since the epoch) as RFC 3339 in UTC with ``Z``, to the second.

    >>> iso_z(0.0), iso_z(datetime(2025, 6, 1, 23, 59, 59, 999999, UTC))
    ('1970-01-01T00:00:00Z', '2025-06-01T23:59:59Z')
    """
    dt = t if isinstance(t, datetime) else datetime.fromtimestamp(t, UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
