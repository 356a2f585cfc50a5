"""The pieces every walk over one clip's hand-overs uses, with or without a delay bound (``graph.paths``,
``graph.wait``): hand-overs grouped by time, a group relaxed until nothing changes, and the lazy depth-first
search of simple time-respecting paths.

>>> hs = [HandOver(1.0, "t1", "o", "a"), HandOver(1.0, "t2", "a", "x"), HandOver(5.0, "t3", "o", "x")]
>>> [[h.event_id for h in g] for g in time_groups(hs)]
[['t1', 't2'], ['t3']]
>>> [[h.event_id for h in p] for p in search_paths(hs, "o", 0.0, "x", limit=9, budget=99, stopped=[])]
[['t1', 't2'], ['t3']]
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

from graph.custody import HandOver

__all__ = ["time_groups", "relax", "search_paths"]


def time_groups(hs: Sequence[HandOver]) -> Iterator[Sequence[HandOver]]:
    """The runs of equal times in ``hs`` (sorted by time).

    >>> [len(g) for g in time_groups([HandOver(1.0, "a", "o", "x"), HandOver(1.0, "b", "x", "y")])]
    [2]
    """
    i, n = 0, len(hs)
    while i < n:
        j = i + 1
        while j < n and hs[j].t == hs[i].t:
            j += 1
        yield hs[i:j]
        i = j


def relax(groups: Iterable[Sequence[HandOver]], step: Callable[[HandOver], bool]) -> None:
    """Apply ``step`` to each group's hand-overs until it reports no change (equal times chain).

    >>> held = {"o"}
    >>> relax([[HandOver(1.0, "b", "a", "x"), HandOver(1.0, "a", "o", "a")]],
    ...       lambda h: h.src in held and h.dst not in held and not held.add(h.dst))
    >>> sorted(held)
    ['a', 'o', 'x']
    """
    for group in groups:
        changed = True
        while changed:
            changed = False
            for h in group:
                changed = step(h) or changed


def search_paths(useful: Sequence[HandOver], owner: str, t0: float, target: str, *, limit: int, budget: int,
                 stopped: list[bool], wait: float = float("inf"),
                 first: float = float("inf")) -> Iterator[list[HandOver]]:
    """Simple paths over ``useful`` in order, each hand-over within ``wait`` of the one before (``first`` of
    ``t0``; no bound by default); True appended to ``stopped`` when ``limit`` or ``budget`` cut it short.

    >>> hs, stopped = [HandOver(1.0, "a", "o", "x"), HandOver(4.0, "b", "o", "x")], []
    >>> [p[0].event_id for p in search_paths(hs, "o", 0.0, "x", limit=9, budget=99, stopped=stopped, first=2.0)]
    ['a']
    >>> stopped
    []
    """
    out: dict[str, list[HandOver]] = defaultdict(list)
    for h in useful:
        out[h.src].append(h)
    times = {p: [h.t for h in lst] for p, lst in out.items()}
    # Explicit stack (no recursion limit): [party, next index into its out-list, latest time to leave].
    stack: list[list] = [[owner, bisect_left(times.get(owner, []), t0), t0 + first]]
    path: list[HandOver] = []
    visited = {owner}
    yielded = steps = 0
    while stack:
        top = stack[-1]
        party, idx, until = top
        edges = out.get(party, [])
        if idx >= len(edges) or edges[idx].t > until:
            stack.pop()
            if path:
                visited.discard(path.pop().dst)
            continue
        top[1] = idx + 1
        steps += 1
        if steps > budget:
            stopped.append(True)
            return
        h = edges[idx]
        if h.dst in visited:
            continue
        if h.dst == target:
            yield [*path, h]
            yielded += 1
            if yielded >= limit:
                stopped.append(True)
                return
            continue
        path.append(h)
        visited.add(h.dst)
        stack.append([h.dst, bisect_left(times.get(h.dst, []), h.t), h.t + wait])
