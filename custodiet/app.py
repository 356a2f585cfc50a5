"""The ``custodiet`` Typer app the command modules add their commands to, and the arguments and options
they share. What commands print is in ``custodiet.console``, what they read in ``custodiet.inputs``, how
bad input is answered in ``custodiet.errors``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import typer

__all__ = ["app", "sub_app", "EVENTS_ARG", "JSON_OPT", "REGISTRY_OPT", "RULES_OPT", "ATTEMPTS_OPT", "ROWS_OPT",
           "ALL_OPT"]


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
def _comma_list(values: list[str] | None) -> list[str] | None:
    from custodiet.typed_names import comma_list

    return comma_list(values)


RULES_OPT = typer.Option("--rules", help="rule set name or TOML file (repeatable, or a comma list); default: every "
                         "set, each within its era", callback=_comma_list)
ROWS_OPT = typer.Option("--limit", min=1, help="rows per table for people (default 40; --json lists every row)")
ALL_OPT = typer.Option("--all", help="show every row of every table")
ATTEMPTS_OPT = typer.Option("--attempts", help="count every valid transfer in the log as a hand-over, not only "
                            "the custody the gates let through (the default)")
