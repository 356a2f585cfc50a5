"""Import a Flock search audit, of any known layout, as ``search`` events, row by row.

Layouts (:mod:`importers.audit_layouts`) are told apart by the header: the portal audit
(``id,userId,searchDate,cameraCount,reason``, maybe ``networkCount``, ``caseNumber``, ``offenseType``) and
the network-audit export (``Name, Org Name, Total Networks Searched, Total Devices Searched, Time Frame,
License Plate, Reason, Case #, Filters, Search Time, Search Type, Text Prompt, Moderation``, with
underscores or a split time frame). Files may be CSV, JSON, JSON Lines or ``.xlsx``
(:mod:`importers.audit_sources`).

**Who searched.** In a network audit, the row's ``Org Name``; in a portal audit, the agency given as
``agency`` (``--agency``) or named by the per-agency JSON record (by name, or by its portal's slug or
address: :func:`importers.audit_sources.agency_of_record`). There is no default: a portal audit with
neither is refused. Each event carries the searcher's name and state as the import read them
(``searcher_name``, ``searcher_state``), so a later ``check`` without a registry keeps them.

Each row becomes::

    {"event_id": "flock-search:<searcher-slug>:<id>", "type": "search", "occurred_at": <UTC>,
     "searcher": "agency:<slug>", "searcher_name": ..., "searcher_state": ..., "reason": ...,
     "purpose": search_purpose(reason, offense_type), "reason_published": false (only when the audit has no
     reason column), "reason_tier": ..., "reason_words": [...] (classify.reason_tiers.read_reason of the cell as
     written), "networks_searched": ..., "networks_unknown": true (only when the row gives no network count:
     networks_searched is then 1, the least a search covers, and the summary leaves the search out of its
     network figures), "cameras_searched": ...,
     "case_number": ..., "offense_type": ..., "time_frame_start": ..., "time_frame_end": ...,
     "search_type": ..., "moderation": ..., "user": ..., "source": audit_source(...)}

A row without an id (every network audit) gets one from a hash of its cells, so identical rows are one
search. Times without a zone are local time in ``tz``; ``UTC``, ``Z`` or an offset are taken as given.
A reason that is empty or a placeholder is kept as ``""``: a search without a reason is a finding, not a
row to drop; its purpose may still come from the offense type.

**Memory.** The import holds no rows: events go to ``sink`` as they are made (or are kept in the result
when no sink is given, for small files), the searcher of each distinct ``Org Name`` is classified once (a
bounded cache), and duplicate ids are looked for among the last :data:`RECENT_IDS` rows (a later copy
further away keeps its id, and ``check`` drops it as a duplicate event).

Skipped with a reason: an unreadable date, a duplicate id, a row with no searcher.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "audit.csv")
>>> _ = open(p, "w").write('id,userId,searchDate,cameraCount,reason\\n'
...                        '"a1","u1","2025-06-18 00:02:04.789",2510,"UUV"\\n')
>>> e = import_flock_audit(p, agency="Eugene OR PD").events[0]
>>> e["event_id"], e["occurred_at"], e["purpose"], e["networks_searched"], e["cameras_searched"]
('flock-search:eugene-or-pd:a1', '2025-06-18T07:02:04.789000Z', 'property_crime', 1, 2510)
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from classify.agencies import AgencyClass, agency_slug, classify_agency, name_from_slug
from classify.purposes import search_purpose
from classify.reason_tiers import read_reason
from importers.audit_layouts import (
    DEFAULT_TZ,
    AuditLayout,
    detect_layout,
    parse_search_time,
    parse_time_frame,
)
from importers.audit_sources import open_audit
from importers.flock_sharing import format_time
from importers.report import PLACEHOLDER_VALUES, ImportResult, clean_cell, is_placeholder
from importers.sniff import is_empty, looks_like, wrong_kind
from schemas.parties import Party

__all__ = ["import_flock_audit", "parse_search_date", "searcher_of", "DEFAULT_TZ", "SOURCE", "RECENT_IDS",
           "audit_source", "NO_REASON_COLUMN"]

SOURCE = "flock-search-audit"
#: What an import prints for an audit without a reason column.
NO_REASON_COLUMN = "the audit has no reason column: every reason read as not published (never as missing)"
#: The folder of the shared Eugene audit, whose credit (EyesOff Eugene) goes with :data:`SOURCE`.
EUGENE_FOLDER = "flock-search-audit-eugene-2025"


def audit_source(file: Path, searcher: str | None) -> str:
    """The ``source`` of the events of an audit: :data:`SOURCE` (credited to EyesOff Eugene) for the Eugene
    police audit (its folder, or a portal audit whose searcher is Eugene OR PD), else
    ``flock-search-audit:<file stem>``, credited to no one.

    >>> audit_source(Path("EPDSearchAuditLogs.csv"), "agency:eugene-or-pd"), audit_source(Path("wcso.csv"), None)
    ('flock-search-audit', 'flock-search-audit:wcso')
    """
    if searcher == "agency:eugene-or-pd" or file.parent.name == EUGENE_FOLDER:
        return SOURCE
    return f"{SOURCE}:{agency_slug(file.stem) or 'file'}"
#: How many recent row ids are remembered to find duplicate rows.
RECENT_IDS = 20_000


def parse_search_date(text: str, tz: str = DEFAULT_TZ):  # type: ignore[no-untyped-def]
    """A search date in UTC (see :func:`importers.audit_layouts.parse_search_time`).

    >>> parse_search_date("2025-06-18 00:02:04.789").isoformat()
    '2025-06-18T07:02:04.789000+00:00'
    """
    return parse_search_time(text, tz)


def _count(value: object) -> int | None:
    if value is None or is_placeholder(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(str(value).replace(",", "").replace("_", ""))
        except ValueError:
            return None
    if number != number or number < 0 or number in (float("inf"), float("-inf")):
        return None
    return int(number)


@lru_cache(maxsize=4096)
def searcher_of(name_or_id: str) -> AgencyClass:
    """The searching agency from a name (``Eugene OR PD``) or a party id (``agency:eugene-or-pd``).

    >>> c = searcher_of("agency:danville-il-pd"); c.party_id, c.state
    ('agency:danville-il-pd', 'IL')
    """
    text = clean_cell(name_or_id)
    if text.startswith("agency:") and " " not in text:
        cls = classify_agency(name_from_slug(text.split(":", 1)[1]))
        return AgencyClass(cls.name, text, cls.state, cls.category, cls.kind, cls.located_in, cls.rule)
    return classify_agency(text)


class _Recent:
    """The last ``size`` ids seen (a bounded set)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.ids: OrderedDict[str, None] = OrderedDict()

    def seen(self, key: str) -> bool:
        if key in self.ids:
            return True
        self.ids[key] = None
        if len(self.ids) > self.size:
            self.ids.popitem(last=False)
        return False


