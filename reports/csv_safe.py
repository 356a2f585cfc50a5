"""CSV files a spreadsheet opens as data, never as formulas: the one writer every CSV of custodiet goes through.

Names in the data are not ours: a party called ``=HYPERLINK("http://x","click")``, ``@cmd`` or ``+SUM(A1)``
would be a live formula in Excel or LibreOffice. As OWASP's "CSV Injection" page describes, every text cell
is wrapped in double quotes (inner quotes doubled) and a cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return gets a single quote in front, so it is read as text. Numbers stay numbers.

A file of simulated data says so in every row (a last column ``simulated`` of ``true``).

>>> import io
>>> buf = io.StringIO()
>>> write_rows(buf, ["name", "n"], [['=HYPERLINK("http://x","y")', 3], ["@cmd", -1]])
2
>>> for line in buf.getvalue().splitlines(): print(line)
"name","n"
"'=HYPERLINK(""http://x"",""y"")",3
"'@cmd",-1
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["FORMULA_STARTS", "safe_cell", "write_rows", "write_csv"]

#: What a spreadsheet may read as the start of a formula (OWASP, CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet shows as text: a leading formula character gets a ``'`` in front.

    >>> safe_cell("+SUM(A1:A9)"), safe_cell("\\t=1"), safe_cell("Oakland PD"), safe_cell(-3), safe_cell(None)
    ("'+SUM(A1:A9)", "'\\t=1", 'Oakland PD', -3, '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_rows(f: IO[str], headers: Sequence[str], rows: Iterable[Sequence[Any]], *, simulated: bool = False) -> int:
    """Write ``headers`` and ``rows`` to the open text file ``f`` (every cell through :func:`safe_cell`, text
    quoted); with ``simulated``, a last column ``simulated`` that says ``true`` on every row. Returns the rows
    written.

    >>> import io
    >>> buf = io.StringIO(); write_rows(buf, ["a"], [["x"]], simulated=True)
    1
    >>> buf.getvalue().splitlines()
    ['"a","simulated"', '"x","true"']
    """
    w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
    w.writerow([safe_cell(h) for h in (*headers, *(("simulated",) if simulated else ()))])
    n = 0
    for row in rows:
        w.writerow([safe_cell(c) for c in (*row, *((True,) if simulated else ()))])
        n += 1
    return n


def write_csv(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
              simulated: bool = False) -> Path:
    """Write a CSV file with :func:`write_rows` (UTF-8); returns its path.

    >>> import tempfile, os
    >>> p = write_csv(os.path.join(tempfile.mkdtemp(), "t.csv"), ["party"], [["-1+2"]])
    >>> p.read_text()
    '"party"\\n"\\'-1+2"\\n'
    """
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as f:
        write_rows(f, headers, rows, simulated=simulated)
    return path
