"""Time-respecting custody paths of one clip.

A path is a sequence of hand-overs of the clip, starting with its owner at recording time, each leaving
the party the previous one reached at a time no earlier than that arrival (equal times allowed), and
visiting no party twice. Paths are counted without enumerating them (dynamic programming over the
time-ordered hand-overs) and enumerated lazily, in order, up to an explicit limit.

>>> hs = [HandOver(2.0, "t1", "o", "a"), HandOver(3.0, "t2", "a", "b"), HandOver(1.0, "t0", "a", "b"),
...       HandOver(3.0, "t3", "o", "b")]
>>> count_paths(sorted(hs), "o", 0.0, "b")
(2, True)
>>> [[h.event_id for h in p] for p in enumerate_paths(sorted(hs), "o", 0.0, "b", limit=10)]
[['t1', 't2'], ['t3']]
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Sequence

from graph.custody import HandOver
from graph.subsets import TooManyStates, count_by_subsets
from graph.walks import relax, search_paths, time_groups

__all__ = ["useful_hand_overs", "count_paths", "enumerate_paths", "count_static_paths", "paths_through", "fewest_hops",
           "DEFAULT_BUDGET"]

#: Work bound (steps) for the exact fallback counts and for enumeration: never hang.
DEFAULT_BUDGET = 2_000_000


class _OverBudget(Exception):
    pass


def useful_hand_overs(hs: Sequence[HandOver], owner: str, t0: float, target: str) -> list[HandOver]:
    """Hand-overs (sorted by time) that lie on some time-respecting walk from ``owner`` to ``target``.

    >>> useful_hand_overs([HandOver(1.0, "x", "o", "a"), HandOver(2.0, "y", "b", "a")], "o", 0.0, "a")
    [HandOver(t=1.0, event_id='x', src='o', dst='a')]
    """
    arrival: dict[str, float] = {owner: t0}
    forward: set[str] = set()

    def reach(h: HandOver) -> bool:
        if h.event_id in forward or h.src == target:  # a path ends at the target: nothing leaves it
            return False
        a = arrival.get(h.src)
        if a is not None and a <= h.t:
            forward.add(h.event_id)
            if h.dst not in arrival:
                arrival[h.dst] = h.t
                return True
        return False

    relax(time_groups(hs), reach)
    departure: dict[str, float] = {target: float("inf")}
    backward: set[str] = set()

    def lead(h: HandOver) -> bool:
        if h.event_id in backward:
            return False
        d = departure.get(h.dst)
        if d is not None and h.t <= d:
            backward.add(h.event_id)
            if h.src not in departure or departure[h.src] < h.t:
                departure[h.src] = h.t
                return True
        return False

    relax(reversed(list(time_groups(hs))), lead)
    return [
        h for h in hs
        if h.event_id in forward and h.event_id in backward
        and h.src != target and h.dst != owner and h.src != h.dst
    ]


def _topo_order(group: Sequence[HandOver]) -> list[HandOver] | None:
    """Order equal-time hand-overs so that those into a party come before those out of it; None if cyclic."""
    if len(group) == 1:
        return list(group)
    into: dict[str, int] = defaultdict(int)
    for h in group:
        into[h.src] += 0
        into[h.dst] += 1
    out: dict[str, list[HandOver]] = defaultdict(list)
    for h in group:
        out[h.src].append(h)
    ready = sorted(p for p, n in into.items() if n == 0)
    order: list[HandOver] = []
    while ready:
        p = ready.pop()
        for h in out[p]:
            order.append(h)
            into[h.dst] -= 1
            if into[h.dst] == 0:
                ready.append(h.dst)
    return order if len(order) == len(group) else None


def _walk_count(useful: Sequence[HandOver], owner: str, target: str) -> tuple[int, bool]:
    """Count time-respecting walks; also say whether any walk could revisit a party."""
    bit: dict[str, int] = {}

    def b(p: str) -> int:
        if p not in bit:
            bit[p] = 1 << len(bit)
        return bit[p]

    count: dict[str, int] = defaultdict(int)
    seen: dict[str, int] = defaultdict(int)  # parties visited by some walk arriving at a party
    count[owner] = 1
    seen[owner] = b(owner)
    total = 0
    for group in time_groups(useful):
        order = _topo_order(group)
        if order is None:
            return 0, True
        for h in order:
            c = count[h.src]
            if c == 0:
                continue
            if seen[h.src] & b(h.dst):
                return 0, True
            count[h.dst] += c
            seen[h.dst] |= seen[h.src] | b(h.dst)
            if h.dst == target:
                total += c
    return total, False


def _time_order(useful: Sequence[HandOver]) -> list[HandOver] | None:
    ordered: list[HandOver] = []
    for group in time_groups(useful):
        order = _topo_order(group)
        if order is None:
            return None
        ordered.extend(order)
    return ordered


def fewest_hops(useful: Sequence[HandOver], owner: str, target: str) -> dict[str, int]:
    """For each party on a time-respecting path from ``owner`` into ``target``, the fewest hand-overs from it
    (once it holds the clip) to ``target``. Exact even where walks could revisit a party (a shortest walk
    never does).

    >>> hs = [HandOver(1.0, "t1", "o", "a"), HandOver(2.0, "t2", "a", "x"), HandOver(3.0, "t3", "o", "x")]
    >>> fewest_hops(hs, "o", "x")
    {'a': 1, 'o': 1}
    """
    later: dict[str, int] = {target: 0}  # fewest hops from a party, from the time being on
    found: dict[str, int] = {}
    for group in reversed(list(time_groups(useful))):
        changed = True
        while changed:  # equal times chain: relax the group until nothing changes
            changed = False
            for h in group:
                hops = later.get(h.dst)
                if hops is not None and hops + 1 < later.get(h.src, 1 << 30):
                    later[h.src] = hops + 1
                    changed = True
        for h in group:
            hops = later.get(h.dst)
            if hops is not None and h.dst != target and hops < found.get(h.dst, 1 << 30):
                found[h.dst] = hops
    if owner in later:
        found[owner] = later[owner]
    return found


def paths_through(useful: Sequence[HandOver], owner: str, target: str) -> dict[str, tuple[int, int]] | None:
    """For each party on a time-respecting path from ``owner`` into ``target``: ``(paths through it, fewest
    hand-overs from it to target)``, by dynamic programming over the time-ordered ``useful`` hand-overs
    (``useful_hand_overs``). Exact when no walk can revisit a party (walks are then paths); None otherwise
    (the caller enumerates instead).

    >>> hs = [HandOver(1.0, "t1", "o", "a"), HandOver(2.0, "t2", "a", "x"), HandOver(3.0, "t3", "o", "x")]
    >>> paths_through(hs, "o", "x")
    {'o': (2, 1), 'a': (1, 1)}
    """
    walks, may_revisit = _walk_count(useful, owner, target)
    ordered = None if may_revisit else _time_order(useful)
    if ordered is None:
        return None
    arriving: dict[str, int] = defaultdict(int)  # walks from the owner now at a party
    arriving[owner] = 1
    before: list[int] = []
    for h in ordered:
        c = arriving[h.src]
        before.append(c)
        arriving[h.dst] += c
    onward: dict[str, int] = defaultdict(int)  # walks from a party (from now on) into the target
    onward[target] = 1
    fewest: dict[str, int] = {target: 0}
    out: dict[str, list[int]] = {}
    for h, c in zip(reversed(ordered), reversed(before), strict=True):
        g = onward[h.dst]
        hops = fewest.get(h.dst)
        onward[h.src] += g
        if hops is not None and (h.src not in fewest or hops + 1 < fewest[h.src]):
            fewest[h.src] = hops + 1
        if h.dst != target and c and g and hops is not None:
            row = out.setdefault(h.dst, [0, hops])
            row[0] += c * g
            row[1] = min(row[1], hops)
    result = {owner: (walks, fewest.get(owner, 0))} if walks else {}
    result.update((p, (n, m)) for p, (n, m) in out.items() if n)
    return result


def _exact_count(useful: Sequence[HandOver], owner: str, t0: float, target: str, budget: int) -> int:
    out: dict[str, list[HandOver]] = defaultdict(list)
    for h in useful:
        out[h.src].append(h)
    times = {p: [h.t for h in hs] for p, hs in out.items()}
    bit = {p: 1 << i for i, p in enumerate({owner} | {h.dst for h in useful} | set(out))}
    memo: dict[tuple[str, int, int], int] = {}
    steps = 0

    def completions(v: str, pos: int, mask: int) -> int:
        nonlocal steps
        key = (v, pos, mask)
        if key in memo:
            return memo[key]
        total = 0
        for h in out.get(v, ())[pos:]:
            steps += 1
            if steps > budget:
                raise _OverBudget
            if mask & bit[h.dst]:
                continue
            if h.dst == target:
                total += 1
            else:
                total += completions(h.dst, bisect_left(times.get(h.dst, []), h.t), mask | bit[h.dst])
        memo[key] = total
        return total

    return completions(owner, bisect_left(times.get(owner, []), t0), bit[owner])


def count_paths(
    hs: Sequence[HandOver], owner: str, t0: float, target: str, budget: int = DEFAULT_BUDGET, *,
    useful: list[HandOver] | None = None,
) -> tuple[int, bool]:
    """Number of time-respecting simple paths from ``owner`` (at ``t0``) to ``target``; ``(count, exact)``.

    Exact by dynamic programming when no walk can revisit a party; otherwise by a memoised search bounded
    by ``budget`` steps (``exact`` is False only if that bound was hit; the count is then a lower bound).
    ``useful``: ``useful_hand_overs(hs, owner, t0, target)`` if the caller has it already.
    """
    if owner == target:
        return 0, True
    if useful is None:
        useful = useful_hand_overs(hs, owner, t0, target)
    if not useful:
        return 0, True
    walks, may_revisit = _walk_count(useful, owner, target)
    if not may_revisit:
        return walks, True
    try:
        return count_by_subsets(useful, owner, t0, target), True
    except TooManyStates:
        pass
    try:
        return _exact_count(useful, owner, t0, target, budget), True
    except _OverBudget:
        found = sum(1 for _ in enumerate_paths(hs, owner, t0, target, limit=budget, budget=budget, useful=useful))
        return found, False


def enumerate_paths(
    hs: Sequence[HandOver], owner: str, t0: float, target: str, *, limit: int, budget: int = DEFAULT_BUDGET,
    useful: list[HandOver] | None = None,
) -> Iterator[list[HandOver]]:
    """Yield up to ``limit`` paths, in order of their hand-overs' (time, event id); lazy and bounded.

    ``useful``: ``useful_hand_overs(hs, owner, t0, target)`` if the caller has it already.
    """
    if owner == target or limit <= 0:
        return
    if useful is None:
        useful = useful_hand_overs(hs, owner, t0, target)
    yield from search_paths(useful, owner, t0, target, limit=limit, budget=budget, stopped=[])


def _dag_count(out: dict[str, list[str]], owner: str, target: str) -> int | None:
    """Paths by dynamic programming when the links form a DAG (parallel links multiply); else None."""
    indeg: dict[str, int] = defaultdict(int)
    for v, ws in out.items():
        indeg[v] += 0
        for w in ws:
            indeg[w] += 1
    ready = [v for v, n in indeg.items() if n == 0]
    order: list[str] = []
    while ready:
        v = ready.pop()
        order.append(v)
        for w in out.get(v, ()):
            indeg[w] -= 1
            if indeg[w] == 0:
                ready.append(w)
    if len(order) != len(indeg):
        return None
    ways: dict[str, int] = defaultdict(int)
    ways[owner] = 1
    for v in order:
        if ways[v] and v != target:
            for w in out.get(v, ()):
                ways[w] += ways[v]
    return ways[target]


def count_static_paths(
    hs: Sequence[HandOver], owner: str, target: str, budget: int = DEFAULT_BUDGET
) -> tuple[int | None, bool]:
    """Time-blind count: simple paths from ``owner`` to ``target`` over the clip's hand-overs, ignoring
    time (parallel hand-overs count separately). Overstates exposure; shown beside the temporal count.

    ``(count, True)``, or ``(None, False)`` when the search stopped at ``budget`` steps: then nothing is
    known about the count (it is not 0), and callers say so.

    >>> count_static_paths([HandOver(2.0, "a", "o", "x"), HandOver(1.0, "b", "x", "y")], "o", "y")
    (1, True)
    >>> ring = [HandOver(1.0, f"{a}{b}", a, b) for a in "oxyzw" for b in "xyzwt" if a != b]
    >>> count_static_paths(ring, "o", "t", budget=10)
    (None, False)
    """
    if owner == target:
        return 0, True
    out: dict[str, list[str]] = defaultdict(list)
    for h in hs:
        if h.src != h.dst and h.dst != owner and h.src != target:
            out[h.src].append(h.dst)
    dag = _dag_count(out, owner, target)
    if dag is not None:
        return dag, True
    bit = {p: 1 << i for i, p in enumerate({owner} | set(out) | {h.dst for h in hs})}
    memo: dict[tuple[str, int], int] = {}
    steps = 0

    def go(v: str, mask: int) -> int:
        nonlocal steps
        key = (v, mask)
        if key in memo:
            return memo[key]
        total = 0
        for w in out.get(v, ()):
            steps += 1
            if steps > budget:
                raise _OverBudget
            if mask & bit[w]:
                continue
            total += 1 if w == target else go(w, mask | bit[w])
        memo[key] = total
        return total

    try:
        return go(owner, bit[owner]), True
    except (_OverBudget, RecursionError):
        return None, False