def import_flock_audit(
    path: str | Path,
    agency: str | None = None,
    tz: str = DEFAULT_TZ,
    source: str | None = None,
    sink: Callable[[dict[str, Any]], None] | None = None,
) -> ImportResult:
    """Read a Flock search audit into ``search`` events (to ``sink`` if given, else kept in the result)."""
    file = Path(path)
    ZoneInfo(tz)  # fail early on an unknown zone
    if is_empty(file):
        raise ValueError("empty file: no header, no rows")
    what, _ = looks_like(file)
    if what.startswith(("binary", "a zip", "a folder")):
        raise ValueError(wrong_kind(file, "flock-audit"))
    result = ImportResult(kind="flock-audit", files=[str(file)], sink=sink)
    try:
        rows = open_audit(file)
    except UnicodeDecodeError as e:
        raise ValueError(wrong_kind(file, "flock-audit")) from e
    except ValueError as e:
        if "sheet" in str(e):
            raise
        kind = wrong_kind(file, "flock-audit")
        raise ValueError(f"{e}" if "search audit" in kind else f"{e}; {kind}") from e
    for what in rows.assumptions:
        result.assume(what)
    try:
        try:
            layout = detect_layout(rows.header)
        except ValueError as e:
            what = wrong_kind(file, "flock-audit")
            raise ValueError(f"{e}" if "search audit" in what else f"{what}; {e}") from e
        fixed = agency or rows.agency
        if layout.name == "portal" and not fixed:
            raise ValueError(
                "a portal-layout audit does not name the searching agency: give --agency NAME "
                "(e.g. --agency 'Eugene OR PD')"
            )
        default = searcher_of(fixed) if fixed else None
        if default is not None and not agency:
            result.assume(f"searcher {default.name} ({default.party_id}): the agency the record names")
        source = source or audit_source(file, default.party_id if default else None)
        _read_rows(result, rows.rows, layout, default, tz, source, file)
    finally:
        rows.close()
    return result


_Cell = Callable[[list[str], str], "str | None"]


def _time_frame(row: list[str], cell: _Cell, tz: str,
                warn: Callable[[str], None]) -> tuple[datetime | None, datetime | None]:
    """(start, end) of the period a row searched, from ``Time Frame`` or its two halves; a bad or backwards
    frame is left out with a warning."""
    frame = cell(row, "time_frame")
    start: datetime | None
    end: datetime | None
    try:
        if frame:
            start, end = parse_time_frame(frame, tz)
        else:
            start_cell, end_cell = cell(row, "time_frame_start"), cell(row, "time_frame_end")
            start = parse_search_time(start_cell, tz) if start_cell else None
            end = parse_search_time(end_cell, tz) if end_cell else None
    except ValueError as exc:
        warn(f"bad time frame: {exc}; left out")
        return None, None
    if start and end and end < start:
        warn("time frame ends before it starts: left out")
        return None, None
    return start, end


