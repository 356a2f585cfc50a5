"""``custodiet reach``: which clips reached a party, by how many paths, through whom; and which parties
have any path into it (over hand-overs and access grants alike).

>>> g = CustodyGraph()
>>> g.add_recording("c", "resident:r", 0.0)
>>> g.add_hand_over("t1", "c", "resident:r", "agency:a-pd", 1.0)
>>> g.add_hand_over("t2", "c", "agency:a-pd", "agency:fbi", 2.0)
>>> g.add_grant("g1", "agency:b-pd", "agency:a-pd", 0.0)
>>> doc = reach(g, "agency:fbi")
>>> doc["clips"][0]["clip"], doc["clips"][0]["paths"], doc["conduits"][0]["party"]
('c', 1, 'agency:a-pd')
>>> [(p["party"], p["min_hops"], p["paths"]) for p in doc["parties"]]
[('agency:a-pd', 1, 1), ('agency:b-pd', 2, 1), ('resident:r', 2, 1)]
"""

from __future__ import annotations

from collections import Counter, deque
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from graph.custody import CustodyGraph
from graph.paths import DEFAULT_BUDGET, count_paths, useful_hand_overs
from graph.trace import TraceError

__all__ = ["reach", "clips_reaching", "parties_into", "DEFAULT_MAX_HOPS"]

DEFAULT_MAX_HOPS = 3


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def clips_reaching(g: CustodyGraph, to: str) -> list[dict[str, Any]]:
    """Clips with at least one time-respecting path into ``to``, with path counts and intermediaries."""
    candidates = sorted({d["clip"] for _, _, d in g.graph.in_edges(to, data=True) if d.get("clip") is not None})
    out = []
    for clip in candidates:
        origin = g.clips.get(clip)
        if origin is None:
            continue
        hs = g.clip_hand_overs(clip)
        useful = useful_hand_overs(hs, origin.owner, origin.t, to) if origin.owner != to else []
        n, exact = count_paths(hs, origin.owner, origin.t, to, useful=useful)
        if n == 0:
            continue
        via = sorted({h.src for h in useful} - {origin.owner, to})
        first = min(h.t for h in useful if h.dst == to)
        out.append({"clip": clip, "owner": origin.owner, "paths": n, "count_exact": exact,
                    "intermediaries": via, "first_reached": _iso(first)})
    return out


def parties_into(
    g: CustodyGraph, to: str, max_hops: int = DEFAULT_MAX_HOPS, budget: int = DEFAULT_BUDGET
) -> tuple[list[dict[str, Any]], bool]:
    """Every party with a path into ``to`` over party links (hand-overs and grants, time-blind):
    its fewest hops, and the number of simple paths of at most ``max_hops`` links. ``(rows, truncated)``."""
    links: nx.DiGraph = g.party_links()
    if to not in links:
        return [], False
    hops: dict[str, int] = {to: 0}
    queue = deque([to])
    while queue:
        v = queue.popleft()
        for u in links.predecessors(v):
            if u not in hops:
                hops[u] = hops[v] + 1
                queue.append(u)
    paths: Counter[str] = Counter()
    truncated = False
    steps = 0
    # Depth-first over reversed links from the target, each simple path of <= max_hops links once.
    stack: list[tuple[str, int, frozenset[str]]] = [(to, 0, frozenset([to]))]
    while stack:
        v, depth, seen = stack.pop()
        if depth >= max_hops:
            continue
        for u in links.predecessors(v):
            if u in seen:
                continue
            steps += 1
            if steps > budget:
                truncated = True
                stack.clear()
                break
            paths[u] += 1
            stack.append((u, depth + 1, seen | {u}))
    rows = [{"party": p, "min_hops": h, "paths": paths.get(p, 0)} for p, h in hops.items() if p != to]
    rows.sort(key=lambda r: (r["min_hops"], r["party"]))
    return rows, truncated


def conduits_from(clips: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Intermediaries ranked by how many clips they passed on towards the party."""
    counts: Counter[str] = Counter()
    for c in clips:
        counts.update(c["intermediaries"])
    return [{"party": p, "clips": n} for p, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def reach(g: CustodyGraph, to: str, max_hops: int = DEFAULT_MAX_HOPS) -> dict[str, Any]:
    """The reach document: clips that reached ``to``, path counts, conduits, and parties with a path in."""
    if not g.has_party(to):
        raise TraceError(f"party {to!r} is not in the log")
    clips = clips_reaching(g, to)
    parties, truncated = parties_into(g, to, max_hops=max_hops)
    return {
        "to": to,
        "clip_count": len(clips),
        "path_count": sum(c["paths"] for c in clips),
        "clips": clips,
        "conduits": conduits_from(clips),
        "parties": parties,
        "parties_basis": f"party links (hand-overs and access grants, time-blind); paths of at most {max_hops} links",
        "max_hops": max_hops,
        "parties_truncated": truncated,
    }
