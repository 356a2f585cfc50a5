"""Path explosion: adversarial custody graphs. ``trace`` and ``reach`` must return in bounded time and
memory, with exact counts where they can be worked out by hand and a truncated sample of ``limit`` paths.

Time is guarded by each test's own ``pytest.mark.timeout`` (generous, never a timed assertion); memory by
the tracemalloc peak of the query.
"""

from __future__ import annotations

import math
import random
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from graph.custody import CustodyGraph
from graph.reach import reach
from graph.trace import trace

LIMIT = 50
MB = 1 << 20


def measured(fn: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``fn`` under tracemalloc; return its result and the peak of newly allocated bytes."""
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def layered(width: int, depth: int, parallel: int) -> tuple[CustodyGraph, str, int]:
    """owner -> ``depth`` layers of ``width`` parties -> target, every link ``parallel`` times, each layer's
    hand-overs later than the one before: every combination is a time-respecting path."""
    g = CustodyGraph()
    g.add_recording("clip", "resident:owner", 0.0)
    layers = [["resident:owner"], *([f"agency:l{i}-{j}" for j in range(width)] for i in range(depth)),
              ["agency:ice-hsi"]]
    n = 0
    for i in range(len(layers) - 1):
        for a in layers[i]:
            for b in layers[i + 1]:
                for k in range(parallel):
                    n += 1
                    g.add_hand_over(f"h{n}", "clip", a, b, float(100 * (i + 1) + k))
    return g, "agency:ice-hsi", n


@pytest.mark.timeout(120)
def test_dense_layered_graph_30_parties_thousands_of_hand_overs() -> None:
    g, target, n = layered(width=7, depth=4, parallel=20)
    assert g.graph.number_of_nodes() == 30 and n > 3000
    expected = math.prod([7 * 20] * 4) * 20  # a choice of party and of hand-over at every layer
    doc, peak = measured(lambda: trace(g, "clip", target, limit=LIMIT))
    assert doc["count"] == expected == 7_683_200_000
    assert doc["count_exact"] is True and doc["truncated"] is True
    assert len(doc["paths"]) == LIMIT
    assert all(len(p["parties"]) == 6 and len(set(p["parties"])) == 6 for p in doc["paths"])
    assert doc["static"]["count"] == expected  # a DAG whose times all increase: time-blind is the same here
    assert peak < 20 * MB, peak
    rdoc, peak = measured(lambda: reach(g, target))
    assert rdoc["clip_count"] == 1 and rdoc["path_count"] == expected
    assert rdoc["clips"][0]["count_exact"] is True and len(rdoc["clips"][0]["intermediaries"]) == 28
    assert peak < 50 * MB, peak


@pytest.mark.timeout(120)
def test_long_chain_of_10000_hops() -> None:
    g = CustodyGraph()
    g.add_recording("clip", "p0", 0.0)
    for i in range(10_000):
        g.add_hand_over(f"h{i}", "clip", f"p{i}", f"p{i + 1}", float(i + 1))
    doc, peak = measured(lambda: trace(g, "clip", "p10000", limit=LIMIT))
    assert (doc["count"], doc["count_exact"], doc["truncated"]) == (1, True, False)
    assert len(doc["paths"]) == 1 and len(doc["paths"][0]["parties"]) == 10_001
    assert peak < 100 * MB, peak
    rdoc, _ = measured(lambda: reach(g, "p10000"))
    assert (rdoc["clip_count"], rdoc["path_count"]) == (1, 1)
    # The same chain with times running backwards: no time-respecting path beyond the first hop.
    back = CustodyGraph()
    back.add_recording("clip", "p0", 0.0)
    for i in range(10_000):
        back.add_hand_over(f"h{i}", "clip", f"p{i}", f"p{i + 1}", float(10_000 - i))
    bdoc = trace(back, "clip", "p10000", limit=LIMIT)
    assert (bdoc["count"], bdoc["truncated"], bdoc["paths"]) == (0, False, [])
    assert bdoc["static"]["count"] == 1


def complete(n: int, parallel: int, times: Callable[[], float]) -> CustodyGraph:
    g = CustodyGraph()
    parties = [f"agency:p{i}" for i in range(n)]
    g.add_recording("clip", parties[0], 0.0)
    k = 0
    for a in parties:
        for b in parties:
            if a != b:
                for _ in range(parallel):
                    k += 1
                    g.add_hand_over(f"h{k}", "clip", a, b, times())
    return g


def brute_force(g: CustodyGraph, clip: str, target: str) -> int:
    """Plain recursion over DESIGN.md's definition (shares no code with graph.paths)."""
    origin = g.clips[clip]
    moves = list(g.hand_overs[clip])

    def walk(party: str, arrived: float, visited: frozenset[str]) -> int:
        total = 0
        for h in moves:
            if h.src == party and h.t >= arrived and h.dst not in visited:
                total += 1 if h.dst == target else walk(h.dst, h.t, visited | {h.dst})
        return total

    return walk(origin.owner, origin.t, frozenset([origin.owner]))


@pytest.mark.timeout(120)
def test_complete_digraph_all_at_one_time_counts_every_simple_path() -> None:
    g = complete(12, 1, lambda: 5.0)  # every hand-over at the same instant: equal times chain, cycles everywhere
    expected = sum(math.perm(10, k) for k in range(11))  # simple paths p0 -> p11 in K12
    doc, peak = measured(lambda: trace(g, "clip", "agency:p11", limit=LIMIT))
    assert doc["count"] == expected == 9_864_101
    assert doc["count_exact"] is True and doc["truncated"] is True and len(doc["paths"]) == LIMIT
    assert peak < 100 * MB, peak


@pytest.mark.timeout(120)
def test_complete_digraph_random_times_matches_brute_force() -> None:
    rnd = random.Random(1)
    g = complete(12, 1, lambda: float(rnd.randint(1, 1000)))
    expected = brute_force(g, "clip", "agency:p11")
    doc = trace(g, "clip", "agency:p11", limit=10_000)
    assert doc["count"] == expected and doc["count_exact"] is True
    assert len(doc["paths"]) == expected and doc["truncated"] is False
    rnd = random.Random(2)
    g3 = complete(12, 3, lambda: float(rnd.randint(1, 1000)))  # 396 hand-overs: hundreds of thousands of paths
    doc3, peak = measured(lambda: trace(g3, "clip", "agency:p11", limit=LIMIT))
    assert doc3["truncated"] is True and len(doc3["paths"]) == LIMIT
    assert doc3["count_exact"] is True, "the memoised count should fit its budget here"
    assert peak < 200 * MB, peak


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_complete_digraph_many_parallel_hand_overs() -> None:
    # 1,320 hand-overs among 12 parties at random times: billions of paths. The count comes from the
    # (party, visited set) dynamic programme; were its state bound hit, the document would have to say so
    # (count_exact False, truncated True) with the count a lower bound.
    rnd = random.Random(1)
    g = complete(12, 10, lambda: float(rnd.randint(1, 1000)))
    doc, peak = measured(lambda: trace(g, "clip", "agency:p11", limit=LIMIT))
    assert len(doc["paths"]) == LIMIT and doc["truncated"] is True
    if not doc["count_exact"]:
        assert doc["count"] >= LIMIT
    assert peak < 300 * MB, peak
    rdoc = reach(g, "agency:p11")
    assert rdoc["clips"][0]["count_exact"] == doc["count_exact"]


@pytest.mark.timeout(180)
def test_star_with_50000_hand_overs() -> None:
    g = CustodyGraph()
    g.add_recording("clip", "resident:owner", 0.0)
    for i in range(50_000):  # 10 hand-overs to each of 5,000 parties, then each passes it on once
        g.add_hand_over(f"a{i}", "clip", "resident:owner", f"agency:s{i % 5000}", float(i + 1))
    for i in range(5000):
        g.add_hand_over(f"b{i}", "clip", f"agency:s{i}", "agency:ice-hsi", float(60_000 + i))
    doc, peak = measured(lambda: trace(g, "clip", "agency:ice-hsi", limit=LIMIT))
    assert (doc["count"], doc["count_exact"], doc["truncated"]) == (50_000, True, True)
    assert len(doc["paths"]) == LIMIT
    assert peak < 150 * MB, peak
    rdoc, peak = measured(lambda: reach(g, "agency:ice-hsi"))
    assert rdoc["path_count"] == 50_000 and len(rdoc["clips"][0]["intermediaries"]) == 5000
    assert rdoc["parties_truncated"] is False and len(rdoc["parties"]) == 5001
    assert peak < 200 * MB, peak
    # A leaf of the star: exactly one path.
    leaf = trace(g, "clip", "agency:s4999", limit=LIMIT)
    assert (leaf["count"], leaf["truncated"]) == (10, False)


@pytest.mark.timeout(120)
def test_many_clips_through_one_hub_reach_counts() -> None:
    g = CustodyGraph()
    for c in range(2000):
        g.add_recording(f"c{c}", f"resident:r{c}", 0.0)
        g.add_hand_over(f"x{c}", f"c{c}", f"resident:r{c}", "agency:hub-pd", 1.0)
        g.add_hand_over(f"y{c}", f"c{c}", "agency:hub-pd", "agency:fbi", 2.0)
    rdoc, peak = measured(lambda: reach(g, "agency:fbi"))
    assert (rdoc["clip_count"], rdoc["path_count"]) == (2000, 2000)
    assert rdoc["conduits"][0] == {"party": "agency:hub-pd", "clips": 2000, "own": 0}
    assert len(rdoc["conduits"]) == 2001  # the hub, and each owner with its own clip
    assert peak < 100 * MB, peak