def _cell_reader(col: dict[str, int]) -> _Cell:
    """A function giving a row's cleaned cell for a field (None: no such column, or a placeholder)."""
    placeholders = PLACEHOLDER_VALUES

    def cell(cells: list[str], key: str) -> str | None:
        i = col.get(key)
        if i is None or i >= len(cells):
            return None
        value = cells[i]
        return None if value.lower() in placeholders else value

    return cell


def _search_time(raw: list[Any], row: list[str], index: int, cell: _Cell, tz: str) -> datetime:
    """When a row's search ran (a spreadsheet's own date cell, else the text), in UTC; ValueError if unreadable."""
    value = raw[index] if index < len(raw) and isinstance(raw[index], datetime) else cell(row, "date")
    return parse_search_time(value, tz)


def _row_hash(row: list[str]) -> str:
    """The id of a row that has none (every network audit): identical rows are one search."""
    return "row-" + hashlib.sha1("\x1f".join(row).encode()).hexdigest()[:16]


def _searched(row: list[str], cell: _Cell, warn: Callable[[str], None]) -> tuple[int | None, int | None]:
    """(devices, networks) a row searched; a count that is not a number is left out with a warning."""
    cameras_cell, networks_cell = cell(row, "cameras"), cell(row, "networks")
    cameras, networks = _count(cameras_cell), _count(networks_cell)
    if cameras_cell is not None and cameras is None:
        warn(f"bad device count {cameras_cell!r}: left out")
    if networks_cell is not None and networks is None:
        warn(f"bad network count {networks_cell!r}: left out")
    return cameras, networks


def _read_rows(  # noqa: C901 - one row, one place
    result: ImportResult,
    rows: Any,
    layout: AuditLayout,
    default: AgencyClass | None,
    tz: str,
    source: str,
    file: Path,
) -> None:
    col = layout.columns
    published = "reason" in col  # a portal without a reason column publishes none: not published, not missing
    if not published:
        result.assume(NO_REASON_COLUMN)
    width = len(layout.header)
    recent = _Recent(RECENT_IDS)
    searchers: dict[str, Party] = {}  # one entry per searching agency (the registry, for --registry)
    cell = _cell_reader(col)

    for line, raw in rows:
        row = [" ".join(c.split()) if c.__class__ is str else clean_cell(c) for c in raw]  # cleaned once
        if not any(row):
            continue
        result.read()
        if len(row) > width and any(row[width:]):
            result.skip(file, line, f"not a row: {len(row)} cells for {width} columns")
            continue
        try:
            when = _search_time(raw, row, col["date"], cell, tz)
        except ValueError as exc:
            result.skip(file, line, f"bad date: {exc}")
            continue
        org = cell(row, "org")
        searcher = searcher_of(org) if org else default
        if searcher is None:
            result.skip(file, line, "no searcher: the row's Org Name is empty")
            continue
        if searcher.party_id not in searchers:
            searchers[searcher.party_id] = searcher.to_party()
        raw_id = cell(row, "id") or _row_hash(row)
        event_id = f"flock-search:{searcher.party_id.split(':', 1)[1]}:{raw_id}"
        if recent.seen(event_id):
            result.skip(file, line, f"duplicate row: id {raw_id}")
            continue
        reason = cell(row, "reason") or ""
        offense = cell(row, "offense")
        reading = read_reason(row[col["reason"]] if published and col["reason"] < len(row) else None,
                              published=published, offense_type=offense)
        warn = partial(result.warn, file, line)
        frame_start, frame_end = _time_frame(row, cell, tz, warn)
        cameras, networks = _searched(row, cell, warn)
        event: dict[str, Any] = {
            "event_id": event_id,
            "type": "search",
            "occurred_at": format_time(when),
            "searcher": searcher.party_id,
            "searcher_name": searcher.name,
            "searcher_state": searcher.state,
            "reason": reason,
            "purpose": search_purpose(reason, offense),
            "reason_published": None if published else False,
            "reason_tier": reading.tier,
            "reason_words": list(reading.words) or None,
            "networks_searched": networks if networks is not None else 1,
            "networks_unknown": None if networks is not None else True,
            "cameras_searched": cameras,
            "case_number": cell(row, "case"),
            "offense_type": offense,
            "time_frame_start": format_time(frame_start) if frame_start else None,
            "time_frame_end": format_time(frame_end) if frame_end else None,
            "search_type": cell(row, "search_type"),
            "moderation": cell(row, "moderation"),
            "user": cell(row, "user"),
            "source": source,
        }
        result.add_event({k: v for k, v in event.items() if v is not None})
    result.parties = sorted(searchers.values(), key=lambda p: p.id)
