"""``custodiet audit verify FILE``: is the audit trail intact? Exit 0 intact, 1 tampered, 2 bad arguments
or a file that is not an audit trail at all (random bytes, an events log, an empty file).

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["audit", "verify", "/nonexistent.jsonl", "--unsigned"]).exit_code
2
"""

from __future__ import annotations

from typing import Annotated

import typer

from custodiet.app import app, sub_app
from custodiet.console import emit_json, err, out
from custodiet.errors import CliError, guarded
from custodiet.inputs import check_readable_file

__all__ = ["audit_app", "verify_cmd"]

audit_app = sub_app(help="The tamper-evident audit trail (hash chain, signed checkpoints).",
                        no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
@guarded
def verify_cmd(
    file: Annotated[str, typer.Argument(help="the audit trail (.jsonl)")],
    key_env: Annotated[str, typer.Option("--key-env", help="environment variable holding the checkpoint key")]
    = "CUSTODIET_AUDIT_KEY",
    unsigned: Annotated[bool, typer.Option("--unsigned", help="check the hash chain only, not the signatures")]
    = False,
    allow_open: Annotated[bool, typer.Option("--allow-open", help="accept a trail still being written (not "
                                                                  "yet closed by a final checkpoint)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")] = False,
) -> None:
    """Find any changed, deleted, inserted or reordered record, and name the first bad one."""
    from audit.trail import key_from_env
    from audit.verify import verify

    path = check_readable_file(file, "trail file")
    key = None
    if not unsigned and not key_env:
        raise CliError("--key-env: give the name of the environment variable that holds the key")
    if not unsigned:
        key = key_from_env(key_env)
        if key is None:
            raise CliError(f"{key_env} is not set: it should hold the key that signed the checkpoints of {file} "
                           "(or use --key-env NAME, or --unsigned to check the hash chain only)")
    try:
        res = verify(path, key, require_sealed=not allow_open)
    except OSError as e:
        raise CliError(f"{file}: cannot read ({e.strerror})") from e
    if res.not_a_trail is not None:
        if as_json:
            emit_json(res.document())
        raise CliError(f"{file}: not an audit trail: {res.not_a_trail}")
    if as_json:
        emit_json(res.document())
    elif res.ok:
        out.print(res.summary(), markup=False, highlight=False)
    for w in res.warnings:
        err.print(f"custodiet: warning: {w}", markup=False, highlight=False)
    if not res.ok:
        if not as_json:
            err.print(f"custodiet: tampered: {res.summary()}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
