"""Entry point of the ``custodiet`` command: loads every command module and turns known errors into one line.

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["trace", "/nonexistent.jsonl", "--clip", "c", "--to", "p"]).exit_code
2
"""

from __future__ import annotations

import sys

import typer

from custodiet import commands_core  # noqa: F401  (registers commands)
from custodiet.app import app

__all__ = ["main", "app"]

for _optional in ("commands_import", "commands_analysis", "commands_streams", "commands_sim", "commands_audit",
                  "commands_serve", "commands_rules", "commands_searches", "commands_time"):
    try:
        __import__(f"custodiet.{_optional}")
    except ModuleNotFoundError as _e:  # a command module not written yet
        if _e.name != f"custodiet.{_optional}":
            raise


def main(argv: list[str] | None = None) -> None:
    """Run the command. Errors are one line and exit status 2: a command's own (per command, ``guarded``)
    and the command line's (an unknown option, a value out of range, a missing argument), which the
    command-line library would otherwise print as a framed block of several lines.

    >>> import contextlib, io
    >>> buf = io.StringIO()
    >>> with contextlib.redirect_stderr(buf):
    ...     try:
    ...         main(["trace", "x.jsonl", "--limit", "-1"])
    ...     except SystemExit as e:
    ...         print(e.code)
    2
    >>> buf.getvalue().startswith("custodiet: error: trace: Invalid value for '--limit'"), buf.getvalue().count("\\n")
    (True, 1)
    """
    try:
        code = app(args=argv, prog_name="custodiet", standalone_mode=False)
    except typer.TyperException as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # a bare command group: its help is printed already
            sys.exit(2)
        ctx = getattr(e, "ctx", None)
        where = ctx.command_path if ctx is not None else "custodiet"
        cmd = where.removeprefix(ctx.find_root().info_name + " ") if ctx is not None else ""
        prefix = f"{cmd}: " if cmd and cmd != where else ""
        message = " ".join(e.format_message().split())
        sys.stderr.write(f"custodiet: error: {prefix}{message} (see: {where} --help)\n")
        sys.exit(getattr(e, "exit_code", 2))
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("custodiet: interrupted\n")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
