"""Import Ring/Neighbors partnerships from the EFF Atlas of Surveillance CSV as party registry entries.

Columns used: ``Agency``, ``State``, ``Type of LEA`` (``Police``, ``Sheriff``, ``Constables``,
``District Attorney`` in the 2020 snapshot), ``Summary`` (says when the agency joined: "... in 2018 ...",
"... in September 2020 ..."), ``City``, ``County``, ``Type of Juris``, ``Technology``. No events: each row
becomes a :class:`schemas.parties.Party` with ``kind`` from the type of agency checked against the name
classifier (a "Police" row named "... University Police Department" is a university, a "State Police" row
is a state agency), ``state`` from the ``State`` column (else the name), ``joined`` the year, and
``jurisdiction`` the city (municipal) or county.

Atlas names carry no state ("Greenfield Police Department" is in WI and in IN), so the party id adds the
state when the name lacks a two-letter state code: ``agency:greenfield-police-department-wi``.

Skipped with a reason: a missing agency name, a duplicate (agency, state) row.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "atlas.csv")
>>> _ = open(p, "w").write('Agency,State,Type of LEA,Summary\\n'
...     'Ventura County Sheriff\\'s Office,CA,Sheriff,"... signed ... Ring, in 2018 to gain ..."\\n')
>>> party = import_atlas_ring(p).parties[0]
>>> party.id, party.kind, party.state, party.joined
('agency:ventura-county-sheriff-s-office-ca', 'sheriff', 'CA', '2018')
"""

from __future__ import annotations

import re
from pathlib import Path

from classify.agencies import (
    CATEGORY_KINDS,
    STATE_CODES,
    agency_party_id,
    classify_agency,
    has_state_token,
    state_of_name,
)
from importers.audit_layouts import header_key
from importers.kinds import Recognises, shown_columns
from importers.report import ImportResult, clean_cell, is_placeholder
from importers.sniff import is_empty, wrong_kind
from importers.text import open_table
from schemas.parties import Party

__all__ = ["import_atlas_ring", "joined_year", "LEA_TYPE_CATEGORIES", "RECOGNISES"]

#: "Type of LEA" -> category, when the name says nothing more specific.
LEA_TYPE_CATEGORIES: dict[str, str] = {
    "police": "local police",
    "sheriff": "sheriff",
    "constables": "local police",
    "constable": "local police",
    "district attorney": "prosecutor",
    "prosecutor": "prosecutor",
    "state police": "state",
    "campus police": "university",
    "university police": "university",
    "federal": "federal",
    "fusion center": "fusion center",
}
#: Categories from the name classifier that win over a plain "Police" type.
_NAME_WINS = frozenset({"university", "state", "federal", "military", "task force", "fusion center"})

_YEAR = re.compile(
    r"\bin\s+(?:(?:early|late|mid)\s+)?(?:(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+)?((?:19|20)\d{2})\b",
    re.IGNORECASE,
)


def _recognise(header: list[str]) -> str | None:
    keys = {header_key(h) for h in header}
    if "agency" in keys and keys & {"typeoflea", "aosnumber"}:
        return f"an Atlas of Surveillance (Ring partnerships) CSV (columns {shown_columns(header)})"
    return None


RECOGNISES = Recognises("atlas-ring", header=_recognise)


def joined_year(summary: str) -> str | None:
    """The year an agency joined, from an Atlas summary.

    >>> joined_year("... an agreement with ... Ring, in 2018 to gain ..."), joined_year("in September 2020")
    ('2018', '2020')
    >>> joined_year("no date here") is None
    True
    """
    m = _YEAR.search(summary or "")
    return m[1] if m else None


def import_atlas_ring(path: str | Path, overrides: dict | None = None) -> ImportResult:
    """Read the Atlas Ring/Neighbors CSV into party registry entries (no events)."""
    file = Path(path)
    if is_empty(file):
        raise ValueError("empty file: no header, no rows")
    result = ImportResult(kind="atlas-ring", files=[str(file)])
    seen: set[str] = set()
    with open_table(file, result) as table:
        fields = [clean_cell(f) for f in (table.header or [])]
        if "Agency" not in fields:
            raise ValueError(f"{wrong_kind(file, 'atlas-ring')} (no Agency column)")
        for line, cells in table.rows:
            row = dict(zip(fields, cells, strict=False))
            if not any(clean_cell(v) for v in row.values()):
                continue
            result.read()
            name = clean_cell(row.get("Agency"))
            if is_placeholder(name):
                result.skip(file, line, f"missing agency: {row.get('Agency')!r}")
                continue
            state_cell = clean_cell(row.get("State")).upper()
            state = state_cell if state_cell in STATE_CODES else state_of_name(name)
            if state_cell and state_cell not in STATE_CODES and not is_placeholder(state_cell):
                result.warn(file, line, f"unknown state {state_cell!r}: taken from the name")
            id_name = name if has_state_token(name) or not state else f"{name} {state}"
            party_id = agency_party_id(id_name)
            if party_id in seen:
                result.skip(file, line, f"duplicate row: {name!r} ({state})")
                continue
            seen.add(party_id)
            cls = classify_agency(id_name, overrides)
            lea = clean_cell(row.get("Type of LEA")).lower()
            category = LEA_TYPE_CATEGORIES.get(lea, cls.category)
            if cls.rule == "override" or (cls.category in _NAME_WINS and category == "local police"):
                category = cls.category
            kind = (
                cls.kind if cls.rule == "override" or category == cls.category else CATEGORY_KINDS[category]
            )
            juris_type = clean_cell(row.get("Type of Juris")).lower()
            place = (
                clean_cell(row.get("County"))
                if juris_type in ("county", "parish")
                else clean_cell(row.get("City"))
            )
            result.parties.append(
                Party(
                    id=party_id,
                    kind=kind,  # type: ignore[arg-type]
                    name=name,
                    state=None if kind == "federal" else (state if cls.rule != "override" else cls.state),
                    jurisdiction=place or None,
                    subkind=category,
                    joined=joined_year(clean_cell(row.get("Summary"))),
                )
            )
    return result
