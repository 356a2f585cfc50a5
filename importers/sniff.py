"""What a file looks like, from its first bytes, and which command reads it.

Used when an importer is given a file of the wrong kind, so that the error says what the file is instead
of writing nothing: a Flock sharing edge list given to ``import atlas-ring``, a CSV given to
``import flock-portal``, an empty file anywhere.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "x.csv")
>>> _ = open(p, "w").write("src_agency,external_agency\\nA,B\\n")
>>> looks_like(p)
('a Flock sharing CSV (columns src_agency, external_agency)', 'custodiet import flock-sharing')
>>> print(wrong_kind(p, "atlas-ring"))
looks like a Flock sharing CSV (columns src_agency, external_agency), not an input of atlas-ring: read it with \
`custodiet import flock-sharing`

Which importer reads a header or a JSON record is each importer's own declaration (:mod:`importers.kinds`),
the same one the command line's events-log check asks.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from importers.kinds import by_header, by_json
from importers.text import delimiter_of, head_text

__all__ = ["looks_like", "wrong_kind", "is_empty"]

_HEAD = 65536


def is_empty(path: str | Path) -> bool:
    """Is a file empty or only white space (looked at in its first 64 KiB)?

    >>> import tempfile; f = tempfile.NamedTemporaryFile(delete=False); f.close(); is_empty(f.name)
    True
    """
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
    return not head.strip()


def looks_like(path: str | Path) -> tuple[str, str | None]:
    """(what the file looks like, the command that reads it or None)."""
    p = Path(path)
    if p.is_dir():
        return "a folder", None
    with open(p, "rb") as fh:
        head = fh.read(_HEAD)
    if not head.strip():
        return "an empty file", None
    if head.startswith(b"PK\x03\x04"):
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            return "a spreadsheet", "custodiet import flock-audit"
        return "a zip archive", None
    text = head_text(head)  # UTF-16 with a byte-order mark: a spreadsheet's "Unicode Text"
    if text is None:
        if b"\x00" in head:
            return "binary data, not text", None
        text = head.decode("utf-8-sig", errors="replace")
        if text.count("\ufffd") > 8:
            text = head.decode("cp1252", errors="replace")  # a Windows export, or noise
            if sum(ch < " " and ch not in "\t\r\n" for ch in text[:2048]) > len(text[:2048]) // 20:
                return "binary data, not text", None
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return _json_kind(stripped)
    first = stripped.splitlines()[0] if stripped else ""
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter_of(first)), [])
    found = by_header(header)
    if found is not None:
        kind, what = found
        return what, f"custodiet import {kind}"
    if len(header) > 1:
        return f"a CSV with columns {[h.strip() for h in header][:10]}", None
    return "text that is neither CSV nor JSON", None


def _json_kind(text: str) -> tuple[str, str | None]:
    line = text.splitlines()[0]
    try:
        first = json.loads(line)
    except ValueError:
        first = None
    if first is None:
        try:
            first = json.loads(text)
        except ValueError:
            return "JSON (cut short or broken)", None
    if isinstance(first, list):
        first = next((x for x in first if isinstance(x, dict)), {})
    if not isinstance(first, dict):
        return "JSON that holds no objects", None
    keys = set(first)
    if {"event_id", "type", "occurred_at"} <= keys:
        return "a custodiet events log", "custodiet check"
    found = by_json(first)
    if found is not None:
        return found[1], f"custodiet import {found[0]}"
    if {"id", "kind"} <= keys:
        return "a party registry", "custodiet check --registry"
    return f"JSON with keys {sorted(keys)[:10]}", None


def wrong_kind(path: str | Path, kind: str) -> str:
    """One line for a file that ``import KIND`` cannot read: what it looks like and what reads it."""
    what, command = looks_like(path)
    if command == f"custodiet import {kind}":  # its kind, yet unreadable: never "not an input of" itself
        return f"looks like {what}, which {kind} reads, but it could not be read as one"
    tail = f": read it with `{command}`" if command else ""
    return f"looks like {what}, not an input of {kind}{tail}"
