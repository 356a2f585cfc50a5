"""Opening a published table as text: one function for every importer that reads CSV.

Spreadsheets and Windows tools write text in more than one encoding, and one odd byte must not lose a whole
file. :func:`text_encoding` decides, from the bytes: a byte-order mark says UTF-16 (a spreadsheet's
"Unicode Text", usually tab-separated) or UTF-8; else the file is UTF-8 if all of it decodes; else it is
read as Windows-1252, and what was assumed says where the first byte that is not UTF-8 is (line and byte).
:func:`open_table` opens a CSV (comma, tab or semicolon separated, told from the header line) and yields its
header and its rows with their line numbers; the assumption goes to the import's result.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "t.csv")
>>> _ = open(p, "wb").write("a,b\\n1,caf\\u00e9\\n".encode("cp1252"))
>>> text_encoding(p)
('cp1252', 'not UTF-8 (line 2 has byte 0xe9): read as Windows-1252')
>>> with open_table(p) as table:
...     table.header, list(table.rows)
(['a', 'b'], [(2, ['1', 'café'])])
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

__all__ = ["text_encoding", "head_text", "open_text", "read_text", "open_table", "delimiter_of", "Table", "Notes"]

_CHUNK = 1 << 20


class Notes(Protocol):
    """Where an assumption is written (:meth:`importers.report.ImportResult.assume`)."""

    def assume(self, what: str) -> None: ...


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return None


def head_text(head: bytes) -> str | None:
    """The first bytes of a file as text when they are UTF-16 with a byte-order mark (else None): so that a
    spreadsheet's "Unicode Text" is recognised, not called binary.

    >>> head_text("a\\tb\\n".encode("utf-16"))
    'a\\tb\\n'
    >>> head_text(b"a,b") is None
    True
    """
    if _bom_encoding(head) != "utf-16":
        return None
    return head[: len(head) - len(head) % 2].decode("utf-16", errors="replace")


def text_encoding(path: str | Path) -> tuple[str, str | None]:
    """(encoding, what was assumed or None): a byte-order mark, else UTF-8 if the whole file decodes (read
    in chunks, never held), else Windows-1252 with the line of the first byte that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        first = fh.read(_CHUNK)
        bom = _bom_encoding(first)
        if bom is not None:
            return bom, None
        chunk, lines_before = first, 0
        while chunk:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as e:
                at = e.start
                line = lines_before + chunk.count(b"\n", 0, max(at, 0)) + 1
                byte = chunk[at] if 0 <= at < len(chunk) else None
                shown = f" has byte 0x{byte:02x}" if byte is not None else ""
                return "cp1252", f"not UTF-8 (line {line}{shown}): read as Windows-1252"
            lines_before += chunk.count(b"\n")
            chunk = fh.read(_CHUNK)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252", f"not UTF-8 (the last line ends inside a character, line {lines_before + 1}): " \
                "read as Windows-1252"
    return "utf-8-sig", None


def open_text(path: str | Path, notes: Notes | None = None) -> TextIO:
    """Open any text input (JSON, JSON Lines) in the encoding :func:`text_encoding` finds; the assumption, if
    any, goes to ``notes``. The caller closes it."""
    encoding, assumed = text_encoding(path)
    if assumed and notes is not None:
        notes.assume(assumed)
    return open(path, encoding=encoding, errors="replace" if encoding == "cp1252" else "strict")


def read_text(path: str | Path, notes: Notes | None = None) -> str:
    """The whole of a small text input, read as :func:`open_text` reads it.

    >>> import tempfile
    >>> f = tempfile.NamedTemporaryFile(delete=False); _ = f.write('{"a": "\u00e9"}'.encode("utf-16")); f.close()
    >>> read_text(f.name)
    '{"a": "é"}'
    """
    with open_text(path, notes) as fh:
        return fh.read()


@dataclass
class Table:
    """A CSV's header (None: no lines at all), its rows as ``(line, cells)``, and how it was read."""

    header: list[str] | None
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    delimiter: str


def delimiter_of(first_line: str) -> str:
    """The separator of a CSV's header line: comma, tab or semicolon (the most frequent; comma if none).

    >>> delimiter_of("a\\tb\\tc"), delimiter_of("a;b"), delimiter_of("one")
    ('\\t', ';', ',')
    """
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@contextmanager
def open_table(path: str | Path, notes: Notes | None = None) -> Iterator[Table]:
    """Open a CSV for reading (see the module's description); assumptions go to ``notes``."""
    encoding, assumed = text_encoding(path)
    if assumed and notes is not None:
        notes.assume(assumed)
    errors = "replace" if encoding == "cp1252" else "strict"  # 5 bytes are undefined in Windows-1252
    with open(path, encoding=encoding, errors=errors, newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        delimiter = delimiter_of(first)
        if delimiter != "," and notes is not None:
            notes.assume("columns separated by " + ("tabs" if delimiter == "\t" else "semicolons"))
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader, None)

        def rows() -> Iterator[tuple[int, list[str]]]:
            for row in reader:
                yield reader.line_num, row

        yield Table(header, rows(), encoding, delimiter)
