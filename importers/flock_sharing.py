"""Import the Flock sharing edge list (``flock-sharing-nc-2024``) as ``access_grant`` events.

Input: a CSV with ``src_agency,external_agency`` (extra columns such as ``src_agency_id`` are kept as
``grantor_ref``/``grantee_ref``), one row per "src grants external access to its camera data"; or a folder
holding ``agency_access*.csv``. Each row becomes::

    {"event_id": "flock-share:<grantor-slug>:<grantee-slug>", "type": "access_grant",
     "occurred_at": <observed>, "grantor": "agency:<grantor-slug>", "grantee": "agency:<grantee-slug>",
     "system": "flock", "scope": "alpr-search", "grantor_name": ..., "grantee_name": ...,
     "source": "flock-sharing-nc-2024"}

``occurred_at`` is when the grant was observed: the ``observed`` argument, else the date in the file name
(``agency_access20240426.csv`` -> 2024-04-26T00:00:00Z), else the file's modification time.
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

import csv
import math
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from classify.agencies import AgencyClass, agency_slug, classify_agency
from importers.aliases import merge_aliases
from importers.report import ImportResult, clean_cell, is_placeholder
from importers.sniff import is_empty, wrong_kind
from schemas.parties import Party

__all__ = ["import_flock_sharing", "observed_at", "parse_retention_days", "format_time", "SOURCE"]

SOURCE = "flock-sharing-nc-2024"
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})[-_]?(\d{2})[-_]?(\d{2})(?!\d)")


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with ``Z``.

    >>> format_time(datetime(2024, 4, 26, tzinfo=UTC))
    '2024-04-26T00:00:00Z'
    """
    text = moment.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def _parse_observed(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip()
        if re.fullmatch(r"\d{8}", text):
            moment = datetime.strptime(text, "%Y%m%d")
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def observed_at(path: str | Path, observed: str | datetime | None = None) -> str:
    """When a file's contents were observed: ``observed``, else a date in its name, else its mtime.

    >>> observed_at("agency_access20240426.csv"), observed_at("x.csv", "2024-05-01")
    ('2024-04-26T00:00:00Z', '2024-05-01T00:00:00Z')
    """
    if observed is not None:
        return format_time(_parse_observed(observed))
    m = _DATE_IN_NAME.search(Path(path).name)
    if m:
        try:
            return format_time(datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=UTC))
        except ValueError:
            pass
    return format_time(datetime.fromtimestamp(Path(path).stat().st_mtime, tz=UTC))


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


def _resolve_input(path: Path) -> Path:
    if path.is_dir():
        found = sorted(path.glob("agency_access*.csv")) or sorted(path.glob("*.csv"))
        if not found:
            raise FileNotFoundError(f"{path}: no agency_access*.csv inside")
        return found[-1]
    return path


def import_flock_sharing(
    path: str | Path,
    observed: str | datetime | None = None,
    source: str = SOURCE,
    overrides: dict | None = None,
) -> ImportResult:
    """Read a Flock sharing edge list into ``access_grant`` events and party entries."""
    file = _resolve_input(Path(path))
    if is_empty(file):
        raise ValueError("empty file: no header, no rows")
    when = observed_at(file, observed)
    result = ImportResult(kind="flock-sharing", files=[str(file)])
    parties: dict[str, Party] = {}
    seen: set[str] = set()
    with open(file, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return result
        src_col = _find_column(header, "src_agency", "source_agency", "grantor", "agency")
        ext_col = _find_column(header, "external_agency", "grantee", "external_organization")
        if src_col is None or ext_col is None:
            raise ValueError(f"{file}: need columns src_agency and external_agency, got {header[:10]}; "
                             f"{wrong_kind(file, 'flock-sharing')}")
        src_id_col = _find_column(header, "src_agency_id")
        ext_id_col = _find_column(header, "external_agency_id")
        classes: dict[str, AgencyClass] = {}

        def classified(name: str) -> AgencyClass:
            cls = classes.get(name)
            if cls is None:
                cls = classes[name] = classify_agency(name, overrides)
            return cls

        mapping = _aliases(file, src_col, ext_col, classified, result)
        for row in reader:
            line = reader.line_num
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
            grantor, grantee = (_canon(classified(n), mapping, classified) for n in (src, ext))
            if grantor.party_id == grantee.party_id:
                result.skip(file, line, f"self grant: {src!r}")
                continue
            event = grant_event(
                grantor,
                grantee,
                when,
                source,
                grantor_ref=_cell(row, src_id_col),
                grantee_ref=_cell(row, ext_id_col),
            )
            if event["event_id"] in seen:
                result.skip(file, line, f"duplicate row: {src!r} -> {ext!r}")
                continue
            seen.add(event["event_id"])
            result.add_event(event)
            for cls in (grantor, grantee):
                parties.setdefault(cls.party_id, cls.to_party())
    result.parties = sorted(parties.values(), key=lambda p: p.id)
    return result


def _aliases(
    file: Path, src_col: int, ext_col: int, classified: Any, result: ImportResult
) -> dict[str, tuple[str, str]]:
    """First pass: ids that are one agency's name in another word order (:mod:`importers.aliases`), each
    mapped to the kept id and a name that has it; every merge reported in ``result.merges``."""
    counts: Counter[str] = Counter()
    name_of: dict[str, str] = {}
    with open(file, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for row in reader:
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
