"""``custodiet cut``: the smallest set of party links whose removal cuts every flow, by the flow model
(``schemas.flow``), from a set of sources (camera owners, a state's agencies' cameras) to a set of sinks
(federal parties, out-of-state agencies, one party).

Each party is split in two nodes: its **own cameras** and what it **holds**; its own cameras feed what it
holds (unbounded). An access grant or a search link ``u -> v`` carries ``u``'s own camera data one hop:
own(u) -> holds(v). A hand-over ``u -> v`` carries whatever ``u`` holds (transitive): holds(u) -> holds(v)
(party-level, time-blind; a pair with both kinds is one link, the hand-over one, which carries the other).
Sources are the own cameras of the chosen parties, sinks what the chosen parties hold; so a chain of
grants carries nothing, as in the flow model. Each party link gets **unit capacity**: the cut is the
fewest distinct links to sever (a data-sharing agreement to end, a channel to close), not the fewest
hand-overs. ``capacity="count"`` weighs each link by its hand-overs, grants and searches instead, which
finds the cut that blocks the least observed traffic. The links are read off the source side of a minimum
``s``-``t`` cut (:func:`networkx.minimum_cut`). A party that is both a source and a sink cannot be separated
from itself and is dropped from the sources.

>>> g = CustodyGraph()
>>> for i, (u, v) in enumerate([("a", "h"), ("b", "h"), ("h", "fed"), ("a", "fed2")]):
...     g.add_grant(f"g{i}", f"agency:{u}", f"agency:{v}", 0.0)
>>> doc = min_cut(g, {"agency:a", "agency:b"}, {"agency:fed", "agency:fed2"})
>>> doc["cut_size"], [(x["from"], x["to"]) for x in doc["links"]]
(1, [('agency:a', 'agency:fed2')])
>>> g.add_recording("c", "agency:h", 0.0); g.add_hand_over("t", "c", "agency:h", "agency:fed", 1.0)
>>> [(x["from"], x["to"], x["hand_overs"]) for x in min_cut(g, {"agency:a", "agency:b"}, {"agency:fed"})["links"]]
[('agency:h', 'agency:fed', 1)]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.custody import CustodyGraph
from schemas.parties import PartyRegistry

__all__ = ["min_cut", "select_parties", "registry_of", "CutError", "CAPACITIES"]

CAPACITIES = ("link", "count")
_SOURCE, _SINK = ("__custodiet_source__",), ("__custodiet_sink__",)  # tuples: never a party id


class CutError(ValueError):
    """Sources or sinks that select nothing, or an unknown option."""


def registry_of(g: CustodyGraph) -> PartyRegistry:
    """The graph's registry, else the default one (agencies classified from their slug).

    >>> registry_of(CustodyGraph()).kind_of("agency:fbi")
    'federal'
    """
    if g.registry is not None:
        return g.registry
    from classify.registry import default_registry

    g.registry = default_registry()
    return g.registry


def select_parties(
    g: CustodyGraph,
    *,
    kinds: Iterable[str] = (),
    state: str | None = None,
    out_of_state: str | None = None,
    parties: Iterable[str] = (),
) -> set[str]:
    """Parties of the graph chosen by kind (``federal``, ``resident``, ...), by state (``CA``), as agencies
    outside a state (``out_of_state="CA"``), or by id. Criteria given together must all hold, except that
    ids named in ``parties`` are always added.

    >>> g = CustodyGraph()
    >>> g.add_grant("g", "agency:el-cajon-ca-pd", "agency:reno-nv-pd", 0.0)
    >>> g.add_grant("h", "agency:el-cajon-ca-pd", "agency:fbi", 0.0)
    >>> sorted(select_parties(g, state="CA")), sorted(select_parties(g, out_of_state="CA"))
    (['agency:el-cajon-ca-pd'], ['agency:reno-nv-pd'])
    >>> sorted(select_parties(g, kinds=["federal"]))
    ['agency:fbi']
    """
    reg = registry_of(g)
    kinds = set(kinds)
    chosen: set[str] = set()
    if kinds or state or out_of_state:
        for p in g.graph.nodes:
            entry = reg.get(p)
            if kinds and entry.kind not in kinds:
                continue
            if state and entry.state != state.upper():
                continue
            if out_of_state and (
                not entry.state
                or entry.state == out_of_state.upper()
                or entry.kind in ("resident", "platform", "public")
            ):
                continue
            chosen.add(p)
    chosen.update(p for p in parties if p in g.graph)
    return chosen


def _own(p: str) -> tuple[str, str]:
    return ("own", p)


def _holds(p: str) -> tuple[str, str]:
    return ("holds", p)


def _flow_network(links: nx.DiGraph, sources: set[str], sinks: set[str], capacity: str) -> nx.DiGraph:
    """The split-node network of the flow model (see the module docstring); node names are tuples, so
    never a party id."""
    net = nx.DiGraph()
    for u, v, data in links.edges(data=True):
        if u == v or u in sinks:
            continue  # a link out of a sink is on no path that needs cutting
        tail = _holds(u) if data.get("hand_overs") else _own(u)
        net.add_edge(tail, _holds(v), capacity=1 if capacity == "link" else data["count"], link=(u, v))
    for p in links.nodes:
        net.add_edge(_own(p), _holds(p))  # no capacity attribute: unbounded in networkx
    for s in sources:
        net.add_edge(_SOURCE, _own(s))
    for t in sinks:
        net.add_edge(_holds(t), _SINK)
    return net


def min_cut(
    g: CustodyGraph, sources: Iterable[str], sinks: Iterable[str], *, capacity: str = "link"
) -> dict[str, Any]:
    """The minimum set of party links separating ``sources`` from ``sinks``, with their hand-over and grant
    counts: ``{"cut_size", "basis", "capacity", "sources", "sinks",
    "links": [{"from","to","hand_overs","grants","searches"}], "reachable_sinks_before", "blocked_traffic"}``.

    ``cut_size`` is the number of links (``capacity="link"``) or the traffic they carry (``"count"``).
    """
    if capacity not in CAPACITIES:
        raise CutError(f"unknown capacity {capacity!r} (use one of: {', '.join(CAPACITIES)})")
    sinks = set(sinks) & set(g.graph.nodes)
    sources = (set(sources) & set(g.graph.nodes)) - sinks
    if not sources:
        raise CutError("no source party in the log matches the selection")
    if not sinks:
        raise CutError("no sink party in the log matches the selection")
    links = g.party_links()
    net = _flow_network(links, sources, sinks, capacity)
    reached = nx.descendants(net, _SOURCE)
    reachable = {t for t in sinks if _holds(t) in reached}
    cut_edges: list[tuple[str, str]] = []
    value = 0
    if reachable:
        value, (side, _) = nx.minimum_cut(net, _SOURCE, _SINK)
        cut_edges = [
            net[a][b]["link"] for a in side if a != _SOURCE for b in net.successors(a)
            if b not in side and b != _SINK and "link" in net[a][b]
        ]
    rows = []
    for u, v in sorted(cut_edges):
        d = links[u][v]
        rows.append({"from": u, "to": v, "hand_overs": d.get("hand_overs", 0), "grants": d.get("grants", 0),
                     "searches": d.get("searches", 0)})
    return {
        "basis": g.basis,
        "flow": "grants and searches carry the grantor's own camera data one hop; hand-overs are transitive",
        "capacity": capacity,
        "capacity_note": "unit capacity per party link"
        if capacity == "link"
        else "capacity = hand-overs + grants + searches on the link",
        "cut_size": int(value),
        "sources": len(sources),
        "sinks": len(sinks),
        "reachable_sinks_before": len(reachable),
        "blocked_traffic": sum(r["hand_overs"] + r["grants"] + r["searches"] for r in rows),
        "links": rows,
    }
