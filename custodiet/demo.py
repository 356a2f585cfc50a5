"""``custodiet demo``: simulate the default scenario, run it through the Faust agents on a local broker
(or in-process when no broker can start), and end with the headline and a report folder; or, with
``--json``, print one document (:func:`demo_document`) that says what the headline says; the headline
(``reports.headline``) is rendered from that document, never counted again."""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from custodiet.console import err, out

__all__ = ["run_demo", "demo_document", "reached_row", "display_registry"]


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=False)


def _on_kafka(lines: list[tuple[int, bytes]], rules: list[str], broker: Any) -> tuple[dict, list[Any]]:
    from judge.collector import Collector
    from streams.check import KafkaRun

    with KafkaRun(f"kafka://{broker.bootstrap}", rules) as run, _progress() as bar:
        task = bar.add_task("Faust agents: judging", total=len(lines))
        n = run.produce(lines, "demo")
        col = Collector(n, run.layout.partitions)

        def until() -> bool:
            bar.update(task, completed=min(len(col.positions), len(col.verdicts) + col.tally.dead_letters))
            return col.done()

        run.collect(col, timeout=240, until=until)
        bar.update(task, completed=n)
        return col.document(run.rule_sets), list(col.verdicts.values())


def reached_row(graph: Any, party: str) -> dict[str, Any]:
    """One row of ``reached`` (see :func:`demo_document`): clips and paths into ``party`` as ``reach`` counts
    them, the intermediaries that passed them on, and the bases of their hand-overs into it.

    >>> from graph.custody import CustodyGraph
    >>> g = CustodyGraph(); g.add_grant("g", "agency:a-pd", "agency:fbi", 0.0)
    >>> reached_row(g, "agency:fbi")
    {'party': 'agency:fbi', 'clips': 0, 'paths': 0, 'via': [], 'bases': {}}
    """
    from graph.reach import reach

    r = reach(graph, party)
    clips = {c["clip"] for c in r["clips"]}
    bases = Counter(str(d.get("basis", "?")) for _, _, d in graph.graph.in_edges(party, data=True)
                    if d.get("clip") in clips)
    # via: the intermediaries, each with the clips it passed on that it does not own (owners hand on their own)
    via = [{"party": c["party"], "clips": c["clips"] - c["own"]} for c in r["conduits"] if c["clips"] > c["own"]]
    return {"party": party, "clips": r["clip_count"], "paths": r["path_count"], "via": via,
            "bases": dict(bases.most_common())}


def demo_document(
    *,
    scenario: str,
    seed: int,
    n_events: int,
    check_doc: dict[str, Any],
    graph: Any,
    registry: Any,
    mode: str = "in-process",
) -> dict[str, Any]:
    """The ``custodiet demo --json`` document; the human headline is rendered from it. Keys (stable):

    - ``simulated``: always ``true`` (a simulated run); ``scenario``, ``seed``, ``events`` (asked for),
      ``mode`` (``in-process`` or the broker it ran on), ``rule_sets``;
    - the accounting, as ``custodiet check`` prints it: ``events_in``, ``processed``, ``duplicates``,
      ``dead_letters`` (``events_in = processed + duplicates + dead_letters``), ``outcomes`` {ok, flagged,
      gated}, and ``violations`` {rule id: n};
    - ``basis``: ``"judged"``: the counts below are custody as judged (the hand-overs the gates let through);
    - ``reached``: one row per federal party in the graph, most clips first: ``party``; ``clips`` and
      ``paths``, equal to ``clip_count`` and ``path_count`` of ``custodiet reach --to PARTY --json`` on the
      same simulated log (time-respecting hand-over paths); ``via``: the intermediaries that passed those
      clips on, ``[{"party", "clips"}]`` most clips first; ``bases``: {basis: n} of the hand-overs into the
      party of the clips that reached it.

    >>> from graph.custody import CustodyGraph
    >>> from schemas.parties import PartyRegistry
    >>> g = CustodyGraph(); g.add_recording("c", "resident:r", 0.0)
    >>> g.add_hand_over("t", "c", "resident:r", "agency:fbi", 1.0, basis="consent")
    >>> from classify.agencies import resolve_party
    >>> doc = demo_document(scenario="s", seed=1, n_events=2, graph=g, registry=PartyRegistry(resolver=resolve_party),
    ...     check_doc={"events_in": 2, "processed": 2, "duplicates": 0, "dead_letters": 0, "violations": {}})
    >>> doc["simulated"], doc["reached"]
    (True, [{'party': 'agency:fbi', 'clips': 1, 'paths': 1, 'via': [], 'bases': {'consent': 1}}])
    """
    reached = [reached_row(graph, p) for p in sorted(p for p in graph.graph if registry.kind_of(p) == "federal")]
    reached.sort(key=lambda row: (-row["clips"], row["party"]))
    return {
        "simulated": True,
        "scenario": scenario,
        "seed": seed,
        "events": n_events,
        "mode": mode,
        "rule_sets": check_doc.get("rule_sets", []),
        "events_in": check_doc["events_in"],
        "processed": check_doc["processed"],
        "duplicates": check_doc["duplicates"],
        "dead_letters": check_doc["dead_letters"],
        "beyond_lateness": check_doc.get("beyond_lateness", 0),
        "outcomes": check_doc.get("outcomes", {}),
        "violations": check_doc["violations"],
        "basis": graph.basis,
        "reached": reached,
    }


