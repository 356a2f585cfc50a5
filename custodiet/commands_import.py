"""``custodiet import KIND FILE... -o EVENTS.jsonl``: published data into events and party registries;
``custodiet history EVENTS``: grantees added and removed between snapshots of portals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from custodiet.app import EVENTS_ARG, JSON_OPT, app
from custodiet.console import emit_json, err, out, progress
from custodiet.errors import CliError, guarded, no_path_twice, unknown_name
from custodiet.inputs import check_readable_file


def _check_paths(kind: str, paths: list[str]) -> list[Path]:
    if len(paths) > 1 and kind != "flock-portal":
        raise CliError(f"{kind} reads one file (several snapshots are for flock-portal), got {len(paths)}")
    checked = []
    for path in paths:
        p = Path(path)
        try:
            if not p.exists():
                raise CliError(f"{p}: no such file or folder")
            if p.is_dir() and kind != "flock-portal":
                raise CliError(f"{p}: is a directory, expected a file for {kind}")
        except OSError as e:
            raise CliError(f"{p}: cannot read ({e.strerror})") from e
        checked.append(p)
    return checked


@app.command("import")
@guarded
def import_(
    kind: Annotated[str, typer.Argument(help="flock-sharing | flock-portal | flock-audit | atlas-ring")],
    paths: Annotated[list[str], typer.Argument(help="the published file (flock-portal: record files or folders, "
                                               "several snapshots of a portal allowed)")],
    output: Annotated[str | None, typer.Option("-o", "--output", help="events .jsonl to write")] = None,
    registry: Annotated[str | None, typer.Option("--registry", help="also write the party registry (JSON)")] = None,
    observed: Annotated[str | None, typer.Option("--observed", help="when grants were observed (ISO date); "
                                                 "else the date in the data or the file name, else asked "
                                                 "for")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="flock-audit: the searching agency of a portal "
                                               "audit (a network audit names it on each row); flock-sharing: "
                                               "whose organisation sharing page it is")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="flock-audit: time zone of times without one")] = None,
    overrides: Annotated[str | None, typer.Option("--overrides", help="CSV/JSON of agency kind/state "
                                                  "overrides")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the import summary as JSON")] = False,
) -> None:
    """Import published data, reporting what was skipped and why (the counts add up) and what was assumed."""
    from importers import IMPORTERS

    if kind not in IMPORTERS:
        raise CliError(unknown_name("import kind", kind, sorted(IMPORTERS)))
    ps = _check_paths(kind, paths)
    if kind != "atlas-ring" and output is None:
        raise CliError(f"{kind} writes events: give -o EVENTS.jsonl")
    kw = _importer_options(kind, observed=observed, agency=agency, tz=tz, overrides=overrides)
    result = _run_import(kind, ps, output, kw)
    if kind == "flock-audit" and not tz:
        from importers.audit_layouts import default_tz_assumption

        result.assume(default_tz_assumption())
    if output and kind != "flock-audit":
        result.write_jsonl(output)
    if registry or (kind == "atlas-ring" and output is None):
        target = Path(registry or f"{ps[0].stem}.registry.json")
        target.write_text(result.registry_json(), encoding="utf-8")
        err.print(f"party registry: {target} ({result.parties_written} parties)")
    for what in result.assumptions:  # on stderr, with --json too: never silent
        err.print(f"assumed: {what}", markup=False, soft_wrap=True)
    if as_json:
        emit_json(result.summary())
        return
    _print_summary(kind, ps, result, output)


def _importer_options(kind: str, **given: str | None) -> dict[str, Any]:
    """The options that ``kind``'s importer takes, from those given on the command line."""
    takes = {"observed": ("flock-sharing", "flock-portal"), "agency": ("flock-audit", "flock-sharing"),
             "tz": ("flock-audit",), "overrides": ("flock-sharing", "flock-portal", "atlas-ring")}
    kw: dict[str, Any] = {k: v for k, v in given.items() if v and kind in takes[k]}
    if "overrides" in kw:
        from classify.agencies import load_overrides

        kw["overrides"] = load_overrides(kw["overrides"])
    return kw


