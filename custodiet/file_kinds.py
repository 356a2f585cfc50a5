"""What a file given as an events log plainly is, when it is not one, and which command reads it.

Decided by the file's head: its first :data:`HEAD_LINES` non-empty lines within :data:`HEAD_BYTES`. The
file is an events log (and bad lines further on become dead letters, as always) as soon as one of those
lines is a JSON object with an ``event_id`` or a ``type``, or starts like one (``{`` followed by more,
even if cut short or broken: a damaged event is a dead letter, not a different kind of file). Otherwise
the file is refused with what it looks like: a CSV that one of the importers reads, a Flock portal record,
a party registry, a rule set or scenario, an audit trail, a command's JSON output, a spreadsheet or
archive, or just text. A file with nothing but white space is empty.

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> p = os.path.join(d, "agency_access.csv")
>>> _ = open(p, "w").write("src_agency,external_agency\\nA PD,B PD\\n")
>>> what_it_is(p)
'looks like a Flock sharing CSV (columns src_agency, external_agency): use `custodiet import flock-sharing`'
>>> _ = open(p, "w").write('{"event_id":"e1","type":"transfer"}\\nnot json\\n')
>>> what_it_is(p) is None
True
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["what_it_is", "describe_head", "HEAD_BYTES", "HEAD_LINES"]

#: How much of the file is looked at.
HEAD_BYTES = 64 * 1024
#: How many non-empty lines of the head decide.
HEAD_LINES = 5
#: Whole-document formats (JSON, TOML) are parsed whole only up to this size.
_WHOLE_LIMIT = 4 << 20

_MAGIC = [
    (b"\x1f\x8b", "gzip-compressed data: decompress it first (gunzip)"),
    (b"PK\x03\x04", "a ZIP archive or an .xlsx spreadsheet: export the sheet as CSV, or unpack it"),
    (b"\xd0\xcf\x11\xe0", "an old-style .xls spreadsheet: export it as CSV"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"BZh", "bzip2-compressed data: decompress it first"),
    (b"\xfd7zXZ", "xz-compressed data: decompress it first"),
]

_IMPORT = "use `custodiet import {kind}`"


def _csv_kind(header: list[str]) -> str:
    """What a CSV with this header is, in words: an importer's input (each importer's own declaration,
    :mod:`importers.kinds`), an overrides file, or just a CSV."""
    from importers.kinds import by_header, shown_columns

    found = by_header(header)
    if found is not None:
        kind, what = found
        return f"looks like {what}: " + _IMPORT.format(kind=kind)
    cols = {h.strip().strip('"').lower() for h in header}
    shown = shown_columns(header)
    if {"agency", "kind"} <= cols and cols <= {"agency", "kind", "state", "category"}:
        return f"looks like an agency overrides CSV (columns {shown}): pass it with --overrides FILE"
    return (f"looks like a CSV file (columns {shown}), not JSON lines: the importers read Flock sharing, "
            "Flock search audit and Atlas Ring CSVs (`custodiet import --help`)")


def _import_kind(obj: Any) -> str | None:
    from importers.kinds import by_json

    found = by_json(obj)
    return None if found is None else f"looks like {found[1]}: " + _IMPORT.format(kind=found[0])


def _json_document_kind(doc: Any) -> str:
    if isinstance(doc, dict) and (what := _import_kind(doc)):
        return what
    if isinstance(doc, list) and doc and all(isinstance(x, dict) for x in doc[:20]):
        if all("event_id" in x or "type" in x for x in doc[:20]):
            return "looks like a JSON array of events: write one event object per line (e.g. jq -c '.[]' FILE)"
        if all("id" in x and "kind" in x for x in doc[:20]):
            return "looks like a party registry: pass it with --registry FILE"
        if what := _import_kind(doc):
            return what
    if isinstance(doc, dict):
        return _json_object_kind(doc) or "holds a JSON object without event_id or type: not an events log"
    return "looks like one JSON document, not JSON lines (one event object per line)"


def _json_object_kind(obj: dict[str, Any]) -> str | None:
    """What a JSON object that is not an event is (None: nothing recognisable)."""
    if what := _import_kind(obj):
        return what
    if {"seq", "prev", "component", "event_type"} <= set(obj):
        return "looks like an audit trail: use `custodiet audit verify`"
    if "id" in obj and "kind" in obj:
        return "looks like a party registry: pass it with --registry FILE"
    if "events_in" in obj and "dead_letters" in obj:
        return "looks like the JSON output of `custodiet check`, not an events log"
    if {"clip", "to", "count"} <= set(obj) or {"to", "clip_count"} <= set(obj):
        return "looks like the JSON output of `custodiet trace` or `reach`, not an events log"
    return None


def _toml_kind(text: str) -> str | None:
    try:
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    if not doc:
        return None
    if "rules" in doc:
        return "looks like a rule set (TOML): pass it with --rules FILE"
    if "rule_sets" in doc or "agencies" in doc or "channel" in doc:
        return "looks like a scenario (TOML): pass it with --scenario FILE"
    return "looks like a TOML file, not JSON lines"


def _multi_line_document(lines: list[str], head: bytes, whole: bool,
                         read_all: Callable[[], bytes | None]) -> Any:
    """A JSON document written over several lines (a pretty-printed portal record), whole; else None. Its first
    line alone is not JSON, which would otherwise read as a broken event."""
    if not lines or lines[0][0] not in "{[":
        return None
    try:
        json.loads(lines[0])
        return None  # a whole object on one line: JSON lines
    except (ValueError, RecursionError):
        pass
    everything = head if whole else read_all()
    if everything is None:
        return None
    try:
        doc = json.loads(everything.decode("utf-8", errors="replace").lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return None
    return None if isinstance(doc, dict) and ("event_id" in doc or "type" in doc) else doc


def _binary_line(line: str) -> bool:
    """A line of bytes that are not text (NUL, or mostly undecodable or control characters)."""
    bad = sum(ch == "\ufffd" or (ch < " " and ch not in "\t\r") for ch in line)
    return "\x00" in line or bad > len(line) // 5


def _starts_like_an_event(line: str) -> bool:
    """A line that is, or was meant to be, one event object."""
    if not line.startswith("{") or line == "{":
        return False
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return True  # broken or cut short: a dead letter of an events log
    return isinstance(obj, dict) and ("event_id" in obj or "type" in obj)


def what_it_is(path: str | Path) -> str | None:
    """None when ``path``'s head reads as an events log; else one phrase saying what it is instead
    (``"is empty: ..."`` or ``"looks like ...: use ..."``). Raises ``OSError`` if it cannot be read.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "x.jsonl")
    >>> _ = open(p, "w").write("\\n  \\n")
    >>> what_it_is(p)
    'is empty: no events in it'
    """
    p = Path(path)
    with p.open("rb") as f:
        head = f.read(HEAD_BYTES)
    whole = len(head) < HEAD_BYTES
    return describe_head(head, whole, lambda: p.read_bytes() if p.stat().st_size <= _WHOLE_LIMIT else None)


def describe_head(head: bytes, whole: bool, read_all: Callable[[], bytes | None] = lambda: None) -> str | None:
    """:func:`what_it_is` for the first bytes of an input (``whole``: they are all of it). ``read_all``
    gives the whole input when it is small enough to parse as one document (JSON, TOML), else None.

    >>> describe_head(b"id,name\\n1,x\\n", True)[:28]
    'looks like a CSV file (colum'
    """
    if not head.strip():
        return "is empty: no events in it"
    for magic, words in _MAGIC:
        if head.startswith(magic):
            return f"looks like {words}"
    from importers.text import head_text

    utf16 = head_text(head)
    text = (utf16 if utf16 is not None else head.decode("utf-8", errors="replace")).lstrip("\ufeff")
    pieces = text.split("\n")
    if not whole and len(pieces) > 1:
        pieces.pop()  # cut off by the head's size
    # A line of binary garbage among event lines is a dead letter of an events log, not what the file is:
    # the head is judged by its lines of text.
    lines = [x.strip() for x in pieces if x.strip() and not _binary_line(x)][:HEAD_LINES]
    document = _multi_line_document(lines, head, whole, read_all)
    if document is not None:
        return _json_document_kind(document)
    if any(_starts_like_an_event(x) for x in lines):
        return None  # UTF-16 too: judge.logread reads it as UTF-8
    if b"\x00" in head and utf16 is None or not lines:
        return "looks like binary data, not JSON lines of text"
    first = lines[0]
    sample = text[:2048]
    if sum(ch == "\ufffd" or (ch < " " and ch not in "\t\r\n") for ch in sample) > len(sample) // 20:
        return "looks like binary data (not UTF-8 text), not JSON lines"
    everything = head if whole else read_all()
    small = everything is not None
    full = everything.decode("utf-8", errors="replace").lstrip("\ufeff") if everything is not None else text
    if first[0] in "{[" and small:
        try:
            return _json_document_kind(json.loads(full))
        except (ValueError, RecursionError):
            pass
    toml = _toml_kind(full) if small else None
    if toml is not None:
        return toml
    if first[0] in "{[":
        objs = []
        for x in lines:
            try:
                objs.append(json.loads(x))
            except (ValueError, RecursionError):
                objs.append(None)
        if isinstance(objs[0], dict):
            return _json_object_kind(objs[0]) or \
                "holds JSON objects without event_id or type in its first lines: not an events log"
        return "looks like JSON arrays or a JSON document, not JSON lines (one event object per line)"
    low = first.lower()
    if low.startswith(("<!doctype html", "<html")):
        return "looks like an HTML page, not JSON lines"
    if low.startswith(("<?xml", "<graphml", "<gexf")):
        return "looks like an XML document (a GraphML or GEXF export?), not JSON lines"
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",\t;|")
        header = next(csv.reader(io.StringIO(first), dialect))
    except (csv.Error, StopIteration):
        header = []
    if len(header) >= 2:
        return _csv_kind(header)
    shown = first[:40] + ("..." if len(first) > 40 else "")
    return f"is text that is not JSON lines (first line: {shown!r})"
