"""``custodiet import KIND FILE_OR_DIR -o EVENTS.jsonl``: published data into events and party registries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from custodiet.app import CliError, app, emit_json, err, guarded, no_path_twice, out, progress, unknown_name


@app.command("import")
@guarded
def import_(
    kind: Annotated[str, typer.Argument(help="flock-sharing | flock-portal | flock-audit | atlas-ring")],
    path: Annotated[str, typer.Argument(help="the published file (or, for flock-portal, a folder of records)")],
    output: Annotated[str | None, typer.Option("-o", "--output", help="events .jsonl to write")] = None,
    registry: Annotated[str | None, typer.Option("--registry", help="also write the party registry (JSON)")] = None,
    observed: Annotated[str | None, typer.Option("--observed", help="when grants were observed (ISO date); "
                                                 "default: the date in the file name")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="flock-audit: the searching agency")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="flock-audit: time zone of searchDate")] = None,
    overrides: Annotated[str | None, typer.Option("--overrides", help="CSV/JSON of agency kind/state "
                                                  "overrides")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the import summary as JSON")] = False,
) -> None:
    """Import published data, reporting what was skipped and why (the counts add up)."""
    from importers import IMPORTERS

    if kind not in IMPORTERS:
        raise CliError(unknown_name("import kind", kind, sorted(IMPORTERS)))
    p = Path(path)
    try:
        if not p.exists():
            raise CliError(f"{p}: no such file or folder")
        if p.is_dir() and kind != "flock-portal":
            raise CliError(f"{p}: is a directory, expected a CSV file for {kind}")
    except OSError as e:
        raise CliError(f"{p}: cannot read ({e.strerror})") from e
    if kind != "atlas-ring" and output is None:
        raise CliError(f"{kind} writes events: give -o EVENTS.jsonl")
    kw: dict[str, Any] = {}
    if observed and kind in ("flock-sharing", "flock-portal"):
        kw["observed"] = observed
    if agency and kind == "flock-audit":
        kw["agency"] = agency
    if tz and kind == "flock-audit":
        kw["tz"] = tz
    if overrides and kind != "flock-audit":
        from classify.agencies import load_overrides

        kw["overrides"] = load_overrides(overrides)
    try:
        with progress(f"importing {p.name}"):
            result = IMPORTERS[kind](p, **kw)
    except (OSError, UnicodeDecodeError) as e:
        raise CliError(no_path_twice(p, f"cannot read ({e})")) from e
    except ValueError as e:
        raise CliError(no_path_twice(p, str(e).splitlines()[0])) from e
    if output:
        result.write_jsonl(output)
    if registry or (kind == "atlas-ring" and output is None):
        target = Path(registry or f"{p.stem}.registry.json")
        target.write_text(result.registry_json(), encoding="utf-8")
        err.print(f"party registry: {target} ({result.parties_written} parties)")
    summary = result.summary()
    if as_json:
        emit_json(summary)
        return
    t = Table(title=f"import {kind}: {p}")
    t.add_column("count")
    t.add_column("n", justify="right")
    for k in ("rows_read", "events_written", "parties_written", "duplicates", "skipped"):
        t.add_row(k.replace("_", " "), str(summary[k]))
    for reason, n in summary["skipped_by_reason"].items():
        t.add_row(f"  skipped: {reason}", str(n))
    out.print(t)
    for s in result.skipped[:10]:
        err.print(f"skipped {s.file}:{s.line}: {s.reason}", markup=False)
    if output:
        out.print(f"wrote {summary['events_written']} events to {output}")
