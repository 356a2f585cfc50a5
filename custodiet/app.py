"""The ``custodiet`` Typer app, shared by the command modules, and its error handling.

Bad input never prints a traceback: every known error becomes one line naming the problem and the
place, and exit status 2.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
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
    "unknown_name",
    "check_party",
    "no_path_twice",
    "load_scenario_named",
    "sub_app",
    "table",
    "progress",
    "check_events_file",
]


def _flags_as_flags(params: Iterable[Any]) -> None:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""  # a flag takes no value: show none (typer would show <bool>)


class _FlagsShownAsFlags(typer.core.TyperCommand):
    """A command whose boolean flags show no ``<bool>`` value in ``--help``."""

    def get_params(self, ctx: Any) -> Any:  # noqa: D102 - click's own
        params = super().get_params(ctx)
        _flags_as_flags(params)
        return params


class _GroupFlagsShownAsFlags(typer.core.TyperGroup):
    """The top-level group, with ``--version`` and ``--help`` shown as flags."""

    def get_params(self, ctx: Any) -> Any:  # noqa: D102 - click's own
        params = super().get_params(ctx)
        _flags_as_flags(params)
        return params


class _Typer(typer.Typer):
    """``typer.Typer`` whose commands show boolean flags as flags."""

    def command(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - typer's own
        kwargs.setdefault("cls", _FlagsShownAsFlags)
        return super().command(*args, **kwargs)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("custodiet")
        except PackageNotFoundError:  # running from a checkout without installing
            v = "unknown"
        sys.stdout.write(f"custodiet {v}\n")
        raise typer.Exit()


app = _Typer(
    name="custodiet",
    cls=_GroupFlagsShownAsFlags,
    help="Trace where doorbell and plate-camera footage ends up, and which bounds were broken on the way.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


def sub_app(**kwargs: Any) -> typer.Typer:
    """A group of subcommands (``custodiet audit ...``) with the same manners as the top level."""
    kwargs.setdefault("cls", _GroupFlagsShownAsFlags)
    return _Typer(**kwargs)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", help="print the version and exit", is_eager=True,
                                 callback=_version),
) -> None:
    """Trace where doorbell and plate-camera footage ends up, and which bounds were broken on the way."""


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
            if isinstance(e, RuleSetError):
                msg = _suggest_rule_set(msg)
            err.print(f"custodiet: error: {msg}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except OSError as e:  # a file the command reads or writes: full disk, no permission, gone meanwhile
            where = f"{e.filename}: " if e.filename else ""
            err.print(f"custodiet: error: {where}{e.strerror or e}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper


def unknown_name(what: str, given: str, known: Iterable[str], message: str | None = None) -> str:
    """An error line for an unknown name, with the closest known names suggested.

    >>> unknown_name("scenario", "defualt", ["default", "ring-2021-rfa"])
    "unknown scenario 'defualt' (did you mean default?)"
    >>> unknown_name("rule set", "zzz", ["core"])
    "unknown rule set 'zzz' (known: core)"
    >>> unknown_name("scenario", "x.toml", ["default"], "x.toml: no such scenario file")
    'x.toml: no such scenario file'
    """
    if message is not None and not message.startswith("unknown "):
        return message  # not a name that was not found (a missing file, a parse error): nothing to suggest
    known = list(known)
    close = difflib.get_close_matches(given, known, n=3, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(given.lower(), [k.lower() for k in known], n=3, cutoff=0.6)
    base = message or f"unknown {what} {given!r}"
    base = re.sub(r" \(known: .*\)$", "", base)
    if close:
        return f"{base} (did you mean {' or '.join(close)}?)"
    listed = known if len(known) <= 12 else [*known[:12], "..."]
    return f"{base} (known: {', '.join(listed)})"


def load_scenario_named(name: str) -> Any:
    """A scenario by name or file; an unknown name is a CliError suggesting the closest names.

    >>> load_scenario_named("defualt")
    Traceback (most recent call last):
    ...
    custodiet.app.CliError: unknown scenario 'defualt' (did you mean default?)
    """
    from scenarios.load import ALIASES, ScenarioError, available_scenarios, load_scenario

    try:
        return load_scenario(name)
    except ScenarioError as e:
        raise CliError(unknown_name("scenario", name, [*available_scenarios(), *ALIASES],
                                    str(e).splitlines()[0])) from e


def _suggest_rule_set(message: str) -> str:
    m = re.match(r"unknown rule set '([^']*)'", message)
    if not m:
        return message
    from judge.rulesets import available_rule_sets

    return unknown_name("rule set", m.group(1), available_rule_sets(), message)


def check_party(graph: Any, party: str, option: str = "--to") -> None:
    """A CliError naming ``option`` when ``party`` is not in the graph, suggesting ids by id and by name.

    >>> from graph.custody import CustodyGraph
    >>> g = CustodyGraph(); g.add_grant("g", "agency:el-cajon-ca-pd", "agency:fbi", 0.0)
    >>> check_party(g, "FBI")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    custodiet.app.CliError: --to: party 'FBI' is not in the log... (did you mean agency:fbi?)
    """
    if graph.has_party(party):
        return
    from reports.names import party_name

    ids = sorted(str(p) for p in graph.graph)
    by_word: dict[str, str] = {}
    for p in ids:
        by_word.setdefault(p.lower(), p)
        by_word.setdefault(p.split(":", 1)[-1].lower(), p)
        by_word.setdefault(party_name(p, graph.registry).lower(), p)
    key = party.lower().strip()
    hits = [by_word[key]] if key in by_word else []
    hits += [by_word[w] for w in difflib.get_close_matches(key, list(by_word), n=5, cutoff=0.6)]
    hits = list(dict.fromkeys(hits))[:3]
    hint = f" (did you mean {' or '.join(hits)}?)" if hits else ""
    raise CliError(f"{option}: {graph.absent('party', party)}{hint}")


def no_path_twice(path: Any, message: str) -> str:
    """``path: message`` unless the message already names the path.

    >>> no_path_twice("a.csv", "a.csv: no searchDate column"), no_path_twice("a.csv", "empty")
    ('a.csv: no searchDate column', 'a.csv: empty')
    """
    return message if str(path) in message else f"{path}: {message}"


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


def table(title: str, columns: Iterable[tuple[str, str]], rows: Iterable[Iterable[Any]]) -> Any:
    """A rich table for people whose ids (what must be typed) are never cut: ``columns`` are ``(heading,
    how)``, ``how`` one of ``text`` (wraps), ``party`` (a ``(name, id)`` pair: the name, and the id on its
    own dim line; the column is at least as wide as its longest id), ``id`` (one line, never cut) and ``n``
    (a number, right-aligned, thousands separated).

    >>> t = table("t", [("party", "party"), ("n", "n")], [(("FBI", "agency:fbi"), 1200)])
    >>> [c.header for c in t.columns], t.columns[0].min_width, t.row_count
    (['party', 'n'], 10, 1)
    """
    from rich.table import Table
    from rich.text import Text

    cols = list(columns)
    listed: list[list[Any]] = [list(r) for r in rows]
    t = Table(title=title)
    widths = {i: max([len(heading), *(len(r[i][1] if how == "party" else str(r[i])) for r in listed)])
              for i, (heading, how) in enumerate(cols) if how in ("id", "party")}
    # Ids that cannot all fit on their lines are folded onto the next one (whole, never cut with an ellipsis).
    fits = sum(widths.values()) + 8 * (len(cols) - len(widths)) + 3 * len(cols) + 1 <= out.width
    for i, (heading, how) in enumerate(cols):
        if how in ("id", "party"):
            t.add_column(heading, no_wrap=how == "id" and fits, min_width=widths[i] if fits else None,
                         overflow="fold")
        elif how == "n":
            t.add_column(heading, justify="right")
        else:
            t.add_column(heading, overflow="fold")
    for r in listed:
        cells: list[Any] = []
        for (_, how), c in zip(cols, r, strict=True):
            if how == "party":
                cells.append(Text.assemble(str(c[0]), "\n", (str(c[1]), "dim")))
            elif how == "n" and isinstance(c, int):
                cells.append(f"{c:,}")
            else:
                cells.append(str(c))
        t.add_row(*cells)
    return t


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
    with progress(f"reading {events if events != '-' else 'stdin'}"):
        evs, n_in, dups, dead = load_events(read_lines(events, limit), source=events, max_bytes=limit)
    _warn_dead(events, dead)
    return evs, n_in, dups, dead


def lines_of(items: Iterable[str]) -> str:
    """Join for messages."""
    return ", ".join(items)


def load_graph(
    events: str, registry: str | None, rules: list[str] | None = None, attempts: bool = False,
    on_verdict: Callable[[Any, Any], None] | None = None, as_of: Any = None,
) -> tuple[Any, Any]:
    """The custody graph of a log and the run it came from (``judge.pipeline.CheckResult``): custody as
    judged in-process under ``rules`` (default: every set, each within its era), or with ``attempts``
    every valid transfer an observed hand-over (nothing judged); ``as_of`` (a datetime): as of then.
    ``analysis.judged`` builds it."""
    from analysis.judged import graph_of_log
    from judge.decode import DEFAULT_MAX_EVENT_BYTES
    from judge.pipeline import read_lines
    from judge.rulesets import load_rule_sets

    if events != "-":
        check_events_file(events)
    if not attempts:
        load_rule_sets(rules)  # fail fast on an unknown rule set
    with progress("reading and judging the log" if not attempts else "reading the log"):
        g, res = graph_of_log(read_lines(events, DEFAULT_MAX_EVENT_BYTES), rules, load_registry(registry),
                              attempts=attempts, source=events, on_verdict=on_verdict, as_of=as_of)
    doc = res.document()
    if doc["dead_letters"]:
        first = doc["dead_letter_list"][0]
        err.print(f"{events}: {doc['dead_letters']} bad line(s) set aside as dead letters "
                  f"(first: line {first['line']}: {first['reason']})", style="yellow", markup=False, soft_wrap=True)
    return g, res