def display_registry(sc: Any) -> Any:
    """Names for people: the scenario's agencies (names, states, jurisdictions: where camera owners live)
    over the default registry the run is judged with (kinds for counting stay the judge's)."""
    from classify.agencies import resolve_party
    from schemas.parties import PartyRegistry

    return PartyRegistry(list(sc.registry()), resolver=resolve_party)


def _keep_log(path: Path, lines: list[tuple[int, bytes]]) -> None:
    """Write the simulated events to ``path``, one per line, whole or not at all (written beside, then moved)."""
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("wb") as f:
        for _, line in lines:
            f.write(line + b"\n")
    os.replace(tmp, path)


def run_demo(
    *, scenario: str, n_events: int, seed: int, in_process: bool, report_dir: str, serve: bool,
    as_json: bool = False, log_path: str | None = None,
) -> dict[str, Any]:
    """Run the demo end to end (see the module docstring); ``as_json``: print :func:`demo_document` on
    stdout instead of the headline, with no report and no live view. The simulated event log is kept at
    ``log_path`` (``event_log`` in the document), so ``check``, ``reach`` and ``trace`` can read what the demo
    counted. Returns the document."""
    from analysis.judged import judged_graph
    from custodiet.console import emit_json, progress
    from custodiet.inputs import load_registry, load_scenario_named
    from judge.pipeline import load_events, run_check
    from reports.headline import headline
    from reports.names import names_in
    from reports.render import write_report
    from world.simulate import event_line, simulate

    say = err if as_json else out
    started = time.monotonic()
    sc = load_scenario_named(scenario)
    # Judged with the registry ``custodiet check`` uses on a log (and the Faust agents here): the same
    # simulated log gives the same numbers on every surface.
    registry = load_registry(None)
    names = display_registry(sc)
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
        lines = list(enumerate((event_line(e).encode() for e in events), start=1))  # as `simulate` writes them
        if log_path is not None:
            _keep_log(Path(log_path), lines)
        if broker is not None:
            check_doc, verdicts = _on_kafka(lines, sc.rule_sets, broker)
            mode = f"Faust agents on kafka://{broker.bootstrap}"
            decoded = load_events(lines)[0]
        else:
            res = run_check(lines, sc.rule_sets, registry, keep=True)
            check_doc, verdicts, mode, decoded = res.document(), res.verdicts, "in-process", res.events
    finally:
        if broker is not None:
            broker.stop()
    # Custody as judged: origins, and the hand-overs, grants and searches the gates let through.
    graph = judged_graph(decoded, verdicts, registry)
    doc = demo_document(scenario=sc.name, seed=seed, n_events=n_events, check_doc=check_doc, graph=graph,
                        registry=registry, mode=mode)
    if log_path is not None:
        doc["event_log"] = str(Path(log_path).resolve())
    if as_json:
        emit_json(dict(doc, names=names_in(doc, names)))
        return doc
    o = check_doc["outcomes"]
    out.print(f"\n{mode}: events in {doc['events_in']} = processed {doc['processed']} + duplicates "
              f"{doc['duplicates']} + dead letters {doc['dead_letters']}; of those processed: ok {o['ok']}, "
              f"flagged (let through) {o['flagged']}, gated (blocked) {o['gated']}")
    out.print("\n[bold]Where the footage went[/bold]")
    for sentence in headline(doc, names):
        out.print(f"  {sentence}", markup=False, highlight=False)
    targets = [r["party"] for r in doc["reached"] if r["clips"]]
    if targets:
        with progress("writing the report") as (bar, task):
            page = write_report(graph, check_doc, report_dir, targets, f"custodiet demo (simulated): {sc.title}",
                                sc.credit, headline_doc=doc, simulated=True, registry=names,
                                step=lambda what: bar.update(task, description=what))
        out.print(f"\nreport: {Path(page).resolve()}", markup=False, highlight=False)
    else:
        out.print(f"\nno report written to {Path(report_dir).resolve()}: no clip reached a federal party in this "
                  "run (more --events, or another --seed, simulate more hand-overs)", markup=False, highlight=False)
    out.print(f"agency names from: {'; '.join(sc.credit)} (the events are simulated)", markup=False,
              highlight=False)
    if log_path is not None:
        out.print(f"event log (simulated, every line says so in its source): {doc['event_log']} "
                  f"(custodiet check {log_path} gives the counts above)", markup=False, highlight=False)
    err.print(f"done in {time.monotonic() - started:.1f}s")
    if serve:
        _serve(events, sc.rule_sets, names)
    return doc


def _serve(events: list[dict[str, Any]], rules: list[str], registry: Any) -> None:
    try:
        from live.server import serve
        from live.state import LiveState
    except ModuleNotFoundError:
        err.print("the live view is not available in this build")
        return
    state = LiveState(rule_sets=rules, source="simulated demo")  # judged as check judges a log
    state.feed_event_dicts(events)
    server = serve(state, "127.0.0.1", 0, names=registry, simulated=True)
    out.print(f"live view: {server.url}  (Ctrl-C to stop)")
    try:
        import threading

        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
