"""The ``custodiet`` Typer app, shared by the command modules, and its error handling.

Bad input never prints a traceback: every known error becomes one line naming the problem and the
place, and exit status 2.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

__all__ = [
    "app",
    "guarded",
    "CliError",
    "EVENTS_ARG",
    "JSON_OPT",
    "REGISTRY_OPT",
    "RULES_OPT",
    "ATTEMPTS_OPT",
    "load_graph",
    "out",
    "err",
    "emit_json",
    "counted",
    "load_log",
    "load_registry",
    "check_readable_file",
    "check_events_file",
]

app = typer.Typer(
    name="custodiet",
    help="Trace where doorbell and plate-camera footage ends up, and which bounds were broken on the way.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


#: Arguments and options shared by the commands.
EVENTS_ARG = typer.Argument(help="a .jsonl log of events, or - for stdin")
JSON_OPT = typer.Option("--json", help="print one JSON document on stdout")
REGISTRY_OPT = typer.Option("--registry", help="party registry (JSON list or .jsonl of parties)")
RULES_OPT = typer.Option("--rules", help="rule set name or TOML file (repeatable); default: every set, each "
                         "within its era")
ATTEMPTS_OPT = typer.Option("--attempts", help="count every valid transfer in the log as a hand-over, not only "
                            "the custody the gates let through (the default)")


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a command: known errors become one line on stderr and exit status 2, never a traceback."""
    from graph.trace import TraceError
    from judge.pipeline import LogError
    from judge.rulesets import RuleSetError

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (CliError, LogError, TraceError, RuleSetError) as e:
            msg = e.args[0] if e.args else str(e)
            err.print(f"custodiet: error: {msg}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except OSError as e:  # a file the command reads or writes: full disk, no permission, gone meanwhile
            where = f"{e.filename}: " if e.filename else ""
            err.print(f"custodiet: error: {where}{e.strerror or e}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper


def counted(basis: str) -> str:
    """Words for what a graph counts (its ``basis``), for tables and lines people read.

    >>> counted("judged"), counted("attempts")
    ('custody as judged', 'every attempt in the log')
    """
    return "custody as judged" if basis == "judged" else "every attempt in the log"


def emit_json(doc: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def check_readable_file(path: str, what: str = "file") -> Path:
    """A path that exists, is a file and can be read; else a CliError naming it.

    >>> check_readable_file("/")
    Traceback (most recent call last):
    ...
    custodiet.app.CliError: /: is a directory, expected a file
    """
    p = Path(path)
    try:
        if p.is_dir():
            raise CliError(f"{p}: is a directory, expected a {what}")
        if not p.exists():
            raise CliError(f"{p}: no such {what}")
    except OSError as e:  # e.g. a folder on the way that cannot be entered
        raise CliError(f"{p}: cannot read ({e.strerror})") from e
    try:
        with p.open("rb"):
            pass
    except OSError as e:
        raise CliError(f"{p}: cannot read ({e.strerror})") from e
    return p


def check_events_file(path: str, *, allow_empty: bool = False) -> Path:
    """A readable file whose head reads as an events log; else a CliError saying what it is instead and
    which command reads it (see ``custodiet.file_kinds``). ``allow_empty``: an empty file is fine (a log
    that is followed as it grows).

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "grants.csv")
    >>> _ = open(p, "w").write("src_agency,external_agency\\nA,B\\n")
    >>> check_events_file(p)
    Traceback (most recent call last):
    ...
    custodiet.app.CliError: ...grants.csv: not an events log: looks like a Flock sharing CSV ...
    """
    from custodiet.file_kinds import what_it_is

    p = check_readable_file(path, ".jsonl file")
    try:
        what = what_it_is(p)
    except OSError as e:
        raise CliError(f"{p}: cannot read ({e.strerror})") from e
    if what is None or (allow_empty and what.startswith("is empty")):
        return p
    if what.startswith("is empty"):
        raise CliError(f"{p}: {what}")
    raise CliError(f"{p}: not an events log: {what}")


def load_registry(path: str | None) -> Any:
    """The party registry from ``--registry FILE``, or the default (agencies classified by name)."""
    from classify.registry import default_registry

    if path is None:
        return default_registry()
    check_readable_file(path, "registry file")
    try:
        return default_registry(path)
    except ValueError as e:
        raise CliError(f"{path}: not a party registry ({str(e).splitlines()[0]})") from e


def _warn_dead(events: str, dead: list[Any]) -> None:
    if dead:
        first = dead[0]
        err.print(f"{events}: {len(dead)} bad line(s) set aside as dead letters "
                  f"(first: line {first.line}: {first.reason})", style="yellow", markup=False, soft_wrap=True)


def load_log(events: str, max_bytes: int | None = None) -> tuple[list[Any], int, int, list[Any]]:
    """Read and de-duplicate a log: ``(events, events_in, duplicates, dead letters)``."""
    from judge.decode import DEFAULT_MAX_EVENT_BYTES
    from judge.pipeline import load_events, read_lines

    if events != "-":
        check_events_file(events)
    limit = max_bytes or DEFAULT_MAX_EVENT_BYTES
    evs, n_in, dups, dead = load_events(read_lines(events, limit), source=events, max_bytes=limit)
    _warn_dead(events, dead)
    return evs, n_in, dups, dead


def lines_of(items: Iterable[str]) -> str:
    """Join for messages."""
    return ", ".join(items)


def load_graph(
    events: str, registry: str | None, rules: list[str] | None = None, attempts: bool = False,
    on_verdict: Callable[[Any, Any], None] | None = None,
) -> tuple[Any, Any]:
    """The custody graph of a log and the run it came from (``judge.pipeline.CheckResult``): custody as
    judged in-process under ``rules`` (default: every set, each within its era), or with ``attempts``
    every valid transfer an observed hand-over (nothing judged). ``analysis.judged`` builds it."""
    from analysis.judged import graph_of_log
    from judge.decode import DEFAULT_MAX_EVENT_BYTES
    from judge.pipeline import read_lines
    from judge.rulesets import load_rule_sets

    if events != "-":
        check_events_file(events)
    if not attempts:
        load_rule_sets(rules)  # fail fast on an unknown rule set
    g, res = graph_of_log(read_lines(events, DEFAULT_MAX_EVENT_BYTES), rules, load_registry(registry),
                          attempts=attempts, source=events, on_verdict=on_verdict)
    doc = res.document()
    if doc["dead_letters"]:
        first = doc["dead_letter_list"][0]
        err.print(f"{events}: {doc['dead_letters']} bad line(s) set aside as dead letters "
                  f"(first: line {first['line']}: {first['reason']})", style="yellow", markup=False, soft_wrap=True)
    return g, res
