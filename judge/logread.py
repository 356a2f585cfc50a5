"""Reading a ``.jsonl`` log: numbered lines, a size limit, a byte-order mark; whole files and growing ones.

One reader for every surface (``check``, ``trace``, the live view following a file, the streaming
producer): line numbers count from 1, a UTF-8 byte-order mark before the first line is dropped, a file
of UTF-16 text (with its byte-order mark) is read as the same lines in UTF-8, and a line
longer than the limit is not held: its first bytes are kept (``TooLong``, which knows the line's real
size), the rest is skipped, and it becomes a dead letter that says how long it was.

>>> import io
>>> r = LineReader(max_bytes=10)
>>> [(n, bytes(raw), getattr(raw, "size", None)) for n, raw in r.read(io.BytesIO(b'\\xef\\xbb\\xbf{"a":1}\\n'
...                                                                             b'{"long":123456}\\r\\n[]'))]
[(1, b'{"a":1}', None), (2, b'{"long":123', 15), (3, b'[]', None)]
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["LineReader", "LogError", "TooLong", "open_readable", "read_lines", "DEFAULT_MAX_EVENT_BYTES"]

#: Lines longer than this are dead letters without being parsed (configurable per run).
DEFAULT_MAX_EVENT_BYTES = 1_000_000
_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20


class LogError(Exception):
    """A log that cannot be read at all (missing, a directory, unreadable)."""


class TooLong(bytes):
    """The first bytes of a line over the size limit; ``size`` is the whole line's length in bytes.

    >>> t = TooLong(b"abc", 10); (bytes(t), t.size)
    (b'abc', 10)
    """

    size: int

    def __new__(cls, head: bytes, size: int) -> TooLong:
        obj = super().__new__(cls, head)
        obj.size = size
        return obj


def _ending(raw: bytes) -> int:
    return len(raw) - len(raw.rstrip(b"\r\n"))


class LineReader:
    """Numbered lines of a stream, read on from where the last call stopped (a file being appended to)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.line = 0
        self._cut: tuple[int, bytes] | None = None  # (line number, first bytes) of an over-long line
        self._cut_size = 0

    def read(self, stream: BinaryIO, *, final: bool = True) -> Iterator[tuple[int, bytes]]:
        """``(line number, bytes without the line ending)`` for each line; with ``final=False`` a last line
        without its newline is left for the next call (the stream is set back to its start)."""
        limit = self.max_bytes
        while True:
            if self._cut is not None:  # skipping the rest of an over-long line, counting its bytes
                chunk = stream.readline(_CHUNK)
                self._cut_size += len(chunk)
                if chunk and not chunk.endswith(b"\n"):
                    continue
                if not chunk and not final:
                    return
                (n, head), self._cut = self._cut, None
                yield n, TooLong(head, self._cut_size - _ending(chunk))
                if not chunk:
                    return
                continue
            pos = None if final else stream.tell()
            raw = stream.readline(limit + 1)
            if not raw:
                return
            if not raw.endswith(b"\n"):
                if len(raw) > limit:
                    self.line += 1
                    self._cut, self._cut_size = (self.line, raw[:limit + 1]), len(raw)
                    continue
                if not final:  # a line still being written
                    assert pos is not None
                    stream.seek(pos)
                    return
            self.line += 1
            if self.line == 1 and raw.startswith(_BOM):  # a byte-order mark is not part of the event
                raw = raw[3:]
            yield self.line, raw.rstrip(b"\r\n")


def read_lines(path: str | Path, max_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw bytes)`` of a ``.jsonl`` file, or of stdin for ``-``.

    >>> list(read_lines("/nonexistent.jsonl"))
    Traceback (most recent call last):
    ...
    judge.logread.LogError: /nonexistent.jsonl: no such file
    """
    if str(path) == "-":
        yield from LineReader(max_bytes).read(_as_utf8(sys.stdin.buffer))
        return
    with open_readable(path, expected=".jsonl file") as stream:
        yield from LineReader(max_bytes).read(_as_utf8(stream))


def open_readable(path: str | Path, *, expected: str = "file", missing: str = "file") -> BinaryIO:
    """``path`` opened to read bytes; else a LogError naming it: a directory (``expected`` names what was
    wanted), absent (``no such {missing}``) or unreadable.

    >>> open_readable("/", expected=".jsonl file")
    Traceback (most recent call last):
    ...
    judge.logread.LogError: /: is a directory, expected a .jsonl file
    """
    p = Path(path)
    try:
        if p.is_dir():
            raise LogError(f"{p}: is a directory, expected a {expected}")
        if not p.exists():
            raise LogError(f"{p}: no such {missing}")
    except OSError as err:  # e.g. a folder on the way that cannot be searched (is_dir raises PermissionError)
        raise LogError(f"{p}: cannot read ({err.strerror})") from err
    try:
        return p.open("rb")
    except OSError as err:
        raise LogError(f"{p}: cannot read ({err.strerror})") from err


def _as_utf8(stream: BinaryIO) -> BinaryIO:
    """The stream itself, or, for UTF-16 text with a byte-order mark (a spreadsheet's "Unicode Text"), the
    same lines re-encoded as UTF-8 as they are read (line numbers unchanged). A pipe (stdin) is looked at
    without consuming it.

    >>> import io
    >>> _as_utf8(io.BytesIO('{"a":"\\u00e9"}\\n'.encode("utf-16"))).readline()
    b'{"a":"\\xc3\\xa9"}\\n'
    >>> _as_utf8(io.BufferedReader(io.BytesIO('{}\\n'.encode("utf-16")))).readline()
    b'{}\\n'
    """
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = peek(2)[:2]
    else:
        head = stream.read(2)
        stream.seek(0)
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return codecs.EncodedFile(stream, "utf-8", "utf-16")  # type: ignore[return-value]
    return stream
