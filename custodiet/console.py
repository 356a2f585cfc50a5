"""What commands print: the consoles (stdout for answers, stderr for everything else), JSON documents,
tables for people and progress displays."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console

__all__ = ["out", "err", "emit_json", "table", "progress", "counted", "shown", "TABLE_ROWS"]

#: Rows a text table shows unless asked for another number (``--limit N``) or all (``--all``).
TABLE_ROWS = 40

out = Console()
err = Console(stderr=True)


def progress(description: str, total: float | None = None) -> Any:
    """A progress display on stderr (rich), shown only on a terminal; use as a context manager.

    >>> with progress("counting", total=2) as (bar, task):
    ...     bar.update(task, advance=2)
    """
    import contextlib

    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    @contextlib.contextmanager
    def cm() -> Any:
        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            columns.append(BarColumn())
        columns.append(TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
            yield bar, bar.add_task(description, total=total)

    return cm()


def counted(basis: str) -> str:
    """Words for what a graph counts (its ``basis``), for tables and lines people read.

    >>> counted("judged"), counted("attempts")
    ('custody as judged', 'every attempt in the log')
    """
    from reports.names import counted_words

    return counted_words(basis)


def shown(rows: Sequence[Any], limit: int | None = None, every: bool = False) -> tuple[list[Any], str]:
    """The rows a text table shows (``limit``, default :data:`TABLE_ROWS`; ``every``: all) and words for its
    title saying how many of how many, how many were left out and how to see them.

    >>> shown([1, 2, 3], 2)
    ([1, 2], 'the first 2 of 3; 1 left out: --all or --limit N shows more')
    >>> shown([1, 2, 3], 2, every=True), shown([], 2)
    (([1, 2, 3], '3'), ([], '0'))
    """
    cap = None if every else (limit or TABLE_ROWS)
    if cap is None or len(rows) <= cap:
        return list(rows), f"{len(rows):,}"
    return list(rows[:cap]), (f"the first {cap:,} of {len(rows):,}; {len(rows) - cap:,} left out: --all or --limit N "
                              "shows more")


def table(title: str, columns: Iterable[tuple[str, str]], rows: Iterable[Iterable[Any]]) -> Any:
    """A rich table for people whose ids (what must be typed) are never cut: ``columns`` are ``(heading,
    how)``, ``how`` one of ``text`` (wraps), ``party`` (a ``(name, id)`` pair: the name, and the id on its
    own dim line; the column is at least as wide as its longest id), ``id`` (one line, never cut) and ``n``
    (a number, right-aligned, thousands separated).

    >>> t = table("t", [("party", "party"), ("n", "n")], [(("FBI", "agency:fbi"), 1200)])
    >>> [c.header for c in t.columns], t.columns[0].min_width, t.row_count
    (['party', 'n'], 10, 1)
    """
    cols = list(columns)
    listed: list[list[Any]] = [list(r) for r in rows]
    widths = {i: max([len(heading), *(len(r[i][1] if how == "party" else str(r[i])) for r in listed)])
              for i, (heading, how) in enumerate(cols) if how in ("id", "party")}
    # Ids that cannot all fit on their lines are folded onto the next one (whole, never cut with an ellipsis).
    fits = sum(widths.values()) + 8 * (len(cols) - len(widths)) + 3 * len(cols) + 1 <= out.width
    caps: dict[int, int] = {}
    room = out.width - sum(widths.values()) - 3 * len(cols) - 1
    others = [(i, [h, *(_shown(how, r[i]) for r in listed)]) for i, (h, how) in enumerate(cols)
              if how not in ("id", "party")]
    if fits and sum(max(len(w) for c in cells for w in c.split()) for _, cells in others) > room:
        # A long word in a text column (an event id, a time) would push the table past the screen's edge, where
        # rows and title are cut off: the other columns share the room the ids leave, and fold within it.
        natural = sorted((max(len(line) for c in cells for line in c.splitlines()), i) for i, cells in others)
        for k, (need, i) in enumerate(natural):
            caps[i] = max(1, min(need, room // (len(natural) - k)))
            room -= caps[i]
    return _table(title, cols, listed, widths, fits, caps)


def _table(title: str, cols: list[tuple[str, str]], listed: list[list[Any]], widths: dict[int, int],
           fits: bool, caps: dict[int, int]) -> Any:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title)
    for i, (heading, how) in enumerate(cols):
        if how in ("id", "party"):
            t.add_column(heading, no_wrap=how == "id" and fits, min_width=widths[i] if fits else None,
                         overflow="fold")
        elif how == "n":
            t.add_column(heading, justify="right", max_width=caps.get(i))
        else:
            t.add_column(heading, overflow="fold", max_width=caps.get(i))
    for r in listed:
        cells: list[Any] = []
        for (_, how), c in zip(cols, r, strict=True):
            if how == "party":
                cells.append(Text.assemble(str(c[0]), "\n", (str(c[1]), "dim")))
            else:
                cells.append(_shown(how, c))
        t.add_row(*cells)
    return t


def _shown(how: str, cell: Any) -> str:
    return f"{cell:,}" if how == "n" and isinstance(cell, int) else str(cell)


def emit_json(doc: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


