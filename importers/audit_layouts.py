"""The layouts of Flock search audits, told apart by their header, and the times they write.

Two families are known:

* **portal** (an agency's transparency portal): ``id, userId, searchDate, cameraCount|networkCount,
  reason`` and sometimes ``caseNumber``, ``offenseType``. The searcher is the portal's agency, which the
  file does not name: it comes from ``--agency`` (or the ``agency`` of a per-agency JSON record).
* **network** (the network-audit export): ``Name, Org Name, Total Networks Searched, Total Devices
  Searched, Time Frame, License Plate, Reason, Case #, Filters, Search Time, Search Type, Text Prompt,
  Moderation``; also with underscores (``Org_Name``) and the time frame split in ``Time_Frame_Start`` /
  ``Time_Frame_End``. The searcher is each row's ``Org Name``.

Header names are compared after dropping case and everything but letters and digits, so ``Org Name``,
``Org_Name`` and ``org-name`` are one column, and ``Case #`` is ``case``.

>>> layout = detect_layout(["Name", "Org_Name", "Total_Networks_Searched", "Reason", "Search_Time"])
>>> layout.name, layout.columns["org"], layout.columns["date"]
('network', 1, 4)
>>> detect_layout(["id", "userId", "searchDate", "cameraCount", "reason"]).name
'portal'

A transparency portal's own export names the searcher in ``Name/Agency`` and counts ``Networks`` and
``Devices``:

>>> c = detect_layout(["Name/Agency", "Search Time", "Time Frame", "Networks", "Devices", "Reason"]).columns
>>> c["org"], c["networks"], c["cameras"]
(0, 3, 4)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from importers.report import clean_cell

__all__ = [
    "AuditLayout",
    "COLUMN_NAMES",
    "header_key",
    "detect_layout",
    "fits_audit",
    "parse_search_time",
    "parse_time_frame",
    "DEFAULT_TZ",
]

DEFAULT_TZ = "America/Los_Angeles"


def default_tz_assumption() -> str:
    """What reading an audit without ``--tz`` assumes, in the words every command prints it in.

    >>> default_tz_assumption()
    'times that carry no zone are read as America/Los_Angeles (give --tz ZONE to change)'
    """
    return f"times that carry no zone are read as {DEFAULT_TZ} (give --tz ZONE to change)"

#: field -> the header keys (see :func:`header_key`) that hold it, in order of preference.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "searchid"),
    "user": ("userid", "user", "name", "username"),
    "org": ("orgname", "organization", "organizationname", "org", "nameagency", "agencyname", "agency"),
    "date": ("searchdate", "searchtime", "searchedat", "timestamp", "date"),
    "cameras": ("cameracount", "totaldevicessearched", "camerassearched", "cameras", "devicessearched", "devices",
                "devicecount"),
    "networks": ("networkcount", "totalnetworkssearched", "networkssearched", "networks"),
    "reason": ("reason", "searchreason"),
    "case": ("casenumber", "case", "caseno"),
    "offense": ("offensetype", "offense"),
    "time_frame": ("timeframe",),
    "time_frame_start": ("timeframestart",),
    "time_frame_end": ("timeframeend",),
    "search_type": ("searchtype",),
    "moderation": ("moderation",),
    "plate": ("licenseplate", "plate"),
    "filters": ("filters",),
    "prompt": ("textprompt",),
}


def header_key(name: object) -> str:
    """A header cell reduced to lower-case letters and digits.

    >>> [header_key(h) for h in ["Org Name", "Org_Name", " Case # ", "searchDate", None]]
    ['orgname', 'orgname', 'case', 'searchdate', '']
    """
    return re.sub(r"[^a-z0-9]", "", str(name or "").lower())


@dataclass(frozen=True)
class AuditLayout:
    """Which family a header belongs to, and where each field is (column index)."""

    name: str
    columns: dict[str, int]
    header: tuple[str, ...]


def _columns(header: list[str]) -> dict[str, int]:
    keys = [header_key(h) for h in header]
    found: dict[str, int] = {}
    for field, names in COLUMN_NAMES.items():
        for n in names:
            if n in keys and keys.index(n) not in found.values():
                found[field] = keys.index(n)
                break
    return found


def fits_audit(header: list[str]) -> str | None:
    """The layout family a header fits (``portal`` or ``network``), or None. A search time and a reason,
    case or offense column make an audit; so do a search time, a search id or user, and a camera or network
    count (a portal that publishes no reason: its reasons are *not published*, not missing).

    >>> fits_audit(["Name", "Org Name", "Search Time", "Reason"]), fits_audit(["src_agency", "external_agency"])
    ('network', None)
    >>> fits_audit(["id", "userId", "searchDate", "cameraCount"]), fits_audit(["id", "date"])
    ('portal', None)
    """
    cols = _columns([clean_cell(h) for h in header])
    if "date" not in cols:
        return None
    stated = {"reason", "case", "offense"} & set(cols)
    counted = {"cameras", "networks"} & set(cols) and {"id", "user", "org"} & set(cols)
    if not stated and not counted:
        return None
    return "network" if "org" in cols else "portal"


def detect_layout(header: list[str]) -> AuditLayout:
    """The layout of an audit header; a ValueError naming the columns found when none fits."""
    clean = [clean_cell(h) for h in header]
    name = fits_audit(clean)
    if name is None:
        raise ValueError(
            f"no search-audit layout fits the columns {clean}: a portal audit has searchDate and reason "
            "(id,userId,searchDate,cameraCount,reason) or at least an id and a camera count, a network audit "
            "has Org Name, Search Time and Reason"
        )
    return AuditLayout(name, _columns(clean), tuple(clean))


_ZONE_SUFFIX = re.compile(r"\s*(UTC|GMT|Z|[ECMP][SD]T|AK[SD]T|HST)$", re.IGNORECASE)
#: Zone names written after a time, as fixed offsets (a "PST" time is UTC-8 whatever the date says).
_ZONES: dict[str, tzinfo] = {
    "UTC": UTC, "GMT": UTC, "Z": UTC,
    **{f"{z}{k}T": timezone(timedelta(hours=base + (1 if k == "D" else 0)))
       for z, base in (("E", -5), ("C", -6), ("M", -7), ("P", -8), ("AK", -9)) for k in ("S", "D")},
    "HST": timezone(timedelta(hours=-10)),
}
_LOCAL_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%Y/%m/%d %H:%M:%S",
    "%b %d %Y %I:%M:%S %p",
    "%b %d %Y %I:%M %p",
    "%B %d %Y %I:%M:%S %p",
    "%b %d %Y",
    "%B %d %Y",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y-%m-%d",
)


_LAST_FORMAT = [_LOCAL_FORMATS[0]]
_US_UTC = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}), (\d{1,2}):(\d{2}):(\d{2}) (AM|PM) UTC$")
_US_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$")


def parse_search_time(value: object, tz: str = DEFAULT_TZ) -> datetime:
    """A search time in UTC: local time in ``tz`` unless the text carries its own zone (``UTC``, ``Z``,
    an offset). Spreadsheet cells may already be datetimes.

    >>> parse_search_time("2025-06-18 00:02:04.789").isoformat()
    '2025-06-18T07:02:04.789000+00:00'
    >>> parse_search_time("11/13/2025, 10:00:17 PM UTC").isoformat()
    '2025-11-13T22:00:17+00:00'
    >>> parse_search_time("11/13/2025 10:00 PM PST").isoformat(), parse_search_time("2025-07-04 12:00 EDT").hour
    ('2025-11-14T06:00:00+00:00', 16)
    >>> parse_search_time("2025-12-01T10:00:00Z").isoformat(), parse_search_time("12/1/2025 9:30 AM").hour
    ('2025-12-01T10:00:00+00:00', 17)
    """
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=ZoneInfo(tz))).astimezone(UTC)
    fast = _US_UTC.match(value) if isinstance(value, str) else None
    if fast:  # the network-audit export's own form, "11/13/2025, 10:00:17 PM UTC": the common case, quickly
        month, day, year, hour, minute, second, half = fast.groups()
        h = int(hour)
        if 1 <= h <= 12:
            try:
                return datetime(int(year), int(month), int(day), h % 12 + (12 if half == "PM" else 0), int(minute),
                                int(second), tzinfo=UTC)
            except ValueError:
                pass  # an impossible date: the slow path says so
    text = clean_cell(value)
    if not text:
        raise ValueError("empty date")
    zone: tzinfo = ZoneInfo(tz)
    suffix = _ZONE_SUFFIX.search(text)
    if suffix and not re.search(r"[+-]\d{2}:?\d{2}$", text):
        text = text[: suffix.start()]
        zone = _ZONES[suffix.group(1).upper()]
    text = text.replace(",", " ").replace("  ", " ").strip()
    moment: datetime | None = None
    us = _US_TIME.match(text)
    if us:  # "11/13/2025 10:00:17 PM": the network-audit export's form, read without strptime (10x faster)
        month, day, year, hour, minute, second, half = us.groups()
        h = int(hour)
        if half:
            if not 1 <= h <= 12:
                raise ValueError(f"unreadable date {clean_cell(value)!r}")
            h = h % 12 + (12 if half.upper() == "PM" else 0)
        try:
            moment = datetime(int(year), int(month), int(day), h, int(minute), int(second or 0))
        except ValueError as e:
            raise ValueError(f"unreadable date {clean_cell(value)!r}") from e
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
    if moment is None:
        for fmt in (_LAST_FORMAT[0], *_LOCAL_FORMATS):  # a file writes every time one way: try that first
            try:
                moment = datetime.strptime(text, fmt)
                _LAST_FORMAT[0] = fmt
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError(f"unreadable date {clean_cell(value)!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


_FRAME_SPLIT = re.compile(r"\s+(?:-|–|—|to)\s+", re.IGNORECASE)


def parse_time_frame(value: object, tz: str = DEFAULT_TZ) -> tuple[datetime, datetime]:
    """The two ends of a ``Time Frame`` cell ("start - end"), in UTC; ValueError when unreadable.

    >>> s, e = parse_time_frame("11/12/2025, 10:00:17 PM UTC - 11/13/2025, 10:00:17 PM UTC")
    >>> s.isoformat(), e.isoformat()
    ('2025-11-12T22:00:17+00:00', '2025-11-13T22:00:17+00:00')
    >>> [t.date().isoformat() for t in parse_time_frame("5/1/25 - 5/10/25", "UTC")]  # a spreadsheet's short dates
    ['2025-05-01', '2025-05-10']
    """
    text = clean_cell(value)
    parts = _FRAME_SPLIT.split(text)
    if len(parts) != 2:
        raise ValueError(f"unreadable time frame {text!r}")
    start, end = (parse_search_time(p, tz) for p in parts)
    return start, end
