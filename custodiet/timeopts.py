"""The time options of the analyses: ``--as-of DATE`` and ``--max-wait DURATION``, read once here
(``schemas.when`` parses them); a bad value is one line naming the flag.

>>> wait_seconds("1d"), wait_seconds(None)
(86400.0, None)
>>> as_of_time("2025-06-01").isoformat()
'2025-06-01T23:59:59.999999+00:00'
>>> as_of_time("tomorrow")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
custodiet.errors.CliError: --as-of 'tomorrow': expected an ISO date (2025-06-01) or an RFC 3339 time ...
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer

from custodiet.errors import CliError
from schemas.when import parse_duration, parse_instant

__all__ = ["AS_OF_OPT", "MAX_WAIT_OPT", "as_of_time", "wait_seconds", "instant", "as_of_line", "stamp_as_of",
           "print_as_of"]

AS_OF_OPT = typer.Option("--as-of", help="as of this date (2025-06-01: the end of that day, UTC) or RFC 3339 time: "
                         "custody as judged from the events up to then, and the portal grants in force then")
MAX_WAIT_OPT = typer.Option("--max-wait", help="only paths whose every hand-over comes within this time (7d, 12h, "
                            "30m) of the one before it, the first within it of the recording")


def instant(text: str, flag: str, *, day_end: bool = True) -> datetime:
    """A date or time given to ``flag``; a CliError naming the flag if it is not one.

    >>> instant("2025-06-01T12:00:00Z", "--from").isoformat()
    '2025-06-01T12:00:00+00:00'
    """
    try:
        return parse_instant(text, flag, day_end=day_end)
    except ValueError as e:
        raise CliError(str(e)) from None


def as_of_time(text: str | None) -> datetime | None:
    """``--as-of``: None when not given."""
    return None if text is None else instant(text, "--as-of")


def wait_seconds(text: str | None) -> float | None:
    """``--max-wait`` in seconds: None when not given."""
    if text is None:
        return None
    try:
        d = parse_duration(text, "--max-wait")
    except ValueError as e:
        raise CliError(str(e)) from None
    assert d is not None
    return d.total_seconds()


def as_of_line(doc: dict[str, Any], registry: Any = None) -> list[str]:
    """Lines for people about a document built as of a date (none for one built from the whole log): the
    date, and each grant whose state then is uncertain, by name.

    >>> as_of_line({"as_of": "2025-03-01T23:59:59Z", "uncertain_grants": []})
    ['as of 2025-03-01T23:59:59Z: the events up to then, the portal grants in force then']
    """
    if "as_of" not in doc:
        return []
    from reports.names import party_name

    lines = [f"as of {doc['as_of']}: the events up to then, the portal grants in force then"]
    for u in doc["uncertain_grants"]:
        lines.append(f"uncertain then (not counted): {party_name(u['grantor'], registry)} -> "
                     f"{party_name(u['grantee'], registry)}, {u['state']}")
    return lines


def stamp_as_of(doc: dict[str, Any], graph: Any, party: str | None = None) -> dict[str, Any]:
    """Add to ``doc`` what a graph built as of a date says about it (``graph.asof.AsOf.fields``); nothing for a
    graph of the whole log.

    >>> from graph.custody import CustodyGraph
    >>> stamp_as_of({"n": 1}, CustodyGraph())
    {'n': 1}
    """
    if graph.as_of is not None:
        doc.update(graph.as_of.fields(party))
    return doc


def print_as_of(doc: dict[str, Any], registry: Any = None) -> None:
    """Print :func:`as_of_line` for people.

    >>> print_as_of({"n": 1})  # a document of the whole log: nothing to say
    """
    from custodiet.console import out

    for line in as_of_line(doc, registry):
        out.print(line, markup=False, highlight=False)
