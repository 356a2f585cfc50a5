"""The custody graph as judged: what every command, the demo and the live view count by default.

A log is judged in-process (``judge.pipeline.run_check``: validation, de-duplication, the gates) and the
graph is built from what the judge let through (``schemas.flow.judged_edges``: the hand-overs, grants and
origins it made custody edges of, and the links of every search it did not gate). ``attempts=True``
instead reads every valid transfer in the log as an observed hand-over (``CustodyGraph.from_events``).
The graph's ``basis`` (``"judged"`` or ``"attempts"``) travels into every document built from it.

>>> lines = [b'{"event_id":"r","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
...          b'"owner":"resident:r","platform":"ring"}',
...          b'{"event_id":"t","type":"transfer","occurred_at":"2024-01-02T00:00:00Z","clip_id":"c",'
...          b'"from_party":"resident:r","to_party":"agency:a-pd","basis":"consent","purpose":"x"}']
>>> g, res = graph_of_log(enumerate(lines, 1), ["core"])
>>> g.basis, len(g.hand_overs["c"]), res.document()["processed"]
('judged', 1, 2)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.custody import CustodyGraph
from judge.decode import DEFAULT_MAX_EVENT_BYTES
from judge.engine import event_order
from judge.pipeline import CheckResult, load_events, run_check
from schemas.flow import judged_edges
from schemas.parties import PartyRegistry
from schemas.records import CustodyEdge, Verdict

__all__ = ["judged_graph", "judged_edge_list", "graph_of_run", "graph_of_log", "BASES"]

#: What a graph can count: custody as judged (the default everywhere), or every attempt in the log.
BASES = ("judged", "attempts")


def judged_edge_list(events: Iterable[Any], verdicts: Iterable[Verdict]) -> list[CustodyEdge]:
    """The custody edges of ``events`` as judged by ``verdicts`` (matched by event id), in event-time order;
    an event without a verdict (not processed) contributes nothing.

    >>> judged_edge_list([], [])
    []
    """
    by_id = {v.event_id: v for v in verdicts}
    out: list[CustodyEdge] = []
    for ev in sorted(events, key=event_order):
        v = by_id.get(ev.event_id)
        if v is not None:
            out.extend(judged_edges(ev, v))
    return out


def judged_graph(
    events: Iterable[Any], verdicts: Iterable[Verdict], registry: PartyRegistry | None = None
) -> CustodyGraph:
    """The custody graph of ``events`` as ``verdicts`` judged them (basis ``"judged"``).

    >>> judged_graph([], []).basis
    'judged'
    """
    return CustodyGraph.from_edges([], judged_edge_list(events, verdicts), registry)


def graph_of_run(res: CheckResult, registry: PartyRegistry | None = None, *, attempts: bool = False) -> CustodyGraph:
    """The graph of an in-process run: as judged, or (``attempts``) every valid step in its events.

    >>> graph_of_run(CheckResult(), attempts=True).basis
    'attempts'
    """
    if attempts:
        return CustodyGraph.from_events(res.events, registry)
    return judged_graph(res.events, res.verdicts, registry)


def graph_of_log(
    lines: Iterable[tuple[int, bytes]],
    rule_sets: list[str] | None = None,
    registry: PartyRegistry | None = None,
    *,
    attempts: bool = False,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
) -> tuple[CustodyGraph, CheckResult]:
    """Read a log and build its graph, with the run it came from. By default the log is judged in-process
    under ``rule_sets`` (``None``: every set, each within its era, as ``custodiet check``) and the graph is
    custody as judged; with ``attempts`` nothing is judged (the result has no verdicts) and every valid
    transfer counts."""
    if attempts:
        events, n_in, dups, dead = load_events(lines, source=source, max_bytes=max_bytes)
        res = CheckResult(events_in=n_in, duplicates=dups, dead=dead, events=events)
    else:
        res = run_check(lines, rule_sets, registry, source=source, max_bytes=max_bytes)
    return graph_of_run(res, registry, attempts=attempts), res
