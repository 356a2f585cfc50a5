"""Import a Flock search audit (the Eugene CSV and its variants) as ``search`` events.

Columns (header names are matched case-insensitively, stray spaces ignored):
``id, userId, searchDate, cameraCount, reason``; variants have ``networkCount`` instead of (or besides)
``cameraCount``, and extra ``caseNumber``, ``offenseType``. Each row becomes::

    {"event_id": "eugene-search:<id>", "type": "search", "occurred_at": <searchDate in UTC>,
     "searcher": "agency:eugene-or-pd", "reason": ..., "purpose": classify_reason(reason),
     "networks_searched": networkCount or 1, "cameras_searched": cameraCount, "case_number": ...,
     "offense_type": ..., "user": userId, "source": "flock-search-audit"}

For a searcher other than Eugene the id is ``flock-search:<searcher-slug>:<id>``. ``searchDate`` without a
zone is local time in ``tz`` (default America/Los_Angeles) and is converted to UTC; with a zone it is
taken as given. A row without an id gets a stable one from a hash of its cells.

A reason that is empty or a placeholder is kept as ``""`` with purpose ``unspecified``: a search
without a reason is a finding, not a row to drop. Skipped with a reason: an unreadable date, a duplicate id.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "audit.csv")
>>> _ = open(p, "w").write('id,userId,searchDate,cameraCount,reason\\n'
...                        '"a1","u1","2025-06-18 00:02:04.789",2510,"UUV"\\n')
>>> e = import_flock_audit(p).events[0]
>>> e["event_id"], e["occurred_at"], e["purpose"], e["networks_searched"], e["cameras_searched"]
('eugene-search:a1', '2025-06-18T07:02:04.789000Z', 'property_crime', 1, 2510)
"""

from __future__ import annotations

import csv
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from classify.purposes import classify_reason
from importers.flock_sharing import format_time
from importers.report import ImportResult, clean_cell, is_placeholder

__all__ = ["import_flock_audit", "parse_search_date", "DEFAULT_AGENCY", "DEFAULT_TZ", "SOURCE"]

DEFAULT_AGENCY = "agency:eugene-or-pd"
DEFAULT_TZ = "America/Los_Angeles"
SOURCE = "flock-search-audit"

_LOCAL_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d",
)
_COLUMNS = {
    "id": ("id", "search_id", "searchid"),
    "user": ("userid", "user_id", "user"),
    "date": ("searchdate", "search_date", "date", "timestamp", "searched_at"),
    "cameras": ("cameracount", "camera_count", "cameras", "cameras_searched"),
    "networks": ("networkcount", "network_count", "networks", "networks_searched"),
    "reason": ("reason", "search_reason"),
    "case": ("casenumber", "case_number", "case"),
    "offense": ("offensetype", "offense_type", "offense"),
}


def parse_search_date(text: str, tz: str = DEFAULT_TZ) -> datetime:
    """A search date in UTC: local time in ``tz`` unless the text carries its own zone.

    >>> parse_search_date("2025-06-18 00:02:04.789").isoformat()
    '2025-06-18T07:02:04.789000+00:00'
    >>> parse_search_date("2025-12-01T10:00:00Z").isoformat(), parse_search_date("12/1/2025 9:30 AM").hour
    ('2025-12-01T10:00:00+00:00', 17)
    """
    value = clean_cell(text)
    if not value:
        raise ValueError("empty date")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        moment = None
    if moment is not None:
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
        return moment.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    for fmt in _LOCAL_FORMATS:
        try:
            local = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    raise ValueError(f"unreadable date {value!r}")


def _count(value: str | None) -> int | None:
    if value is None or is_placeholder(value):
        return None
    text = clean_cell(value).replace(",", "").replace("_", "")
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number < 0 or number in (float("inf"), float("-inf")):
        return None
    return int(number)


def import_flock_audit(
    path: str | Path,
    agency: str = DEFAULT_AGENCY,
    tz: str = DEFAULT_TZ,
    source: str = SOURCE,
) -> ImportResult:
    """Read a Flock search-audit CSV into ``search`` events."""
    file = Path(path)
    ZoneInfo(tz)  # fail early on an unknown zone
    if not agency.startswith("agency:") and ":" not in agency:
        from classify.agencies import agency_party_id

        agency = agency_party_id(agency)
    slug = agency.split(":", 1)[1]
    prefix = "eugene-search:" if agency == DEFAULT_AGENCY else f"flock-search:{slug}:"
    result = ImportResult(kind="flock-audit", files=[str(file)])
    seen: set[str] = set()
    with open(file, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return result
        lowered = [h.strip().lower() for h in header]
        col = {
            key: next((lowered.index(n) for n in names if n in lowered), None)
            for key, names in _COLUMNS.items()
        }
        if col["date"] is None:
            raise ValueError(f"{file}: no searchDate column in {header}")

        def cell(row: list[str], key: str) -> str | None:
            i = col[key]
            return row[i] if i is not None and i < len(row) else None

        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            result.read()
            try:
                when = parse_search_date(cell(row, "date") or "", tz)
            except ValueError as exc:
                result.skip(file, line, f"bad date: {exc}")
                continue
            raw_id = cell(row, "id")
            if raw_id is None or is_placeholder(raw_id):
                digest = hashlib.sha1("\x1f".join(clean_cell(c) for c in row).encode()).hexdigest()[:16]
                search_id = f"row-{digest}"
            else:
                search_id = clean_cell(raw_id)
            event_id = prefix + search_id
            if event_id in seen:
                result.skip(file, line, f"duplicate row: id {search_id}")
                continue
            seen.add(event_id)
            reason_raw = clean_cell(cell(row, "reason"))
            reason = "" if is_placeholder(reason_raw) else reason_raw
            purpose = classify_reason(reason)
            offense = cell(row, "offense")
            offense = None if offense is None or is_placeholder(offense) else clean_cell(offense)
            if offense and purpose in ("unspecified", "investigation"):
                from_offense = classify_reason(offense)
                if from_offense not in ("unspecified", "investigation"):
                    purpose = from_offense
            networks = _count(cell(row, "networks"))
            cameras_cell = cell(row, "cameras")
            cameras = _count(cameras_cell)
            if cameras_cell is not None and cameras is None and not is_placeholder(cameras_cell):
                result.warn(file, line, f"bad camera count {cameras_cell!r}: left out")
            user = cell(row, "user")
            case = cell(row, "case")
            event: dict[str, Any] = {
                "event_id": event_id,
                "type": "search",
                "occurred_at": format_time(when),
                "searcher": agency,
                "reason": reason,
                "purpose": purpose,
                "networks_searched": networks if networks is not None else 1,
                "cameras_searched": cameras,
                "case_number": None if case is None or is_placeholder(case) else clean_cell(case),
                "offense_type": offense,
                "user": None if user is None or is_placeholder(user) else clean_cell(user),
                "source": source,
            }
            result.add_event({k: v for k, v in event.items() if v is not None})
    return result
