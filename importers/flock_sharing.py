"""Import the Flock sharing edge list (``flock-sharing-nc-2024``) as ``access_grant`` events.

Input: a CSV with ``src_agency,external_agency`` (extra columns such as ``src_agency_id`` are kept as
``grantor_ref``/``grantee_ref``), one row per "src grants external access to its camera data"; or a folder
holding ``agency_access*.csv``. Each row becomes::

    {"event_id": "flock-share:<grantor-slug>:<grantee-slug>", "type": "access_grant",
     "occurred_at": <observed>, "grantor": "agency:<grantor-slug>", "grantee": "agency:<grantee-slug>",
     "system": "flock", "scope": "alpr-search", "grantor_name": ..., "grantee_name": ...,
     "source": "flock-sharing-nc-2024"}

(``source`` is ``flock-sharing-nc-2024`` for the NC data set only, whose credit it carries; any other file's
events say ``flock-sharing:<file stem>``: :func:`sharing_source`.)

Or an organisation's sharing page as Flock exports it (``Page, Organization Name, Networks Shared With Me,
Networks I'm Sharing``; ``Page`` may be missing), whose owner the file does not name: it is ``agency``
(``--agency``). Each row names an organisation; its first list names the organisation's networks shared
with the owner (a grant from the organisation to the owner), the second the owner's networks shared with it
(a grant from the owner). Each non-empty list is one input read and one event, with the ``networks`` named.

Rows that name a deactivated, demo or test entry ("[DEACTIVATED] - demo", "Test Demo 1234") are left out
with the reason ``left out`` (:attr:`classify.agencies.AgencyClass.left_out`), counted like every skip.

``occurred_at`` is when the grant was observed: the ``observed`` argument, else the date in the file name
(``agency_access20240426.csv`` -> 2024-04-26T00:00:00Z); with neither the import stops and asks for it
(:mod:`importers.observed`). What was assumed is in ``assumptions``.
Every agency named also becomes a registry entry (:func:`classify.agencies.classify_agency`).

Skipped with a reason: a missing/placeholder grantor or grantee, an agency granting itself, a duplicate
(grantor, grantee) pair after normalising names. Names that are one agency's words in another order
("Richland PD WA", "Richland WA PD") are one party, the most named id kept (:mod:`importers.aliases`);
each merge is in ``merges``.

>>> import tempfile, os
>>> d = tempfile.mkdtemp(); p = os.path.join(d, "agency_access20240426.csv")
>>> _ = open(p, "w").write("src_agency,external_agency\\nEl Cajon CA PD,FBI\\nEl Cajon CA PD , FBI\\n")
>>> r = import_flock_sharing(p)
>>> r.events[0]["event_id"], r.events[0]["occurred_at"], r.skipped_by_reason
('flock-share:el-cajon-ca-pd:fbi', '2024-04-26T00:00:00Z', {'duplicate row': 1})
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from classify.agencies import AgencyClass, agency_slug, classify_agency
from importers.aliases import merge_aliases
from importers.audit_layouts import header_key
from importers.kinds import Recognises, shown_columns
from importers.observed import format_time, observed_time
from importers.report import ImportResult, clean_cell, is_placeholder
from importers.sniff import is_empty, wrong_kind
from importers.text import Table, open_table
from schemas.parties import Party

__all__ = ["import_flock_sharing", "parse_retention_days", "format_time", "sharing_layout", "sharing_source", "SOURCE",
           "RECOGNISES"]

SOURCE = "flock-sharing-nc-2024"
#: The source of any other sharing file (an organisation's sharing page, an edge list of another origin): the
#: News & Observer's credit goes only with its own data set, told by its id columns or its folder.
OTHER_SOURCE = "flock-sharing"


def sharing_source(header: list[str], file: Path) -> str:
    """The ``source`` of events read from a sharing file: :data:`SOURCE` for the NC data set (its edge list
    with the ``src_agency_id``/``external_agency_id`` columns it numbered, or a file in its folder), else
    ``flock-sharing:<file stem>``.

    >>> sharing_source(["src_agency", "external_agency", "src_agency_id", "external_agency_id"], Path("nc.csv"))
    'flock-sharing-nc-2024'
    >>> sharing_source(["Page", "Organization Name"], Path("los-gatos-sharing.csv"))
    'flock-sharing:los-gatos-sharing'
    """
    keys = {header_key(h) for h in header}
    if {"srcagencyid", "externalagencyid"} <= keys or file.parent.name == SOURCE:
        return SOURCE
    return f"{OTHER_SOURCE}:{agency_slug(file.stem) or 'file'}"


def parse_retention_days(value: object) -> float | None:
    """Retention in days from ``30``, ``"30 days"``, ``"1 year"``; None for junk (``-Infinity days``, NA).

    >>> [parse_retention_days(v) for v in [30, "30 days", " 45 Days ", "-Infinity days", "NA", "1 year", -3]]
    [30.0, 30.0, 45.0, None, None, 365.0, None]
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        unit = "days"
    else:
        m = re.fullmatch(r"\s*([-+]?(?:\d+(?:\.\d+)?|infinity|inf|nan))\s*([a-z]*)\s*", str(value).lower())
        if not m:
            return None
        number = float(m[1])
        unit = m[2] or "days"
    if math.isnan(number) or math.isinf(number) or number < 0:
        return None
    factor = {
        "day": 1,
        "days": 1,
        "d": 1,
        "week": 7,
        "weeks": 7,
        "month": 30,
        "months": 30,
        "year": 365,
        "years": 365,
        "hours": 1 / 24,
        "hour": 1 / 24,
    }.get(unit)
    return None if factor is None else number * factor


