"""What commands read: logs, registries, scenarios and party names a user typed, each checked with a
CliError naming the file or option when it is not what the command needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from custodiet import console
from custodiet.errors import CliError, unknown_name
from judge.logread import LogError, open_readable

__all__ = [
    "load_scenario_named",
    "check_readable_file",
    "check_events_file",
    "load_registry",
    "load_log",
    "load_graph",
]


def load_scenario_named(name: str) -> Any:
    """A scenario by name or file; an unknown name is a CliError suggesting the closest names.

    >>> load_scenario_named("defualt")
    Traceback (most recent call last):
    ...
    custodiet.errors.CliError: unknown scenario 'defualt' (did you mean default?)
    """
    from scenarios.load import ALIASES, ScenarioError, available_scenarios, load_scenario

    try:
        return load_scenario(name)
    except ScenarioError as e:
        raise CliError(unknown_name("scenario", name, [*available_scenarios(), *ALIASES],
                                    str(e).splitlines()[0])) from e


def check_readable_file(path: str, what: str = "file") -> Path:
    """A path that exists, is a file and can be read; else a CliError naming it.

    >>> check_readable_file("/")
    Traceback (most recent call last):
    ...
    custodiet.errors.CliError: /: is a directory, expected a file
    """
    try:
        open_readable(path, expected=what, missing=what).close()
    except LogError as e:
        raise CliError(str(e)) from e
    return Path(path)


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
    custodiet.errors.CliError: ...grants.csv: not an events log: looks like a Flock sharing CSV ...
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


def _warn_dead(events: str, count: int, first_line: int | None, first_reason: str) -> None:
    if count:
        console.err.print(f"{events}: {count} bad line(s) set aside as dead letters "
                          f"(first: line {first_line}: {first_reason})", style="yellow", markup=False,
                          soft_wrap=True)


def load_log(events: str, max_bytes: int | None = None) -> tuple[list[Any], int, int, list[Any]]:
    """Read and de-duplicate a log: ``(events, events_in, duplicates, dead letters)``."""
    from judge.decode import DEFAULT_MAX_EVENT_BYTES
    from judge.pipeline import load_events, read_lines

    if events != "-":
        check_events_file(events)
    limit = max_bytes or DEFAULT_MAX_EVENT_BYTES
    with console.progress(f"reading {events if events != '-' else 'stdin'}"):
        evs, n_in, dups, dead = load_events(read_lines(events, limit), source=events, max_bytes=limit)
    if dead:
        _warn_dead(events, len(dead), dead[0].line, dead[0].reason)
    return evs, n_in, dups, dead


def load_graph(
    events: str, registry: str | None, rules: list[str] | None = None, attempts: bool = False,
    on_verdict: Callable[[Any, Any], None] | None = None, as_of: Any = None,
    on_set_aside: Callable[[Any], None] | None = None,
) -> tuple[Any, Any]:
    """The custody graph of a log and the run it came from (``judge.pipeline.CheckResult``): custody as
    judged in-process under ``rules`` (default: every set, each within its era), or with ``attempts``
    every valid transfer an observed hand-over (nothing judged); ``as_of`` (a datetime): as of then, calling
    ``on_set_aside(event)`` for each event that does not count then.
    ``analysis.judged`` builds it."""
    from analysis.judged import graph_of_log
    from judge.decode import DEFAULT_MAX_EVENT_BYTES
    from judge.pipeline import read_lines
    from judge.rulesets import load_rule_sets

    if events != "-":
        check_events_file(events)
    if not attempts:
        load_rule_sets(rules)  # fail fast on an unknown rule set
    with console.progress("reading and judging the log" if not attempts else "reading the log"):
        g, res = graph_of_log(read_lines(events, DEFAULT_MAX_EVENT_BYTES), rules, load_registry(registry),
                              attempts=attempts, source=events, on_verdict=on_verdict, as_of=as_of,
                              on_set_aside=on_set_aside)
    doc = res.document()
    if doc["dead_letters"]:
        first = doc["dead_letter_list"][0]
        _warn_dead(events, doc["dead_letters"], first["line"], first["reason"])
    return g, res
