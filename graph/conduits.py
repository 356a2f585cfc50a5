"""``custodiet conduits``: parties ranked by how much they pass on.

For each party: the distinct clips it handed on, the distinct recipients it passed to (by hand-over,
grant or search link), and the access grants it gave. Overall, every outgoing link counts. Towards a
target (one party, or every party of a kind such as ``federal``), only links that carry data to the
target by the flow model (``schemas.flow``) count: hand-overs into the target or into a party that passes
clips on to it, and grant or search links straight into the target (a grant to anyone else carries
nothing onward). ``clips`` is the number of clips that reached the target by a time-respecting path and
that the party passed on, as their owner or an intermediary (:func:`graph.reach.clips_passed_on`, what
``reach`` counts as its conduits); ``direct`` counts links straight into the
target. Ranking: clips, then direct links into the target, then recipients, then grants (all descending),
then party id.

>>> g = CustodyGraph()
>>> g.add_recording("c1", "resident:r", 0.0)
>>> g.add_hand_over("t1", "c1", "resident:r", "agency:a-pd", 1.0)
>>> g.add_hand_over("t2", "c1", "agency:a-pd", "agency:fbi", 2.0)
>>> g.add_grant("g1", "agency:b-pd", "agency:a-pd", 0.0)
>>> g.add_grant("g2", "agency:b-pd", "agency:c-pd", 0.0)
>>> [(r["party"], r["clips"], r["recipients"], r["grants"]) for r in conduits(g)]
[('agency:a-pd', 1, 1, 0), ('resident:r', 1, 1, 0), ('agency:b-pd', 0, 2, 2)]
>>> [(r["party"], r["clips"], r["recipients"], r["direct"]) for r in conduits(g, to="agency:fbi")]
[('agency:a-pd', 1, 1, 1), ('resident:r', 1, 1, 0)]
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from graph.custody import CustodyGraph
from graph.cut import select_parties
from graph.reach import clips_passed_on, clips_reaching, flow_links_into, reaching
from graph.trace import TraceError

__all__ = ["conduits", "conduit_document", "targets_of", "upstream_of"]


def targets_of(g: CustodyGraph, to: str | None = None, to_kind: str | None = None, *, named: bool = False) -> set[str]:
    """The target set: ``to`` (which must be in the graph, unless ``named``: the log names it, the caller knows)
    and/or every party of kind ``to_kind``.

    >>> g = CustodyGraph(); g.add_grant("g", "agency:a-pd", "agency:fbi", 0.0)
    >>> sorted(targets_of(g, to_kind="federal"))
    ['agency:fbi']
    """
    found: set[str] = set()
    if to is not None:
        if not g.has_party(to) and not named:
            raise TraceError(g.absent("party", to))
        found.add(to)
    if to_kind is not None:
        found |= select_parties(g, kinds=[to_kind])
    return found


def upstream_of(g: CustodyGraph, targets: set[str]) -> set[str]:
    """Targets and every party whose data reaches one of them by the flow model (``graph.reach.reaching``).

    >>> g = CustodyGraph(); g.add_grant("g", "agency:a-pd", "agency:fbi", 0.0)
    >>> g.add_grant("h", "x", "agency:a-pd", 0.0)
    >>> sorted(upstream_of(g, {"agency:fbi"}))
    ['agency:a-pd', 'agency:fbi']
    """
    return set(targets) | set(reaching(g, targets))


def _carriers(g: CustodyGraph, targets: set[str]) -> set[tuple[str, str, str]]:
    """``(from, to, kind)`` of the links that carry data into ``targets`` by the flow model."""
    found: set[tuple[str, str, str]] = set()
    for t in targets:
        for (u, v), c in flow_links_into(g, t).items():
            for kind, name in (("transfer", "hand_overs"), ("grant", "grants"), ("search", "searches")):
                if c.get(name):
                    found.add((u, v, kind))
    return found


def conduits(g: CustodyGraph, to: str | None = None, to_kind: str | None = None, *,
             named: bool = False) -> list[dict[str, Any]]:
    """Rows ``{"party","clips","recipients","grants","hand_overs","direct"}`` ranked by what they pass on
    (``hand_overs`` and ``grants`` count links; search links count as recipients only).

    With neither ``to`` nor ``to_kind``: overall. Target parties are not ranked as conduits into themselves.
    """
    towards = to is not None or to_kind is not None
    targets = targets_of(g, to, to_kind, named=named) if towards else set()
    carriers = _carriers(g, targets) if towards else None
    clips: dict[str, set[str]] = defaultdict(set)
    recipients: dict[str, set[str]] = defaultdict(set)
    grants: dict[str, int] = defaultdict(int)
    hand_overs: dict[str, int] = defaultdict(int)
    direct: dict[str, int] = defaultdict(int)
    graph: nx.MultiDiGraph = g.graph
    for u, v, data in graph.edges(data=True):
        kind = data.get("kind") or "transfer"
        if u == v or (carriers is not None and ((u, v, kind) not in carriers or u in targets)):
            continue
        recipients[u].add(v)
        if kind == "grant":
            grants[u] += 1
        elif kind == "transfer":
            hand_overs[u] += 1
            if not towards and data.get("clip") is not None:
                clips[u].add(data["clip"])
        if v in targets:
            direct[u] += 1
    if towards:  # the clips each passed on towards the target, as ``reach`` counts them
        reached = [c for target in sorted(targets) for c in clips_reaching(g, target)]
        for p, passed in clips_passed_on(reached, targets).items():
            clips[p] |= passed
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
    g: CustodyGraph, to: str | None = None, to_kind: str | None = None, limit: int | None = None, *,
    named: bool = False,
) -> dict[str, Any]:
    """The ``custodiet conduits --json`` document (``named``: as for :func:`targets_of`).

    >>> g = CustodyGraph(); g.add_grant("g", "agency:a-pd", "agency:fbi", 0.0)
    >>> conduit_document(g, to_kind="federal")["conduits"][0]["party"]
    'agency:a-pd'
    """
    rows = conduits(g, to, to_kind, named=named)
    targets = sorted(targets_of(g, to, to_kind, named=named)) if (to or to_kind) else []
    return {
        "to": to,
        "to_kind": to_kind,
        "targets": targets,
        "basis": g.basis,
        "links_basis": "links that carry data to the target by the flow model (hand-overs on time-respecting "
        "paths, grants and searches straight into it); clips: time-respecting"
        if targets
        else "every outgoing link",
        "count": len(rows),
        "truncated": limit is not None and len(rows) > limit,
        "conduits": rows[:limit] if limit is not None else rows,
    }
