"""``custodiet conduits``: parties ranked by how much they pass on.

For each party: the distinct clips it handed on, the distinct recipients it passed to (by hand-over or
grant), and the access grants it gave. Overall, every outgoing link counts. Towards a target (one party,
or every party of a kind such as ``federal``), only links into a party that has a path to the target (or
into the target itself) count, and ``clips`` is the number of clips that reached the target through the
party by a time-respecting path (:func:`graph.reach.clips_reaching`); ``direct`` counts links straight
into the target. Ranking: clips, then direct links into the target, then recipients, then grants (all
descending), then party id.

>>> g = CustodyGraph()
>>> g.add_recording("c1", "resident:r", 0.0)
>>> g.add_hand_over("t1", "c1", "resident:r", "agency:a-pd", 1.0)
>>> g.add_hand_over("t2", "c1", "agency:a-pd", "agency:fbi", 2.0)
>>> g.add_grant("g1", "agency:b-pd", "agency:a-pd", 0.0)
>>> g.add_grant("g2", "agency:b-pd", "agency:c-pd", 0.0)
>>> [(r["party"], r["clips"], r["recipients"], r["grants"]) for r in conduits(g)]
[('agency:a-pd', 1, 1, 0), ('resident:r', 1, 1, 0), ('agency:b-pd', 0, 2, 2)]
>>> [(r["party"], r["clips"], r["recipients"], r["direct"]) for r in conduits(g, to="agency:fbi")]
[('agency:a-pd', 1, 1, 1), ('resident:r', 1, 1, 0), ('agency:b-pd', 0, 1, 0)]
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from graph.custody import CustodyGraph
from graph.cut import select_parties
from graph.reach import clips_reaching
from graph.trace import TraceError

__all__ = ["conduits", "conduit_document", "targets_of", "upstream_of"]


def targets_of(g: CustodyGraph, to: str | None = None, to_kind: str | None = None) -> set[str]:
    """The target set: ``to`` (which must be in the graph) and/or every party of kind ``to_kind``.

    >>> g = CustodyGraph(); g.add_grant("g", "agency:a-pd", "agency:fbi", 0.0)
    >>> sorted(targets_of(g, to_kind="federal"))
    ['agency:fbi']
    """
    found: set[str] = set()
    if to is not None:
        if not g.has_party(to):
            raise TraceError(f"party {to!r} is not in the log")
        found.add(to)
    if to_kind is not None:
        found |= select_parties(g, kinds=[to_kind])
    return found


def upstream_of(g: CustodyGraph, targets: set[str]) -> set[str]:
    """Targets and every party with a path (over party links, time-blind) into one of them.

    >>> g = CustodyGraph(); g.add_grant("g", "agency:a-pd", "agency:fbi", 0.0)
    >>> g.add_grant("h", "x", "y", 0.0)
    >>> sorted(upstream_of(g, {"agency:fbi"}))
    ['agency:a-pd', 'agency:fbi']
    """
    seen = set(targets)
    stack = list(targets)
    pred = g.graph.pred
    while stack:
        v = stack.pop()
        for u in pred[v]:
            if u not in seen:
                seen.add(u)
                stack.append(u)
    return seen


def conduits(g: CustodyGraph, to: str | None = None, to_kind: str | None = None) -> list[dict[str, Any]]:
    """Rows ``{"party","clips","recipients","grants","hand_overs","direct"}`` ranked by what they pass on.

    With neither ``to`` nor ``to_kind``: overall. Target parties are not ranked as conduits into themselves.
    """
    towards = to is not None or to_kind is not None
    targets = targets_of(g, to, to_kind) if towards else set()
    allowed = upstream_of(g, targets) if towards else None
    clips: dict[str, set[str]] = defaultdict(set)
    recipients: dict[str, set[str]] = defaultdict(set)
    grants: dict[str, int] = defaultdict(int)
    hand_overs: dict[str, int] = defaultdict(int)
    direct: dict[str, int] = defaultdict(int)
    graph: nx.MultiDiGraph = g.graph
    for u, v, data in graph.edges(data=True):
        if u == v or (allowed is not None and (v not in allowed or u in targets)):
            continue
        recipients[u].add(v)
        if data.get("kind") == "grant":
            grants[u] += 1
        else:
            hand_overs[u] += 1
            if not towards and data.get("clip") is not None:
                clips[u].add(data["clip"])
        if v in targets:
            direct[u] += 1
    if towards:
        for target in sorted(targets):
            for c in clips_reaching(g, target):
                for p in [c["owner"], *c["intermediaries"]]:
                    if p not in targets:
                        clips[p].add(c["clip"])
    rows: list[dict[str, Any]] = [
        {
            "party": p,
            "clips": len(clips.get(p, ())),
            "recipients": len(recipients[p]),
            "grants": grants[p],
            "hand_overs": hand_overs[p],
            "direct": direct[p],
        }
        for p in recipients
    ]
    rows.sort(
        key=lambda r: (
            -int(r["clips"]),
            -int(r["direct"]),
            -int(r["recipients"]),
            -int(r["grants"]),
            r["party"],
        )
    )
    return rows


def conduit_document(
    g: CustodyGraph, to: str | None = None, to_kind: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The ``custodiet conduits --json`` document.

    >>> g = CustodyGraph(); g.add_grant("g", "agency:a-pd", "agency:fbi", 0.0)
    >>> conduit_document(g, to_kind="federal")["conduits"][0]["party"]
    'agency:a-pd'
    """
    rows = conduits(g, to, to_kind)
    targets = sorted(targets_of(g, to, to_kind)) if (to or to_kind) else []
    return {
        "to": to,
        "to_kind": to_kind,
        "targets": targets,
        "basis": "links into parties with a path to the target (time-blind); clips: time-respecting"
        if targets
        else "every outgoing link",
        "count": len(rows),
        "truncated": limit is not None and len(rows) > limit,
        "conduits": rows[:limit] if limit is not None else rows,
    }
