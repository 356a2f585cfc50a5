"""``custodiet demo``: simulate the default scenario, run it through the Faust agents on a local broker
(or in-process when no broker can start), and end with the headline and a report folder."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from custodiet.app import emit_json, err, out

__all__ = ["run_demo", "demo_document", "reached_entry"]


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


def reached_entry(graph: Any, party: str) -> dict[str, Any]:
    """One row of the demo document's ``reached``: clips and paths into ``party`` (as ``reach`` counts them),
    the intermediaries with the clips each passed on, and the bases of the hand-overs of those clips into it."""
    from graph.reach import reach

    if not graph.has_party(party):
        return {"party": party, "clips": 0, "paths": 0, "via": [], "bases": {}}
    r = reach(graph, party)
    clips = {c["clip"] for c in r["clips"]}
    bases = Counter(str(d.get("basis", "?")) for _, _, d in graph.graph.in_edges(party, data=True)
                    if d.get("clip") in clips)
    return {"party": party, "clips": r["clip_count"], "paths": r["path_count"],
            "via": [{"party": c["party"], "clips": c["clips"]} for c in r["conduits"]],
            "bases": dict(sorted(bases.items(), key=lambda kv: (-kv[1], kv[0])))}


def demo_document(sc: Any, seed: int, n_events: int, check_doc: dict[str, Any], graph: Any, registry: Any,
                  mode: str) -> dict[str, Any]:
    """The ``custodiet demo --json`` document: the run, its accounting, violations as ``check`` prints them,
    and ``reached`` for every federal party."""
    federal = sorted({p.id for p in registry if p.kind == "federal"}
                     | {p for p in graph.graph if registry.kind_of(p) == "federal"})
    keys = ("events_in", "processed", "duplicates", "dead_letters", "violations", "outcomes", "rule_sets")
    return {
        "simulated": True,
        "scenario": sc.name,
        "scenario_title": sc.title,
        "seed": seed,
        "events": n_events,
        "mode": mode,
        **{k: check_doc[k] for k in keys if k in check_doc},
        "counted": "custody as judged (the hand-overs the platform and rule gates let through)",
        "reached": [reached_entry(graph, p) for p in federal],
        "credit": list(sc.credit),
    }


def run_demo(*, scenario: str, n_events: int, seed: int, in_process: bool, report_dir: str, serve: bool,
             as_json: bool = False) -> dict[str, Any]:
    """Run the demo end to end (see the module docstring); returns the demo document."""
    from custodiet.app import load_scenario_named, progress
    from graph.custody import CustodyGraph
    from judge.pipeline import run_check
    from reports.headline import headline
    from reports.render import write_report
    from world.simulate import simulate

    say = err if as_json else out
    started = time.monotonic()
    sc = load_scenario_named(scenario)
    registry = sc.registry()
    say.print(f"[bold]custodiet demo[/bold] (simulated): scenario {sc.name!r}, {n_events} simulated events, "
              f"seed {seed}; rule sets: {', '.join(sc.rule_sets)}")
    broker = None
    if not in_process:
        from streams.broker import BrokerStartError, LocalBroker

        try:
            broker = LocalBroker()
            broker.start()
            say.print(f"started the local broker at kafka://{broker.bootstrap} (pid {broker.pid})")
        except (BrokerStartError, OSError) as e:
            broker = None
            say.print(f"[yellow]no broker ({str(e).splitlines()[0]}): running in-process[/yellow]")
    try:
        with _progress() as bar:
            task = bar.add_task("simulating Ring, Flock, Axon, police, federal", total=n_events)
            events = simulate(sc, seed, n_events, progress=lambda k: bar.update(task, completed=k))
        lines = list(enumerate((json.dumps(e).encode() for e in events), start=1))
        if broker is not None:
            check_doc, verdicts = _on_kafka(lines, sc.rule_sets, broker)
            mode = f"Faust agents on kafka://{broker.bootstrap}"
        else:
            res = run_check(lines, sc.rule_sets, registry)
            check_doc, verdicts, mode = res.document(), res.verdicts, "in-process"
    finally:
        if broker is not None:
            broker.stop()
    # Origins say where custody starts; transfers and grants are what the gates let through.
    graph = CustodyGraph.from_edges([], [v.edge for v in verdicts if v.edge is not None], registry)
    doc = demo_document(sc, seed, n_events, check_doc, graph, registry, mode)
    o = check_doc["outcomes"]
    say.print(f"\n{mode}: events in {doc['events_in']} = processed {doc['processed']} + duplicates "
              f"{doc['duplicates']} + dead letters {doc['dead_letters']}; of those processed: ok {o['ok']}, "
              f"flagged (let through) {o['flagged']}, gated (blocked) {o['gated']}")
    targets = [r["party"] for r in doc["reached"] if r["clips"]]
    if targets:
        with progress("writing the report") as (bar, task):
            page = write_report(graph, check_doc, report_dir, targets, f"custodiet demo (simulated): {sc.title}",
                                sc.credit, headline_doc=doc, simulated=True,
                                step=lambda what: bar.update(task, description=what))
        doc["report"] = str(Path(page).resolve())
    if as_json:
        emit_json(doc)
    else:
        out.print("\n[bold]Where the footage went[/bold]")
        for sentence in headline(doc, registry):
            out.print(f"  {sentence}", markup=False, highlight=False)
        if "report" in doc:
            out.print(f"\nreport: {doc['report']}", markup=False, highlight=False)
        out.print(f"agency names from: {'; '.join(sc.credit)} (the events are simulated)", markup=False,
                  highlight=False)
    err.print(f"done in {time.monotonic() - started:.1f}s")
    if serve:
        _serve(events, sc.rule_sets, registry)
    return doc


def _serve(events: list[dict[str, Any]], rules: list[str], registry: Any) -> None:
    try:
        from live.server import serve
        from live.state import LiveState
    except ModuleNotFoundError:
        err.print("the live view is not available in this build")
        return
    state = LiveState(registry, rules, source="simulated demo")
    state.feed_event_dicts(events)
    server = serve(state, "127.0.0.1", 0)
    out.print(f"live view: {server.url}  (Ctrl-C to stop)")
    try:
        import threading

        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
