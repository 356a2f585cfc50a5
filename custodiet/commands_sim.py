"""Simulation commands: ``simulate`` (a scenario's services on the in-process bus, deterministic per seed)
and ``scenarios`` (the scenario files that ship, with their eras and rule sets)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from custodiet.app import JSON_OPT, app
from custodiet.console import emit_json, err, out
from custodiet.errors import CliError, guarded
from custodiet.inputs import load_scenario_named
from world.defaults import DEFAULT_EVENTS, DEFAULT_SEED


def _scenario(name: str):  # type: ignore[no-untyped-def]
    return load_scenario_named(name)


@app.command()
@guarded
def simulate(
    scenario: Annotated[
        str, typer.Option("--scenario", help="scenario name (see: custodiet scenarios) or TOML file")
    ] = "default",
    seed: Annotated[
        int, typer.Option("--seed", help="random seed: the same seed gives a byte-identical file")
    ] = DEFAULT_SEED,
    events: Annotated[int, typer.Option("--events", min=1, help="exactly this many events")] = DEFAULT_EVENTS,
    output: Annotated[
        str, typer.Option("-o", "--output", help=".jsonl file to write, or - for stdout")
    ] = "-",
    show_calibration: Annotated[
        bool,
        typer.Option(
            "--calibration",
            help="print what the run produced next to the facts the scenario is calibrated on",
        ),
    ] = False,
    as_json: Annotated[bool, JSON_OPT] = False,
) -> None:
    """Run a scenario's simulated services (Ring, Flock, Axon, police, federal) and write their events."""
    from world.simulate import calibration, write_events
    from world.simulate import simulate as run

    sc = _scenario(scenario)
    if output == "-" and as_json:
        raise CliError("--json prints a summary on stdout: write the events to a file with -o FILE")
    with Progress(
        TextColumn("simulating {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(sc.name, total=events)
        step = max(1, events // 200)

        def tick(n: int) -> None:
            if n % step == 0 or n == events:
                bar.update(task, completed=n)

        evs = run(sc, seed, events, progress=tick)
    try:
        write_events(evs, sys.stdout if output == "-" else output)
    except OSError as e:
        raise CliError(f"{output}: cannot write ({e.strerror})") from e
    rows = calibration(sc, evs) if show_calibration else []
    last = evs[-1]["occurred_at"] if evs else None
    if last and last > sc.end.strftime("%Y-%m-%dT%H:%M:%SZ"):
        err.print(
            f"[yellow]note: the run went past the end of the {sc.name} era ({sc.end:%Y-%m-%d}) to reach "
            f"{events} events[/yellow]"
        )
    if as_json:
        emit_json(
            {
                "scenario": sc.name,
                "seed": seed,
                "events": len(evs),
                "output": output,
                "first": evs[0]["occurred_at"] if evs else None,
                "last": last,
                "rule_sets": sc.rule_sets,
                "calibration": [r.to_dict() for r in rows],
            }
        )
        return
    console = err if output == "-" else out
    if output != "-":
        console.print(f"{len(evs)} events of {sc.name} (seed {seed}) -> {output}")
    if show_calibration:
        console.print(_calibration_table(sc.name, rows))


def _calibration_table(name: str, rows: list) -> Table:  # type: ignore[type-arg]
    t = Table(title=f"calibration of {name}")
    for col in ("fact", "produced", "target", "tolerance", "ok", "basis", "n"):
        t.add_column(col, justify="right" if col in ("produced", "target", "tolerance", "n") else "left")
    for r in rows:
        t.add_row(
            r.fact,
            f"{r.produced:g}",
            f"{r.target:g}",
            f"± {r.tolerance:g}",
            "[green]ok[/green]" if r.ok else "[red]NOT OK[/red]",
            r.basis,
            str(r.sample),
        )
    return t


@app.command()
@guarded
def scenarios(as_json: Annotated[bool, JSON_OPT] = False) -> None:
    """List the scenarios that ship: era, rule sets, jurisdictions (and the aliases)."""
    from scenarios.load import ALIASES, available_scenarios

    docs = []
    for name in [*available_scenarios(), *ALIASES]:
        sc = _scenario(name)
        states = sorted({a.state for a in sc.agencies if a.state})
        docs.append(
            {
                "name": name,
                "aliases": sorted(k for k, v in ALIASES.items() if v == name),
                "era": sc.era,
                "start": sc.start.isoformat(),
                "end": sc.end.isoformat(),
                "rule_sets": sc.rule_sets,
                "states": states,
                "agencies": len(sc.agencies),
                "title": sc.title,
            }
        )
    if as_json:
        emit_json(docs)
        return
    # What must be typed (names, rule-set ids) is never cut or wrapped: one per line, columns as wide as
    # the longest; the era wraps in what is left of the width.
    t = Table(title="scenarios (custodiet demo --scenario NAME)", show_lines=True)
    t.add_column("name", no_wrap=True, min_width=max(len(d["name"]) for d in docs))
    t.add_column("era; states")
    t.add_column("rule sets", no_wrap=True, min_width=max(len(r) for d in docs for r in d["rule_sets"]))
    for d in docs:
        alias = f"\n(= {', '.join(d['aliases'])})" if d["aliases"] else ""
        t.add_row(d["name"] + alias, f"{d['era']}; {', '.join(d['states'])}", "\n".join(d["rule_sets"]))
    out.print(t)
