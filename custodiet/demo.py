"""``custodiet demo``: simulate the default scenario, run it through the Faust agents on a local broker
(or in-process when no broker can start), and end with the headline and a report folder."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from custodiet.app import err, out

__all__ = ["run_demo", "headline"]


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=False)


def _on_kafka(lines: list[tuple[int, bytes]], rules: list[str], broker: Any) -> tuple[dict, list[Any]]:
    from streams.check import KafkaRun
    from streams.collector import Collector

    with KafkaRun(f"kafka://{broker.bootstrap}", rules) as run, _progress() as bar:
        task = bar.add_task("Faust agents: judging", total=len(lines))
        n = run.produce(lines, "demo")
        col = Collector(n, run.layout.partitions)

        def until() -> bool:
            bar.update(task, completed=min(len(col.positions), len(col.verdicts) + len(col.dead)))
            return col.done()

        run.collect(col, timeout=240, until=until)
        bar.update(task, completed=n)
        return col.document(run.rule_sets), list(col.verdicts.values())


def headline(graph: Any, doc: dict[str, Any], registry: Any) -> tuple[list[str], str | None]:
    """The lines a journalist would quote, and the federal party most clips reached."""
    from graph.reach import reach

    lines: list[str] = []
    federal = sorted(p for p in graph.graph if registry.kind_of(p) == "federal")
    best, best_n = None, 0
    for party in federal:
        r = reach(graph, party)
        if not r["clips"]:
            continue
        bases = Counter(d.get("basis", "?") for _, _, d in graph.graph.in_edges(party, data=True))
        via = ", ".join(f"{c['party'].split(':', 1)[-1]} ({c['clips']})" for c in r["conduits"][:3]) or "directly"
        lines.append(f"{r['clip_count']} clip(s) reached {party} by {r['path_count']} path(s), through {via}; "
                     f"bases: {', '.join(f'{b} {n}' for b, n in bases.most_common())}")
        if r["clip_count"] > best_n:
            best, best_n = party, r["clip_count"]
    top = sorted(doc["violations"].items(), key=lambda kv: -kv[1])[:5]
    if top:
        lines.append("rules broken on the way: " + "; ".join(f"{rule} x{n}" for rule, n in top))
    return lines, best


def run_demo(*, scenario: str, n_events: int, seed: int, in_process: bool, report_dir: str, serve: bool) -> None:
    """Run the demo end to end (see the module docstring)."""
    from custodiet.app import CliError
    from graph.custody import CustodyGraph
    from judge.pipeline import run_check
    from reports.render import write_report
    from scenarios.load import ScenarioError, load_scenario
    from world.simulate import simulate

    started = time.monotonic()
    try:
        sc = load_scenario(scenario)
    except ScenarioError as e:
        raise CliError(str(e).splitlines()[0]) from e
    registry = sc.registry()
    out.print(f"[bold]custodiet demo[/bold]: scenario {sc.name!r}, {n_events} events, seed {seed}; "
              f"rule sets: {', '.join(sc.rule_sets)}")
    broker = None
    if not in_process:
        from streams.broker import BrokerStartError, LocalBroker

        try:
            broker = LocalBroker()
            broker.start()
            out.print(f"started the local broker at kafka://{broker.bootstrap} (pid {broker.pid})")
        except (BrokerStartError, OSError) as e:
            broker = None
            out.print(f"[yellow]no broker ({str(e).splitlines()[0]}): running in-process[/yellow]")
    try:
        with _progress() as bar:
            task = bar.add_task("simulating Ring, Flock, Axon, police, federal", total=n_events)
            events = simulate(sc, seed, n_events, progress=lambda k: bar.update(task, completed=k))
        lines = list(enumerate((json.dumps(e).encode() for e in events), start=1))
        if broker is not None:
            doc, verdicts = _on_kafka(lines, sc.rule_sets, broker)
            mode = f"Faust agents on kafka://{broker.bootstrap}"
        else:
            res = run_check(lines, sc.rule_sets, registry, keep=True)
            doc, verdicts, mode = res.document(), res.verdicts, "in-process"
    finally:
        if broker is not None:
            broker.stop()
    # Origins say where custody starts; transfers and grants are what the gates let through.
    graph = CustodyGraph.from_edges([], [v.edge for v in verdicts if v.edge is not None], registry)
    o = doc["outcomes"]
    out.print(f"\n{mode}: events in {doc['events_in']} = processed {doc['processed']} + duplicates "
              f"{doc['duplicates']} + dead letters {doc['dead_letters']}; ok {o['ok']}, flagged {o['flagged']}, "
              f"gated {o['gated']}")
    lines_out, target = headline(graph, doc, registry)
    t = Table(title="Where the footage went", show_lines=False)
    t.add_column("headline")
    for line in lines_out or ["no clip reached a federal party in this run"]:
        t.add_row(line)
    out.print(t)
    if target is not None:
        page = write_report(graph, doc, report_dir, target, f"custodiet demo: {sc.name}", sc.credit)
        out.print(f"report: {Path(page).resolve()}")
    out.print(f"data: {'; '.join(sc.credit)}")
    out.print(f"done in {time.monotonic() - started:.1f}s")
    if serve:
        _serve(events, sc.rule_sets)


def _serve(events: list[dict[str, Any]], rules: list[str]) -> None:
    try:
        from live.server import serve
        from live.state import LiveState
    except ModuleNotFoundError:
        err.print("the live view is not available in this build")
        return
    state = LiveState(rule_sets=rules)
    state.feed_event_dicts(events)
    server = serve(state, "127.0.0.1", 0)
    out.print(f"live view: {server.url}  (Ctrl-C to stop)")
    try:
        import threading

        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
