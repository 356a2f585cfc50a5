"""A folder written whole or not at all: the report is written into a fresh folder beside its place and moved
there only when every file is written, so an interrupted run (Ctrl-C, a full disk) never leaves a half-written
folder, nor an old ``index.html`` beside new CSVs. A folder that already holds a report is replaced whole.

>>> import tempfile
>>> where = Path(tempfile.mkdtemp()) / "report"
>>> with staged_folder(where) as tmp:
...     _ = (tmp / "index.html").write_text("new")
>>> sorted(p.name for p in where.iterdir())
['index.html']
>>> try:
...     with staged_folder(where) as tmp:
...         _ = (tmp / "half.csv").write_text("x")
...         raise KeyboardInterrupt
... except KeyboardInterrupt:
...     pass
>>> sorted(p.name for p in where.iterdir()), sorted(p.name for p in where.parent.iterdir())
(['index.html'], ['report'])
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["staged_folder", "REPORT_MARK"]

#: The file that marks a folder as a report (one that may be replaced whole).
REPORT_MARK = "index.html"


def _check_replaceable(final: Path) -> None:
    if final.exists() and not final.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "exists and is not a directory", str(final))
    if final.is_dir() and any(final.iterdir()) and not (final / REPORT_MARK).is_file():
        raise FileExistsError(errno.EEXIST, f"holds files but no report ({REPORT_MARK}); give a new or empty folder "
                              "(a report replaces its folder whole)", str(final))


@contextmanager
def staged_folder(final: str | Path) -> Iterator[Path]:
    """Yield a fresh folder beside ``final`` to write into; when the block ends without an error, it takes
    ``final``'s place (an old report there is removed); on any error or interrupt it is removed and ``final``
    is left as it was. A non-empty ``final`` that holds no report is refused (``FileExistsError``)."""
    final = Path(final)
    _check_replaceable(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a report folder is an ordinary one
        _swap_in(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_in(tmp: Path, final: Path) -> None:
    """Move ``tmp`` to ``final``; an old ``final`` is moved aside first, and back if the move fails."""
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
        old.rmdir()
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