_SRC_NAMES = ("src_agency", "source_agency", "grantor", "agency")
_EXT_NAMES = ("external_agency", "grantee", "external_organization")
#: An organisation's sharing page (``Page`` optional): header keys (:func:`header_key`) in their roles.
_ORG_PAGE_ORDER = ("organizationname", "networkssharedwithme", "networksimsharing")
ORG_PAGE_COLUMNS = frozenset(_ORG_PAGE_ORDER)


def _find_column(header: list[str], *names: str) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def grant_event(
    grantor: AgencyClass, grantee: AgencyClass, occurred_at: str, source: str, **extra: Any
) -> dict[str, Any]:
    """An ``access_grant`` event between two classified agencies."""
    event: dict[str, Any] = {
        "event_id": f"flock-share:{_slug_of(grantor.party_id)}:{_slug_of(grantee.party_id)}",
        "type": "access_grant",
        "occurred_at": occurred_at,
        "grantor": grantor.party_id,
        "grantee": grantee.party_id,
        "system": "flock",
        "scope": "alpr-search",
        "grantor_name": grantor.name,
        "grantee_name": grantee.name,
        "grantor_state": grantor.state,
        "grantee_state": grantee.state,
        "source": source,
    }
    event.update(extra)
    return {k: v for k, v in event.items() if v is not None}


def _slug_of(party_id: str) -> str:
    return party_id.split(":", 1)[1] if ":" in party_id else party_id


def _resolve_input(path: Path, result: ImportResult) -> Path:
    if path.is_dir():
        found = sorted(path.glob("agency_access*.csv")) or sorted(path.glob("*.csv"))
        if not found:
            raise FileNotFoundError(f"{path}: no agency_access*.csv inside")
        if len(found) > 1:
            result.assume(f"read {found[-1].name}, the last of {len(found)} CSV files in {path} by name")
        return found[-1]
    return path


def sharing_layout(header: list[str]) -> str | None:
    """``edges`` (an edge list), ``org-page`` (an organisation's sharing page) or None: the one test of
    whether this importer reads a header, asked by the importer and by :mod:`importers.kinds`.

    >>> sharing_layout(["Page", "Organization Name", "Networks Shared With Me", "Networks I'm Sharing"])
    'org-page'
    >>> sharing_layout(["grantor", "grantee"]), sharing_layout(["Agency", "State"])
    ('edges', None)
    """
    keys = {header_key(h) for h in header}
    if ORG_PAGE_COLUMNS <= keys:
        return "org-page"
    if _find_column(header, *_SRC_NAMES) is not None and _find_column(header, *_EXT_NAMES) is not None:
        return "edges"
    return None


