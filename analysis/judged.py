"""The custody graph as judged: what every command, the demo and the live view count by default.

A log is judged in-process (``judge.pipeline.run_check``: validation, de-duplication, the gates) and the
graph is built from what the judge let through (``schemas.flow.judged_edges``: the hand-overs, grants and
origins it made custody edges of, and the links of every search it did not gate), as the verdicts come
(the run keeps no copy of the log). ``attempts=True`` instead reads every valid transfer in the log as an
observed hand-over (``schemas.flow.edges_of``, as ``CustodyGraph.from_events``).
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

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from graph.asof import AsOf, snapshot_record
from graph.custody import CustodyGraph
from judge.decode import DEFAULT_MAX_EVENT_BYTES
from judge.engine import event_order
from judge.pipeline import CheckResult, run_check
from schemas.flow import edges_of, judged_edges
from schemas.parties import PartyRegistry
from schemas.records import CustodyEdge, Verdict

__all__ = ["judged_graph", "judged_edge_list", "graph_of_log", "events_as_of", "BASES"]

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


def graph_of_log(
    lines: Iterable[tuple[int, bytes]],
    rule_sets: list[str] | None = None,
    registry: PartyRegistry | None = None,
    *,
    attempts: bool = False,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    on_verdict: Callable[[Any, Verdict], None] | None = None,
    as_of: datetime | None = None,
    on_set_aside: Callable[[Any], None] | None = None,
) -> tuple[CustodyGraph, CheckResult]:
    """Read and judge a log in-process (``judge.pipeline.run_check`` under ``rule_sets``; ``None``: every set,
    each within its era, as ``custodiet check``) and build its graph as the verdicts come: custody as judged,
    or with ``attempts`` every valid step of every event (``schemas.flow.edges_of``). The run's document
    (``CheckResult.document()``) is the ``check`` document either way; ``on_verdict(event, verdict)`` is
    also called for each event (e.g. to collect its source). ``as_of``: custody as of that time, the one
    place every analysis applies it (``graph.asof.AsOf``: only events up to then are judged, and portal
    grants count while in force); the graph's ``as_of`` keeps the rule and what it set aside, and
    ``on_set_aside(event)`` is called for each event set aside (so a party named only later is still known).

    >>> line = (b'{"event_id":"g","type":"access_grant","occurred_at":"2024-01-01T00:00:00Z",'
    ...         b'"grantor":"agency:a-pd","grantee":"agency:fbi","system":"flock","scope":"x"}')
    >>> g, res = graph_of_log([(1, line)], ["core"], attempts=True)
    >>> g.basis, g.grants, res.document()["processed"]
    ('attempts', 1, 1)
    """
    g = CustodyGraph(registry, basis="attempts" if attempts else "judged")

    def take(ev: Any, v: Verdict) -> None:
        snap = snapshot_record(ev)
        if snap is not None:
            g.snapshots[ev.event_id] = snap
        for e in (edges_of(ev) if attempts else judged_edges(ev, v)):
            g.add_record(e)
        if on_verdict is not None:
            on_verdict(ev, v)

    rule = AsOf(as_of) if as_of is not None else None
    g.as_of = rule

    def admit(ev: Any) -> bool:
        counts = rule is None or rule.admit(ev)
        if not counts and on_set_aside is not None:
            on_set_aside(ev)
        return counts

    res = run_check(lines, rule_sets, registry, source=source, max_bytes=max_bytes, on_verdict=take,
                    admit=admit if rule is not None else None)
    return g, res


def events_as_of(events: Iterable[Any], as_of: datetime | None) -> tuple[list[Any], AsOf | None]:
    """The events that count as of ``as_of`` (all when None) by the same rule as :func:`graph_of_log`, for
    analyses that judge a list of events themselves (what-if).

    >>> events_as_of([], None)
    ([], None)
    """
    if as_of is None:
        return list(events), None
    rule = AsOf(as_of)
    return [ev for ev in events if rule.admit(ev)], rule
