"""What a command does with bad input: one line naming the problem and the place, exit status 2, never a
traceback; unknown names answered with the closest known ones."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

import typer

from custodiet import console

__all__ = ["CliError", "guarded", "unknown_name", "no_path_twice"]


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
            console.err.print(f"custodiet: error: {msg}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except OSError as e:  # a file the command reads or writes: full disk, no permission, gone meanwhile
            where = f"{e.filename}: " if e.filename else ""
            console.err.print(f"custodiet: error: {where}{e.strerror or e}", markup=False, highlight=False,
                              soft_wrap=True)
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


def _suggest_rule_set(message: str) -> str:
    m = re.match(r"unknown rule set '([^']*)'", message)
    if not m:
        return message
    from judge.rulesets import available_rule_sets

    return unknown_name("rule set", m.group(1), available_rule_sets(), message)


def no_path_twice(path: Any, message: str) -> str:
    """``path: message`` unless the message already names the path.

    >>> no_path_twice("a.csv", "a.csv: no searchDate column"), no_path_twice("a.csv", "empty")
    ('a.csv: no searchDate column', 'a.csv: empty')
    """
    return message if str(path) in message else f"{path}: {message}"