def _recognise(header: list[str]) -> str | None:
    layout = sharing_layout(header)
    if layout is None:
        return None
    what = "a Flock sharing CSV" if layout == "edges" else "a Flock organisation sharing page"
    return f"{what} (columns {shown_columns(header)})"


RECOGNISES = Recognises("flock-sharing", header=_recognise)


def _layout(header: list[str], file: Path) -> str:
    layout = sharing_layout(header)
    if layout is not None:
        return layout
    raise ValueError(f"{file}: need columns src_agency and external_agency (an edge list) or Organization Name, "
                     f"Networks Shared With Me, Networks I'm Sharing (an organisation's sharing page), got "
                     f"{header[:10]}; {wrong_kind(file, 'flock-sharing')}")


class _Classes:
    """Each distinct name classified once, and aliases (one agency's words in another order) merged."""

    def __init__(self, overrides: dict | None) -> None:
        self.overrides = overrides
        self.cache: dict[str, AgencyClass] = {}
        self.mapping: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str) -> AgencyClass:
        cls = self.cache.get(name)
        if cls is None:
            cls = self.cache[name] = classify_agency(name, self.overrides)
        return cls

    def canon(self, name: str) -> AgencyClass:
        return _canon(self(name), self.mapping, self)


def import_flock_sharing(
    path: str | Path,
    observed: str | datetime | None = None,
    source: str | None = None,
    overrides: dict | None = None,
    agency: str | None = None,
) -> ImportResult:
    """Read a Flock sharing edge list, or an organisation's sharing page (whose owner is ``agency``), into
    ``access_grant`` events and party entries."""
    result = ImportResult(kind="flock-sharing")
    file = _resolve_input(Path(path), result)
    result.files.append(str(file))
    if is_empty(file):
        raise ValueError("empty file: no header, no rows")
    with open_table(file, result) as table:
        if table.header is None:
            return result
        layout = _layout(table.header, file)
        source = source or sharing_source(table.header, file)
        if layout == "org-page" and not agency:
            raise ValueError("an organisation's sharing page does not name whose page it is: give --agency NAME "
                             "(the organisation that exported it, e.g. --agency 'Conway AR PD')")
        when, how = observed_time(file, observed)
        result.assume(how)
        classes = _Classes(overrides)
        parties: dict[str, Party] = {}
        if layout == "org-page":
            assert agency is not None
            _read_org_page(result, table, file, classes, agency, when, source, parties)
        else:
            _read_edges(result, table, file, classes, when, source, parties)
    result.parties = sorted(parties.values(), key=lambda p: p.id)
    return result


def _left_out(result: ImportResult, file: Path, line: int, *classes: AgencyClass) -> bool:
    """Skip (counted, with the reason) a row that names a deactivated, demo or test entry."""
    for cls in classes:
        if cls.left_out:
            result.skip(file, line, f"left out: {cls.name!r} is not counted ({cls.left_out})")
            return True
    return False


def _add_grant(result: ImportResult, file: Path, line: int, event: dict, seen: set[str],
               parties: dict[str, Party], sides: tuple[AgencyClass, AgencyClass], names: str) -> None:
    """Keep a grant and its two parties, or skip it (counted) as a duplicate row (``names``: as the row says)."""
    if event["event_id"] in seen:
        result.skip(file, line, f"duplicate row: {names}")
        return
    seen.add(event["event_id"])
    result.add_event(event)
    for cls in sides:
        parties.setdefault(cls.party_id, cls.to_party())