def _run_import(kind: str, ps: list[Path], output: str | None, kw: dict[str, Any]) -> Any:
    """Run the importer (an audit's events written as they come); a failure is one line, and no half-written
    log is left behind."""
    from importers import IMPORTERS

    p = ps[0]
    path: Any = ps if kind == "flock-portal" and len(ps) > 1 else p
    streaming = kind == "flock-audit" and output is not None
    try:
        with progress(f"importing {p.name}"):
            if not streaming:
                return IMPORTERS[kind](path, **kw)
            from importers.audit_fast import fast_import_audit

            fast = fast_import_audit(path, str(output), **kw)  # a plain CSV through DuckDB: the same events
            if fast is not None:
                return fast
            with open(str(output), "w", encoding="utf-8") as fh:
                def sink(event: dict[str, Any]) -> None:
                    fh.write(json.dumps(event, ensure_ascii=False) + "\n")

                return IMPORTERS[kind](path, sink=sink, **kw)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        if streaming:
            Path(str(output)).unlink(missing_ok=True)
        if isinstance(e, UnicodeDecodeError) and p.is_file():
            from importers.sniff import wrong_kind

            raise CliError(f"{p}: not UTF-8 text at byte {e.start}; {wrong_kind(p, kind)}") from e
        if isinstance(e, ValueError):
            raise CliError(no_path_twice(p, str(e).splitlines()[0])) from e
        raise CliError(no_path_twice(p, f"cannot read ({e})")) from e


def _print_summary(kind: str, ps: list[Path], result: Any, output: str | None) -> None:
    summary = result.summary()
    t = Table(title=f"import {kind}: {', '.join(str(x) for x in ps)}")
    t.add_column("count")
    t.add_column("n", justify="right")
    for k in ("rows_read", "events_written", "parties_written", "duplicates", "skipped"):
        t.add_row(k.replace("_", " "), str(summary[k]))
    for reason, n in summary["skipped_by_reason"].items():
        t.add_row(f"  skipped: {reason}", str(n))
    out.print(t)
    for merge in result.merges:
        err.print(f"merged party ids: {merge}", markup=False, soft_wrap=True)
    for s in result.skipped[:10]:
        err.print(f"skipped {s.file}:{s.line}: {s.reason}", markup=False, soft_wrap=True)
    if output:
        out.print(f"wrote {summary['events_written']} events to {output}")


@app.command("history")
@guarded
def history(
    events: Annotated[str, EVENTS_ARG],
    agency: Annotated[str | None, typer.Option("--agency", help="only this portal (party id or name)")] = None,
    since: Annotated[str | None, typer.Option("--since", help="first snapshot date to compare (ISO)")] = None,
    until: Annotated[str | None, typer.Option("--until", help="last snapshot date to compare (ISO)")] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
) -> None:
    """Grantees added and removed between snapshots of a portal's access list (from ``import flock-portal``
    of several snapshots)."""
    from importers.history import access_history

    if events != "-":
        check_readable_file(events, ".jsonl file")
    try:
        doc = access_history("/dev/stdin" if events == "-" else events, agency=agency, since=since, until=until)
    except ValueError as e:
        raise CliError(f"{events}: {str(e).splitlines()[0]}") from e
    if as_json:
        emit_json(doc)
        return
    if not doc["portals"]:
        out.print("no portal observed more than once in this log: nothing to compare "
                  "(import several snapshots with `custodiet import flock-portal A.json B.json -o ...`)")
        return
    for portal in doc["portals"]:
        t = Table(title=f"{portal['name']} ({portal['portal']}): access list, {len(portal['snapshots'])} snapshots")
        t.add_column("from")
        t.add_column("to")
        t.add_column("change")
        t.add_column("party")
        t.add_column("direction")
        for step in portal["changes"]:
            for change in ("added", "removed"):
                for item in step[change]:
                    t.add_row(step["from"][:10], step["to"][:10], change, f"{item['name']}\n{item['party']}",
                              item["direction"])
        out.print(t)
        out.print(f"grants added: {portal['added']}, removed: {portal['removed']} "
                  f"(between {portal['snapshots'][0][:10]} and {portal['snapshots'][-1][:10]})")
