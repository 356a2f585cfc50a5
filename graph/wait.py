"""Custody paths within a delay (``--max-wait``): time-respecting paths of one clip (``graph.paths``) whose
first hand-over comes within ``wait`` seconds of the recording and each later one within ``wait`` of the
hand-over before it (equal times allowed).

Counts are exact. Where no walk over the useful hand-overs can revisit a party (walks are then paths),
by dynamic programming over the time-ordered hand-overs, the state being the hand-over a walk arrived by
(arrivals at a party kept in time order with running sums, so the arrivals within ``wait`` before a
hand-over are summed in one subtraction). Elsewhere by dynamic programming over (party, visited set,
arrival time), bounded; past that bound, by a bounded search that says when it stopped.

>>> hs = [HandOver(1.0, "t1", "o", "a"), HandOver(5.0, "t2", "a", "x"), HandOver(2.0, "t3", "a", "x")]
>>> count_within(sorted(hs), "o", 0.0, "x", 3.0)
(1, True)
>>> [[h.event_id for h in p] for p in enumerate_within(sorted(hs), "o", 0.0, "x", 10.0, limit=5)]
[['t1', 't3'], ['t1', 't2']]
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence

from graph.custody import HandOver
from graph.paths import DEFAULT_BUDGET, _time_order, _walk_count
from graph.subsets import TooManyStates
from graph.walks import relax, search_paths, time_groups

__all__ = ["useful_within", "count_within", "enumerate_within", "through_within"]


def _any_in(sorted_times: list[float], lo: float, hi: float) -> bool:
    i = bisect_left(sorted_times, lo)
    return i < len(sorted_times) and sorted_times[i] <= hi


def useful_within(hs: Sequence[HandOver], owner: str, t0: float, target: str, wait: float, *,
                  first_wait: float | None = None) -> list[HandOver]:
    """Hand-overs (``hs`` sorted by time) on some walk from ``owner`` (holding the clip from ``t0``) into
    ``target`` whose every hand-over leaves within ``wait`` of the arrival before it (those leaving the owner
    within ``first_wait`` of ``t0``, by default ``wait``).

    >>> hs = [HandOver(1.0, "x", "o", "a"), HandOver(9.0, "y", "a", "t"), HandOver(2.0, "z", "a", "t")]
    >>> [h.event_id for h in useful_within(sorted(hs), "o", 0.0, "t", 2.0)]
    ['x', 'z']
    """
    first = wait if first_wait is None else first_wait
    arrivals: dict[str, list[float]] = {owner: [t0]}
    forward: set[str] = set()

    def reach(h: HandOver) -> bool:
        if h.event_id in forward or h.src == target or h.dst == owner or h.src == h.dst:
            return False
        arr = arrivals.get(h.src)
        if arr and _any_in(arr, h.t - (first if h.src == owner else wait), h.t):
            forward.add(h.event_id)
            arrivals.setdefault(h.dst, []).append(h.t)
            return True
        return False

    relax(time_groups(hs), reach)
    departures: dict[str, list[float]] = {}  # negated times, ascending (hand-overs are walked backwards)
    backward: set[str] = set()

    def lead(h: HandOver) -> bool:
        if h.event_id in backward or h.event_id not in forward:
            return False
        dep = departures.get(h.dst)
        if h.dst == target or (dep and _any_in(dep, -h.t - wait, -h.t)):
            backward.add(h.event_id)
            departures.setdefault(h.src, []).append(-h.t)
            return True
        return False

    relax(reversed(list(time_groups(hs))), lead)
    return [h for h in hs if h.event_id in backward]


def _forward(ordered: Sequence[HandOver], owner: str, t0: float, target: str, wait: float,
             first: float) -> list[int]:
    """Walks from the owner ending with each hand-over of ``ordered`` (time order, equal times topological)."""
    times: dict[str, list[float]] = {owner: [t0]}
    sums: dict[str, list[int]] = {owner: [0, 1]}  # running sums of the walks arriving, one longer
    out: list[int] = []
    for h in ordered:
        c = 0
        ts = times.get(h.src)
        if ts:
            cs = sums[h.src]
            c = cs[bisect_right(ts, h.t)] - cs[bisect_left(ts, h.t - (first if h.src == owner else wait))]
        out.append(c)
        if c and h.dst != target:
            times.setdefault(h.dst, []).append(h.t)
            run = sums.setdefault(h.dst, [0])
            run.append(run[-1] + c)
    return out


def _backward(ordered: Sequence[HandOver], target: str, wait: float) -> tuple[list[int], list[int]]:
    """Per hand-over: walks that start with it and end in ``target``, and the fewest hand-overs on them."""
    times: dict[str, list[float]] = {}  # negated departure times, ascending
    sums: dict[str, list[int]] = {}
    hops_of: dict[str, list[int]] = {}
    ways = [0] * len(ordered)
    hops = [0] * len(ordered)
    for i in range(len(ordered) - 1, -1, -1):
        h = ordered[i]
        if h.dst == target:
            g, m = 1, 1
        else:
            ts = times.get(h.dst)
            if not ts:
                continue
            lo, hi = bisect_left(ts, -h.t - wait), bisect_right(ts, -h.t)
            g = sums[h.dst][hi] - sums[h.dst][lo]
            if not g:
                continue
            m = 1 + min(hops_of[h.dst][lo:hi])
        ways[i], hops[i] = g, m
        times.setdefault(h.src, []).append(-h.t)
        run = sums.setdefault(h.src, [0])
        run.append(run[-1] + g)
        hops_of.setdefault(h.src, []).append(m)
    return ways, hops


def _ordered_if_paths(useful: Sequence[HandOver], owner: str, target: str) -> list[HandOver] | None:
    """``useful`` in time order (equal times topologically) when no walk over them, whatever the delays,
    can revisit a party (every walk within the delay is then a path); else None."""
    _, may_revisit = _walk_count(useful, owner, target)
    return None if may_revisit else _time_order(useful)


def _by_subsets(hs: Sequence[HandOver], owner: str, t0: float, target: str, wait: float,
                max_states: int = 200_000, first: float | None = None) -> int:
    """Paths by dynamic programming over (party, visited set) with the arrival times of each state kept in
    order (running sums), as ``graph.subsets`` does without a delay."""
    bit: dict[str, int] = {}
    for p in (owner, *(h.src for h in hs), *(h.dst for h in hs)):
        bit.setdefault(p, 1 << len(bit))
    first = wait if first is None else first
    states: dict[str, dict[int, tuple[list[float], list[int]]]] = defaultdict(dict)
    states[owner][bit[owner]] = ([t0], [0, 1])
    n_states, total = 1, 0
    for group in time_groups(hs):
        t = group[0].t
        made: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for h in group:  # round 0: every state that arrived within the delay before now
            vb = bit[h.dst]
            for mask, (ts, cs) in states.get(h.src, {}).items():
                if mask & vb:
                    continue
                ways = cs[bisect_right(ts, t)] - cs[bisect_left(ts, t - (first if h.src == owner else wait))]
                if not ways:
                    continue
                if h.dst == target:
                    total += ways
                else:
                    made[h.dst][mask | vb] += ways
        while made:  # later rounds: what the round before made, at this very time
            for p, masks in made.items():
                for mask, ways in masks.items():
                    if mask not in states[p]:
                        states[p][mask] = ([], [0])
                        n_states += 1
                    ts, cs = states[p][mask]
                    ts.append(t)
                    cs.append(cs[-1] + ways)
            if n_states > max_states:
                raise TooManyStates(n_states)
            frontier, made = made, defaultdict(lambda: defaultdict(int))
            for h in group:
                vb = bit[h.dst]
                for mask, ways in frontier.get(h.src, {}).items():
                    if mask & vb:
                        continue
                    if h.dst == target:
                        total += ways
                    else:
                        made[h.dst][mask | vb] += ways
    return total


def enumerate_within(
    hs: Sequence[HandOver], owner: str, t0: float, target: str, wait: float, *, limit: int,
    budget: int = DEFAULT_BUDGET, useful: list[HandOver] | None = None, first_wait: float | None = None,
) -> Iterator[list[HandOver]]:
    """Yield up to ``limit`` paths within the delay, in order of their hand-overs' (time, event id); lazy and
    bounded by ``budget`` steps. ``useful``: ``useful_within(...)`` if the caller has it already.

    >>> hs = [HandOver(1.0, "a", "o", "x"), HandOver(4.0, "b", "o", "x")]
    >>> [[h.event_id for h in p] for p in enumerate_within(hs, "o", 0.0, "x", 2.0, limit=5)]
    [['a']]
    """
    if owner == target or limit <= 0:
        return
    first = wait if first_wait is None else first_wait
    if useful is None:
        useful = useful_within(hs, owner, t0, target, wait, first_wait=first)
    yield from search_paths(useful, owner, t0, target, limit=limit, budget=budget, stopped=[], wait=wait,
                            first=first)


def count_within(
    hs: Sequence[HandOver], owner: str, t0: float, target: str, wait: float, budget: int = DEFAULT_BUDGET, *,
    useful: list[HandOver] | None = None, max_states: int = 200_000, first_wait: float | None = None,
) -> tuple[int, bool]:
    """Number of time-respecting simple paths from ``owner`` (at ``t0``) to ``target`` within the delay;
    ``(count, exact)`` (``exact`` is False only when the last-resort search stopped at ``budget`` steps:
    the count is then a lower bound). ``max_states``: the bound on the visited-set programme. ``first_wait``:
    the bound on the first hand-over (from ``t0``; by default ``wait``).

    >>> hs = [HandOver(1.0, "a", "o", "x"), HandOver(4.0, "b", "o", "x")]
    >>> count_within(hs, "o", 0.0, "x", 2.0), count_within(hs, "o", 0.0, "x", 4.0)
    ((1, True), (2, True))
    """
    if owner == target:
        return 0, True
    first = wait if first_wait is None else first_wait
    if useful is None:
        useful = useful_within(hs, owner, t0, target, wait, first_wait=first)
    if not useful:
        return 0, True
    ordered = _ordered_if_paths(useful, owner, target)
    if ordered is not None:
        counts = _forward(ordered, owner, t0, target, wait, first)
        return sum(c for h, c in zip(ordered, counts, strict=True) if h.dst == target), True
    try:
        return _by_subsets(useful, owner, t0, target, wait, max_states, first), True
    except TooManyStates:
        pass
    stopped: list[bool] = []
    found = sum(1 for _ in search_paths(useful, owner, t0, target, limit=budget, budget=budget,
                                              stopped=stopped, wait=wait, first=first))
    return found, not stopped


def through_within(
    useful: list[HandOver], owner: str, t0: float, target: str, wait: float, budget: int = DEFAULT_BUDGET, *,
    first_wait: float | None = None,
) -> tuple[dict[str, tuple[int, int]], int, bool]:
    """For each party on a path within the delay from ``owner`` into ``target``: ``(paths through it, fewest
    hand-overs from it to target)``; also how many paths were walked one by one and whether the answer is
    complete (``first_wait`` as :func:`count_within`). Exact by dynamic programming where no walk can revisit
    a party; elsewhere the paths are
    walked one by one, at most ``budget`` (then not complete: the counts are lower bounds).

    >>> hs = [HandOver(1.0, "t1", "o", "a"), HandOver(2.0, "t2", "a", "x"), HandOver(3.0, "t3", "o", "x")]
    >>> through_within(hs, "o", 0.0, "x", 5.0)
    ({'o': (2, 1), 'a': (1, 1)}, 0, True)
    """
    first = wait if first_wait is None else first_wait
    found: dict[str, list[int]] = {}

    def add(p: str, paths: int, hops: int) -> None:
        row = found.setdefault(p, [0, hops])
        row[0] += paths
        row[1] = min(row[1], hops)

    ordered = _ordered_if_paths(useful, owner, target) if useful else []
    walked, complete = 0, True
    if ordered is not None:
        fwd = _forward(ordered, owner, t0, target, wait, first)
        bwd, hops = _backward(ordered, target, wait)
        for h, f, b, m in zip(ordered, fwd, bwd, hops, strict=True):
            if f and b:
                if h.src == owner:
                    add(owner, f * b, m)
                if h.dst != target:
                    add(h.dst, f * b, m - 1)
    else:
        stopped: list[bool] = []
        n = max(budget, 0)
        for path in search_paths(useful, owner, t0, target, limit=n, budget=n, stopped=stopped, wait=wait, first=first):
            walked += 1
            for i, p in enumerate([owner, *(h.dst for h in path[:-1])]):
                add(p, 1, len(path) - i)
        complete = not stopped
    result = {owner: (found[owner][0], found[owner][1])} if owner in found else {}
    result.update((p, (n, m)) for p, (n, m) in found.items() if p != owner)
    return result, walked, complete
