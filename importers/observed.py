"""When a published record was observed: from the data, the file's name, or the user, never from the clock.

A grant read from a portal or an edge list is a fact as of when it was seen; rule sets change over time, so
that date decides which rules apply. It comes, in this order, from ``--observed DATE`` (the user's word),
the record itself (a portal record's ``accessed`` or ``crawled_at``), or a date in the file's name
(``agency_access20240426.csv``, ``el-cajon-2025-01-01.json``, ``latest_usage04262023.csv`` read as month,
day, year). With none of them the import stops with :class:`MissingDate`, one line asking for the date: a
renamed copy of a file is not dated today. Each answer comes with the words that say how it was decided,
which the import prints as an assumption (:meth:`importers.report.ImportResult.assume`).

>>> observed_time("agency_access20240426.csv")
('2024-04-26T00:00:00Z', 'observed 2024-04-26: the date in the file name agency_access20240426.csv')
>>> observed_time("latest_usage04262023.csv")[1]
'observed 2023-04-26: the date in the file name latest_usage04262023.csv (read as month, day, year)'
>>> observed_time("copy.csv", "2024-05-01")
('2024-05-01T00:00:00Z', 'observed 2024-05-01: given with --observed')
>>> observed_time("copy.csv")
Traceback (most recent call last):
...
importers.observed.MissingDate: copy.csv: nothing says when this was observed (no date in the data or \
the file name): give --observed DATE, e.g. --observed 2024-04-26
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["MissingDate", "observed_time", "date_in_name", "parse_moment", "format_time"]

_ISO_IN_NAME = re.compile(r"(?<!\d)(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_US_IN_NAME = re.compile(r"(?<!\d)(\d{2})[-_.]?(\d{2})[-_.]?(20\d{2})(?!\d)")


class MissingDate(ValueError):
    """Nothing says when a file's records were observed: the import needs ``--observed DATE``."""


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with ``Z``.

    >>> format_time(datetime(2024, 4, 26, tzinfo=UTC))
    '2024-04-26T00:00:00Z'
    """
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_moment(value: str | datetime) -> datetime:
    """An ISO date or time (``2024-04-26``, ``20240426``, ``2024-04-26T12:00:00Z``); no zone means UTC.

    >>> parse_moment("20240426").isoformat()
    '2024-04-26T00:00:00+00:00'
    """
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip()
        if re.fullmatch(r"\d{8}", text):
            moment = datetime.strptime(text, "%Y%m%d")
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def date_in_name(name: str) -> tuple[datetime, str] | None:
    """The date a file name carries and how it was read, or None.

    >>> date_in_name("agency20240426.csv")[0].date(), date_in_name("x-2025_06_01.json")[0].date()
    (datetime.date(2024, 4, 26), datetime.date(2025, 6, 1))
    >>> date_in_name("report-12345678.csv") is None
    True
    """
    readings = ((_ISO_IN_NAME, (0, 1, 2), ""), (_US_IN_NAME, (2, 0, 1), " (read as month, day, year)"))
    for pattern, order, note in readings:
        for m in pattern.finditer(name):
            year, month, day = (int(m[i + 1]) for i in order)
            try:
                return datetime(year, month, day, tzinfo=UTC), note
            except ValueError:
                continue
    return None


def observed_time(path: str | Path, observed: str | datetime | None = None,
                  in_data: str | None = None) -> tuple[str, str]:
    """(when, how it was decided): ``observed`` if given, else ``in_data`` (a time the record carries),
    else a date in the file's name; else :class:`MissingDate`."""
    if observed is not None:
        try:
            moment = parse_moment(observed)
        except ValueError as e:
            raise ValueError(f"--observed {observed!r}: not a date (give an ISO date such as 2024-04-26)") from e
        return format_time(moment), f"observed {format_time(moment)[:10]}: given with --observed"
    if in_data:
        try:
            return format_time(parse_moment(in_data)), "observed: the time each record carries"
        except ValueError:
            pass
    name = Path(path).name
    found = date_in_name(name)
    if found is not None:
        moment, note = found
        return format_time(moment), f"observed {format_time(moment)[:10]}: the date in the file name {name}{note}"
    raise MissingDate(f"{path}: nothing says when this was observed (no date in the data or the file name): "
                      "give --observed DATE, e.g. --observed 2024-04-26")
