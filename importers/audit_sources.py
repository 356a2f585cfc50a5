"""Rows of a search audit from CSV, JSON, JSON Lines or a spreadsheet, one at a time.

:func:`open_audit` gives an :class:`AuditRows`: the header, the agency the file names (a per-agency JSON
record's ``agency``), and an iterator of ``(line, cells)``. CSV, JSON Lines and ``.xlsx`` are read row by
row (a spreadsheet with openpyxl's read-only mode), so a file of millions of rows is never held; a
``.json`` document is parsed whole (per-agency JSON files are small).

A spreadsheet may hold several sheets (the audit, "shared with me", "I'm sharing"): the audit sheet is the
first whose header fits an audit layout (:func:`importers.audit_layouts.fits_audit`), whatever its name.

>>> import tempfile, os, json
>>> p = os.path.join(tempfile.mkdtemp(), "a.json")
>>> _ = open(p, "w").write(json.dumps({"agency": "Eugene OR PD",
...     "searches": [{"id": "a1", "searchDate": "2025-06-18 00:02:04", "reason": "UUV"}]}))
>>> rows = open_audit(p)
>>> rows.agency, rows.header, [r for r in rows.rows]
('Eugene OR PD', ['id', 'searchDate', 'reason'], [(1, ['a1', '2025-06-18 00:02:04', 'UUV'])])
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.audit_layouts import fits_audit
from importers.report import clean_cell
from importers.text import open_table, open_text, read_text

__all__ = ["AuditRows", "open_audit", "agency_of_record", "AGENCY_KEYS", "PORTAL_KEYS", "ROW_LIST_KEYS"]

#: Keys of a per-agency JSON record that name its agency, that name its portal (a slug or the portal's
#: address, whose last part is the slug: ``eugene-or-pd`` is Eugene OR PD), and that hold its rows.
AGENCY_KEYS = ("agency", "agency_name", "org_name", "organization", "name", "crawled_name")
PORTAL_KEYS = ("slug", "crawled_slug", "portal", "portal_url", "transparency_url", "url")
ROW_LIST_KEYS = ("searches", "audit", "audits", "rows", "records", "data", "results")


@dataclass
class AuditRows:
    """A header, the agency the file itself names (or None), and the rows (line, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    agency: str | None = None
    sheet: str | None = None
    closer: ExitStack = field(default_factory=ExitStack)
    encoding: str = "utf-8"
    assumptions: list[str] = field(default_factory=list)
    """What reading the file assumed (an encoding, a separator: :mod:`importers.text`)."""

    def assume(self, what: str) -> None:
        """Note an assumption (passed on to the import's result)."""
        self.assumptions.append(what)

    def close(self) -> None:
        """Close the underlying file."""
        self.closer.close()


def open_audit(path: str | Path) -> AuditRows:
    """Open an audit file by its suffix (``.xlsx``, ``.json``, ``.jsonl``, else CSV)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(file)
    if suffix == ".jsonl":
        return _jsonl(file)
    if suffix == ".json":
        return _json(file)
    return _csv(file)


def _csv(file: Path) -> AuditRows:
    stack = ExitStack()
    rows = AuditRows([], iter(()), closer=stack)
    table = stack.enter_context(open_table(file, rows))  # one CSV opening for every importer
    if table.header is None:
        stack.close()
        raise ValueError("empty file")
    rows.header, rows.rows, rows.encoding = table.header, table.rows, table.encoding
    return rows


def _dict_rows(records: Iterator[tuple[int, Any]], first: dict[str, Any]) -> tuple[list[str], Iterator]:
    header = list(first)  # JSON Lines: the first record's keys (a .json document: every record's, see _json)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for line, rec in records:
            if not isinstance(rec, dict):
                yield line, [None] * len(header) + [rec]  # a cell past the header: not a record
                continue
            yield line, [rec.get(k) for k in header]

    return header, rows()


def agency_of_record(record: dict[str, Any]) -> str | None:
    """The agency a per-agency JSON record names: by name, else by its portal's slug or address.

    >>> agency_of_record({"slug": "eugene-or-pd"}), agency_of_record({"portal": "https://x.example/danville-il-pd/"})
    ('Eugene OR PD', 'Danville IL PD')
    >>> agency_of_record({"agency": " Eugene OR PD ", "slug": "x"}), agency_of_record({"searches": []})
    ('Eugene OR PD', None)
    """
    from classify.agencies import name_from_slug

    name = next((clean_cell(record[k]) for k in AGENCY_KEYS if isinstance(record.get(k), str)
                 and clean_cell(record[k])), None)
    if name:
        return name
    portal = next((clean_cell(record[k]) for k in PORTAL_KEYS if isinstance(record.get(k), str)
                   and clean_cell(record[k])), None)
    if not portal:
        return None
    slug = portal.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return name_from_slug(slug) if slug else None


def _json(file: Path) -> AuditRows:
    notes = AuditRows([], iter(()))
    text = read_text(file, notes)
    if not text.strip():
        raise ValueError("empty file")
    data = json.loads(text)
    agency = None
    if isinstance(data, dict):
        agency = agency_of_record(data)
        key = next((k for k in ROW_LIST_KEYS if isinstance(data.get(k), list)), None)
        if key is None:
            raise ValueError(f"a JSON object without a list of searches (keys: {sorted(data)[:12]})")
        data = data[key]
    if not isinstance(data, list):
        raise ValueError("not a JSON list of searches")
    keys: dict[str, None] = {}
    for rec in data:
        if isinstance(rec, dict):
            keys.update(dict.fromkeys(rec))
    if not keys:
        raise ValueError("no search records in the JSON")
    header, rows = _dict_rows(iter(enumerate(data, 1)), keys)
    return AuditRows(header, rows, agency=agency, assumptions=notes.assumptions)


def _jsonl(file: Path) -> AuditRows:
    stack = ExitStack()
    notes = AuditRows([], iter(()))
    fh = stack.enter_context(open_text(file, notes))

    def records() -> Iterator[tuple[int, Any]]:
        for i, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield i, json.loads(line)
                except ValueError:
                    yield i, line.strip()

    it = records()
    first_line, first = next(it, (0, None))
    if not isinstance(first, dict):
        stack.close()
        raise ValueError("empty file" if first is None else "line 1 is not a JSON object")

    def chained() -> Iterator[tuple[int, Any]]:
        yield first_line, first
        yield from it

    header, rows = _dict_rows(chained(), first)
    return AuditRows(header, rows, closer=stack, assumptions=notes.assumptions)


_HEADER_SEARCH_ROWS = 20


def _xlsx(file: Path) -> AuditRows:
    from openpyxl import load_workbook

    stack = ExitStack()
    book = load_workbook(file, read_only=True, data_only=True)
    stack.callback(book.close)
    seen: list[str] = []
    for sheet in book.worksheets:
        it = sheet.iter_rows(values_only=True)
        for index, values in enumerate(it, 1):
            if index > _HEADER_SEARCH_ROWS:
                break
            cells = [clean_cell(v) for v in values]
            if not any(cells):
                continue
            if fits_audit(cells):
                header = cells
                start = index

                def rows(it=it, start=start) -> Iterator[tuple[int, list[Any]]]:  # type: ignore[no-untyped-def]
                    for n, row in enumerate(it, start + 1):
                        yield n, list(row)

                return AuditRows(header, rows(), sheet=sheet.title, closer=stack)
            seen.append(f"{sheet.title!r}: {[c for c in cells if c][:8]}")
            break
    stack.close()
    raise ValueError(f"no sheet has a search-audit header ({'; '.join(seen) or 'no sheets with rows'})")
