"""``custodiet reach``: which clips reached a party, by how many paths, through whom; and which parties'
data reaches it, by the flow model (``schemas.flow``).

A party reaches ``X`` only by a time-respecting hand-over path of some clip into ``X`` (as its owner or
an intermediary), by a direct access grant to ``X`` (``X`` can search its own cameras), or by search
links into ``X`` (its network searched by ``X`` or for ``X``). Chains of grants carry nothing: a party
that grants access to a grantee of ``X``'s is not reached by ``X``. The old transitive closure over every
party link (onward exposure, assuming out-of-band re-sharing) is offered only on request
(``onward=True``), each party it adds marked ``"onward": true``.

>>> g = CustodyGraph()
>>> g.add_recording("c", "resident:r", 0.0)
>>> g.add_hand_over("t1", "c", "resident:r", "agency:a-pd", 1.0)
>>> g.add_hand_over("t2", "c", "agency:a-pd", "agency:fbi", 2.0)
>>> g.add_grant("g1", "agency:b-pd", "agency:a-pd", 0.0)
>>> g.add_grant("g2", "agency:c-pd", "agency:fbi", 0.0)
>>> doc = reach(g, "agency:fbi")
>>> doc["clips"][0]["clip"], doc["clips"][0]["paths"], doc["conduits"]
('c', 1, [{'party': 'agency:a-pd', 'clips': 1, 'own': 0}, {'party': 'resident:r', 'clips': 1, 'own': 1}])
>>> [(p["party"], p["min_hops"], p["paths"], p["by"]) for p in doc["parties"]]
[('agency:a-pd', 1, 1, ['hand-over']), ('agency:c-pd', 1, 1, ['grant']), ('resident:r', 2, 1, ['hand-over'])]
>>> [(p["party"], p["onward"]) for p in reach(g, "agency:fbi", onward=True)["parties"] if p.get("onward")]
[('agency:b-pd', True)]
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from graph.custody import ORIGIN_UNKNOWN_NOTE, UNKNOWN_ORIGIN, CustodyGraph
from graph.paths import (
    DEFAULT_BUDGET,
    count_paths,
    enumerate_paths,
    fewest_hops,
    paths_through,
    useful_hand_overs,
)
from graph.trace import TraceError
from graph.wait import count_within, through_within, useful_within
from schemas.flow import ONE_HOP

__all__ = [
    "reach",
    "clips_reaching",
    "parties_into",
    "onward_into",
    "one_hop_into",
    "reaching",
    "flow_links_into",
    "conduits_from",
    "clips_passed_on",
    "DEFAULT_MAX_HOPS",
    "PARTIES_BASIS",
]

DEFAULT_MAX_HOPS = 3
#: How many hand-over paths ``parties_into`` walks one by one, in all, to count paths per party where walks
#: could revisit a party (elsewhere the counts come by dynamic programming); past it, ``truncated``.
PATH_BUDGET = 20_000
#: What the ``parties`` list of a reach document counts.
PARTIES_BASIS = ("flow model: a time-respecting hand-over path of some clip, a direct access grant, or a "
                 "search by or for the party; chains of grants carry nothing")
_BY = {"grant": "grant", "search": "search"}


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _clip_routes(g: CustodyGraph, to: str, max_wait: float | None = None
                 ) -> Iterable[tuple[str, Any, list[Any], int, bool]]:
    """``(clip, origin, useful hand-overs, path count, exact)`` of every clip with a time-respecting path
    into ``to`` (with ``max_wait``, within that delay: ``graph.wait``)."""
    if to not in g.graph:
        return
    candidates = sorted({d["clip"] for _, _, d in g.graph.in_edges(to, data=True) if d.get("clip") is not None})
    for clip in candidates:
        start = g.custody_start(clip)
        if start is None:
            continue
        origin, hs = start
        if origin.owner == to or to in origin.senders:
            continue
        if max_wait is not None:  # no recording: the senders hold it from their first hand-over out
            first = None if origin.known else float("inf")
            useful = useful_within(hs, origin.owner, origin.t, to, max_wait, first_wait=first)
            n, exact = count_within(hs, origin.owner, origin.t, to, max_wait, useful=useful, first_wait=first)
        else:
            useful = useful_hand_overs(hs, origin.owner, origin.t, to)
            n, exact = count_paths(hs, origin.owner, origin.t, to, useful=useful)
        if n:
            yield clip, origin, useful, n, exact


def clips_reaching(g: CustodyGraph, to: str) -> list[dict[str, Any]]:
    """Clips with at least one time-respecting hand-over path into ``to``, with path counts and
    intermediaries.

    >>> g = CustodyGraph(); g.add_recording("c", "o", 0.0); g.add_hand_over("t", "c", "o", "x", 1.0)
    >>> [(c["clip"], c["paths"], c["intermediaries"]) for c in clips_reaching(g, "x")]
    [('c', 1, [])]
    """
    return _clip_rows(list(_clip_routes(g, to)), to)


def _clip_rows(routes: list[tuple[str, Any, list[Any], int, bool]], to: str) -> list[dict[str, Any]]:
    out = []
    for clip, origin, useful, n, exact in routes:
        # A clip with no recording counts from its sender (the first on a path in), origin unknown.
        owner = origin.owner if origin.known else min((h.t, h.dst) for h in useful if h.src == UNKNOWN_ORIGIN)[1]
        via = sorted({h.src for h in useful} - {origin.owner, owner, to})
        first = min(h.t for h in useful if h.dst == to)
        row = {"clip": clip, "owner": owner, "paths": n, "count_exact": exact, "intermediaries": via,
               "first_reached": _iso(first), "origin_known": origin.known}
        if not origin.known:
            row["origin"] = ORIGIN_UNKNOWN_NOTE
        out.append(row)
    return out


def one_hop_into(g: CustodyGraph, to: str) -> dict[str, Counter[str]]:
    """Parties with a one-hop link (access grant or search) into ``to``: party -> {kind: links}.

    >>> g = CustodyGraph(); g.add_grant("g", "a", "b", 0.0); g.add_grant("h", "z", "a", 0.0)
    >>> one_hop_into(g, "b")
    {'a': Counter({'grant': 1})}
    """
    found: dict[str, Counter[str]] = {}
    if to not in g.graph:
        return found
    for u, _, data in g.graph.in_edges(to, data=True):
        kind = data.get("kind")
        if u != to and kind in ONE_HOP:
            found.setdefault(u, Counter())[kind] += 1
    return found


def reaching(g: CustodyGraph, targets: Iterable[str]) -> dict[str, set[str]]:
    """Every party (not a target) whose data reaches one of ``targets`` by the flow model, with how:
    ``"hand-over"`` (owner or intermediary of a clip with a time-respecting path in), ``"grant"``,
    ``"search"``. Cheap (no path enumeration): what conduits, what-if and the pictures ask.

    >>> g = CustodyGraph(); g.add_grant("g", "a", "b", 0.0); g.add_grant("h", "z", "a", 0.0)
    >>> reaching(g, {"b"})
    {'a': {'grant'}}
    """
    targets = set(targets)
    found: dict[str, set[str]] = {}
    for t in sorted(targets):
        for clip in clips_reaching(g, t):
            for p in (clip["owner"], *clip["intermediaries"]):
                if p not in targets:
                    found.setdefault(p, set()).add("hand-over")
        for p, kinds in one_hop_into(g, t).items():
            if p not in targets:
                found.setdefault(p, set()).update(_BY[k] for k in kinds)
    return found


def flow_links_into(g: CustodyGraph, to: str) -> dict[tuple[str, str], Counter[str]]:
    """The party links that carry data into ``to`` by the flow model: hand-overs on a time-respecting path
    of some clip into ``to``, and one-hop grant and search links straight into ``to``.
    ``(from, to) -> {"hand_overs": n, "grants": n, "searches": n}``.

    >>> g = CustodyGraph(); g.add_grant("g", "a", "b", 0.0); g.add_grant("h", "z", "a", 0.0)
    >>> flow_links_into(g, "b")
    {('a', 'b'): Counter({'grants': 1})}
    """
    links: dict[tuple[str, str], Counter[str]] = {}
    for _, _, useful, _, _ in _clip_routes(g, to):
        for h in useful:
            if h.src != UNKNOWN_ORIGIN:  # the stand-in start of a clip with no recording is no link
                links.setdefault((h.src, h.dst), Counter())["hand_overs"] += 1
    for p, kinds in one_hop_into(g, to).items():
        c = links.setdefault((p, to), Counter())
        for k, n in kinds.items():
            c["grants" if k == "grant" else "searches"] += n
    return links


def parties_into(
    g: CustodyGraph, to: str, max_hops: int = DEFAULT_MAX_HOPS, budget: int = PATH_BUDGET
) -> tuple[list[dict[str, Any]], bool]:
    """Every party whose data reaches ``to`` by the flow model: ``{"party", "by", "min_hops", "paths",
    "clips", "links"}``; ``(rows, truncated)``.

    ``by``: how (``hand-over``, ``grant``, ``search``). ``paths``: time-respecting hand-over paths into
    ``to`` that pass through the party (as owner or intermediary), plus one per direct grant or search link;
    ``min_hops``: fewest links from the party to ``to`` on those. ``clips``: clips that reached ``to`` from
    or through it; ``links``: its direct grant and search links. ``truncated``: more than ``budget``
    hand-over paths, so the hand-over path counts are lower bounds. ``max_hops`` is not used (hand-over
    paths of any length count); it is kept for callers that pass it along to :func:`onward_into`.

    >>> g = CustodyGraph(); g.add_recording("c", "o", 0.0); g.add_hand_over("t", "c", "o", "x", 1.0)
    >>> g.add_grant("g", "a", "x", 0.0); g.add_grant("h", "z", "a", 0.0)
    >>> [(r["party"], r["by"], r["paths"]) for r in parties_into(g, "x")[0]]
    [('a', ['grant'], 1), ('o', ['hand-over'], 1)]
    """
    del max_hops
    return _party_rows(g, to, list(_clip_routes(g, to)) if to in g.graph else [], budget)


def _party_rows(
    g: CustodyGraph, to: str, routes: list[tuple[str, Any, list[Any], int, bool]], budget: int,
    max_wait: float | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    rows: dict[str, dict[str, Any]] = {}

    def row(p: str) -> dict[str, Any]:
        r = rows.get(p)
        if r is None:
            r = rows[p] = {"party": p, "by": set(), "min_hops": None, "paths": 0, "clips": set(), "links": 0}
        return r

    def add(p: str, clip: str, paths: int, hops: int) -> None:
        if p == UNKNOWN_ORIGIN:  # the stand-in start of a clip with no recording: its senders count
            return
        r = row(p)
        r["by"].add("hand-over")
        r["paths"] += paths
        r["clips"].add(clip)
        if r["min_hops"] is None or hops < r["min_hops"]:
            r["min_hops"] = hops

    truncated = False
    left = budget
    if to in g.graph:
        for clip, origin, useful, n, exact in routes:
            if max_wait is not None:  # within a delay (graph.wait): exact, or walked within the budget
                within, walked, complete = through_within(useful, origin.owner, origin.t, to, max_wait, max(left, 0),
                                                          first_wait=None if origin.known else float("inf"))
                for p, (paths, hops) in within.items():
                    add(p, clip, paths, hops)
                left -= walked
                truncated = truncated or not complete or not exact
                continue
            through = paths_through(useful, origin.owner, to) if exact else None
            if through is not None:  # exact, by dynamic programming
                for p, (paths, hops) in through.items():
                    add(p, clip, paths, hops)
                continue
            # Walks could revisit a party: who and how near is still exact; paths through each are walked
            # one by one within the budget (then ``truncated``: the counts are lower bounds).
            for p, hops in fewest_hops(useful, origin.owner, to).items():
                add(p, clip, 0, hops)
            seen = 0
            for path in enumerate_paths(g.clip_hand_overs(clip), origin.owner, origin.t, to,
                                        limit=max(left, 0), useful=useful):
                seen += 1
                chain = [origin.owner, *(h.dst for h in path[:-1])]
                for i, p in enumerate(chain):
                    add(p, clip, 1, len(path) - i)
            left -= seen
            if seen < n or not exact:
                truncated = True
        for p, kinds in one_hop_into(g, to).items():
            r = row(p)
            r["by"].update(_BY[k] for k in kinds)
            r["links"] += sum(kinds.values())
            r["paths"] += sum(kinds.values())
            r["min_hops"] = 1
    out = [dict(r, by=sorted(r["by"]), clips=len(r["clips"]), min_hops=r["min_hops"] or 1) for r in rows.values()]
    out.sort(key=lambda r: (r["min_hops"], r["party"]))
    return out, truncated


def onward_into(
    g: CustodyGraph, to: str, max_hops: int = DEFAULT_MAX_HOPS, budget: int = DEFAULT_BUDGET
) -> tuple[list[dict[str, Any]], bool]:
    """Onward exposure, an upper bound that assumes out-of-band re-sharing: every party with a path into
    ``to`` over party links of any kind (time-blind, grants chained), its fewest hops and the number of
    simple paths of at most ``max_hops`` links. ``(rows, truncated)``. Never a headline.

    >>> g = CustodyGraph(); g.add_grant("g", "a", "b", 0.0); g.add_grant("h", "z", "a", 0.0)
    >>> [(r["party"], r["min_hops"]) for r in onward_into(g, "b")[0]]
    [('a', 1), ('z', 2)]
    """
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


def clips_passed_on(clips: Iterable[dict[str, Any]], targets: Iterable[str] = ()) -> dict[str, set[str]]:
    """Per party (not one of ``targets``), the clips of ``clips`` (rows of :func:`clips_reaching`) it passed
    on towards the target, as their owner or an intermediary.

    >>> clips_passed_on([{"clip": "c", "owner": "o", "intermediaries": ["a"]}], ["x"])
    {'o': {'c'}, 'a': {'c'}}
    """
    skip = set(targets)
    passed: dict[str, set[str]] = {}
    for c in clips:
        for p in (c["owner"], *c["intermediaries"]):
            if p not in skip:
                passed.setdefault(p, set()).add(c["clip"])
    return passed


def conduits_from(clips: list[dict[str, Any]], targets: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Parties ranked by how many of ``clips`` (rows of :func:`clips_reaching`) they passed on towards the
    target (:func:`clips_passed_on`, as ``conduits --to`` counts them), and how many of those they own. A clip
    whose recording the log does not hold is counted from its sender, and is no one's own.

    >>> conduits_from([{"clip": "c", "owner": "o", "intermediaries": ["a", "b"]},
    ...                {"clip": "d", "owner": "b", "intermediaries": []},
    ...                {"clip": "e", "owner": "a", "intermediaries": [], "origin_known": False}])
    [{'party': 'a', 'clips': 2, 'own': 0}, {'party': 'b', 'clips': 2, 'own': 1}, {'party': 'o', 'clips': 1, 'own': 1}]
    """
    owners = Counter(c["owner"] for c in clips if c.get("origin_known", True))
    ranked = sorted(clips_passed_on(clips, targets).items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [{"party": p, "clips": len(ids), "own": owners[p]} for p, ids in ranked]


def reach(g: CustodyGraph, to: str, max_hops: int = DEFAULT_MAX_HOPS, *, onward: bool = False,
          named: bool = False, max_wait: float | None = None) -> dict[str, Any]:
    """The reach document: clips that reached ``to`` (time-respecting hand-over paths), path counts,
    conduits, and the parties whose data reaches it by the flow model (:func:`parties_into`). With
    ``onward``, the parties only onward exposure adds (:func:`onward_into`), each marked ``"onward": true``.
    ``basis`` says what the graph counts (``judged`` or ``attempts``). ``named``: the log names ``to``
    (the caller knows), so a party the graph does not hold is an answer of zero, not an error. ``max_wait``
    (seconds): only hand-over paths whose every hand-over leaves within that time of the arrival before it
    (the first within that time of the recording); grants and searches are one link and count as they are;
    the document says ``max_wait_seconds``.

    >>> g = CustodyGraph(); g.add_grant("g", "a", "x", 0.0); g.add_grant("h", "z", "a", 0.0)
    >>> doc = reach(g, "x", onward=True)
    >>> doc["basis"], doc["party_count"], [(r["party"], r.get("onward", False)) for r in doc["parties"]]
    ('judged', 1, [('a', False), ('z', True)])
    """
    if not g.has_party(to) and not named:
        raise TraceError(g.absent("party", to))
    routes = list(_clip_routes(g, to, max_wait))
    clips = _clip_rows(routes, to)
    parties, truncated = _party_rows(g, to, routes, PATH_BUDGET, max_wait)
    doc: dict[str, Any] = {
        "to": to,
        "basis": g.basis,
        "clip_count": len(clips),
        "path_count": sum(c["paths"] for c in clips),
        "clips": clips,
        "conduits": conduits_from(clips, [to]),
        "party_count": len(parties),
        "parties": parties,
        "parties_basis": PARTIES_BASIS,
        "max_hops": max_hops,
        "parties_truncated": truncated,
    }
    if max_wait is not None:
        doc["max_wait_seconds"] = max_wait
    if g.as_of is not None:  # built as of a date (graph.asof): say so, and the grants uncertain then
        doc.update(g.as_of.fields(to))
    if onward:
        known = {r["party"] for r in parties}
        extra, onward_truncated = onward_into(g, to, max_hops=max_hops)
        added = [dict(r, by=["onward"], clips=0, links=0, onward=True) for r in extra if r["party"] not in known]
        doc["parties"] = parties + added
        doc["onward_count"] = len(added)
        doc["onward_basis"] = (f"onward exposure (upper bound, assumes out-of-band re-sharing): any path of party "
                               f"links, grants chained, time-blind; paths of at most {max_hops} links")
        doc["onward_truncated"] = onward_truncated
    return doc