def _read_edges(result: ImportResult, table: Table, file: Path, classes: _Classes, when: str, source: str,
                parties: dict[str, Party]) -> None:
    header = table.header or []
    src_col = _find_column(header, *_SRC_NAMES)
    ext_col = _find_column(header, *_EXT_NAMES)
    assert src_col is not None and ext_col is not None
    src_id_col = _find_column(header, "src_agency_id")
    ext_id_col = _find_column(header, "external_agency_id")
    classes.mapping = _aliases(file, src_col, ext_col, classes, result)
    seen: set[str] = set()
    for line, row in table.rows:
        if not any(cell.strip() for cell in row):
            continue  # blank line: not a row
        result.read()
        src = clean_cell(row[src_col]) if src_col < len(row) else ""
        ext = clean_cell(row[ext_col]) if ext_col < len(row) else ""
        if is_placeholder(src) or not agency_slug(src):
            result.skip(file, line, f"missing grantor: {src!r}")
            continue
        if is_placeholder(ext) or not agency_slug(ext):
            result.skip(file, line, f"missing grantee: {ext!r}")
            continue
        grantor, grantee = classes.canon(src), classes.canon(ext)
        if _left_out(result, file, line, grantor, grantee):
            continue
        if grantor.party_id == grantee.party_id:
            result.skip(file, line, f"self grant: {src!r}")
            continue
        event = grant_event(grantor, grantee, when, source,
                            grantor_ref=_cell(row, src_id_col), grantee_ref=_cell(row, ext_id_col))
        _add_grant(result, file, line, event, seen, parties, (grantor, grantee), f"{src!r} -> {ext!r}")


def _networks(cell: str) -> list[str]:
    """The network names in one cell of a sharing page (one per line, or separated by ``;`` or ``,``)."""
    parts = re.split(r"[\n;,]", cell or "")
    return [clean_cell(p) for p in parts if not is_placeholder(p)]


def _read_org_page(result: ImportResult, table: Table, file: Path, classes: _Classes, agency: str, when: str,
                   source: str, parties: dict[str, Party]) -> None:
    """One organisation a row: the networks it shares with the page's owner (a grant to the owner) and the
    owner's networks shared with it (a grant from the owner). Each non-empty list is one input read."""
    keys = [header_key(h) for h in table.header or []]
    org_col, with_me_col, sharing_col = (keys.index(k) for k in _ORG_PAGE_ORDER)
    owner = classes(agency)
    seen: set[str] = set()
    for line, row in table.rows:
        if not any(cell.strip() for cell in row):
            continue
        org_name = clean_cell(row[org_col]) if org_col < len(row) else ""
        lists = [(direction, _networks(row[col]) if col < len(row) else [])
                 for direction, col in (("shared with the owner", with_me_col), ("shared by the owner", sharing_col))]
        lists = [(d, nets) for d, nets in lists if nets]
        result.read(max(1, len(lists)))
        if is_placeholder(org_name) or not agency_slug(org_name):
            for _ in range(max(1, len(lists))):
                result.skip(file, line, f"missing organisation: {org_name!r}")
            continue
        if not lists:
            result.skip(file, line, f"no sharing listed: {org_name!r} shares no network either way")
            continue
        org = classes(org_name)
        for direction, nets in lists:
            if _left_out(result, file, line, org):
                continue
            grantor, grantee = (org, owner) if direction == "shared with the owner" else (owner, org)
            if grantor.party_id == grantee.party_id:
                result.skip(file, line, f"self grant: {org_name!r}")
                continue
            event = grant_event(grantor, grantee, when, source, networks=nets)
            _add_grant(result, file, line, event, seen, parties, (grantor, grantee),
                       f"{grantor.name!r} -> {grantee.name!r}")


def _aliases(
    file: Path, src_col: int, ext_col: int, classified: Any, result: ImportResult
) -> dict[str, tuple[str, str]]:
    """First pass: ids that are one agency's name in another word order (:mod:`importers.aliases`), each
    mapped to the kept id and a name that has it; every merge reported in ``result.merges``."""
    counts: Counter[str] = Counter()
    name_of: dict[str, str] = {}
    with open_table(file) as table:
        for _, row in table.rows:
            for col in (src_col, ext_col):
                name = clean_cell(row[col]) if col < len(row) else ""
                if name and not is_placeholder(name) and agency_slug(name):
                    pid = classified(name).party_id
                    counts[pid] += 1
                    name_of.setdefault(pid, name)
    mapping, result.merges = merge_aliases(counts)
    return {alias: (keep, name_of[keep]) for alias, keep in mapping.items()}


def _canon(cls: AgencyClass, mapping: dict[str, tuple[str, str]], classified: Any) -> AgencyClass:
    if cls.party_id not in mapping:
        return cls
    return classified(mapping[cls.party_id][1])


def _cell(row: list[str], col: int | None) -> str | None:
    if col is None or col >= len(row) or is_placeholder(row[col]):
        return None
    return clean_cell(row[col])
