"""Entry point of the ``custodiet`` command: loads every command module and turns known errors into one line.

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["trace", "/nonexistent.jsonl", "--clip", "c", "--to", "p"]).exit_code
2
"""

from __future__ import annotations

import sys

from custodiet import commands_core  # noqa: F401  (registers commands)
from custodiet.app import app

__all__ = ["main", "app"]

for _optional in ("commands_import", "commands_analysis", "commands_streams", "commands_sim", "commands_audit",
                  "commands_serve", "commands_rules"):
    try:
        __import__(f"custodiet.{_optional}")
    except ModuleNotFoundError as _e:  # a command module not written yet
        if _e.name != f"custodiet.{_optional}":
            raise


def main() -> None:
    """Run the command (errors are handled per command: one line, exit status 2)."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("custodiet: interrupted\n")
        sys.exit(130)
