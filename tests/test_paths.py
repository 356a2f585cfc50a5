"""Time-respecting paths, worked out by hand from DESIGN.md's semantics."""

from __future__ import annotations

import pytest

from graph.custody import CustodyGraph, HandOver
from graph.paths import count_paths, count_static_paths, enumerate_paths
from graph.trace import TraceError, trace

OWN, A, B, C, T = "resident:o", "agency:a-pd", "agency:b-so", "agency:c-fusion", "agency:ice-hsi"


def graph(recorded_at: float, *hand_overs: tuple[str, str, str, float]) -> CustodyGraph:
    g = CustodyGraph()
    g.add_recording("clip", OWN, recorded_at)
    for eid, src, dst, t in hand_overs:
        g.add_hand_over(eid, "clip", src, dst, t)
    return g


def ids(doc: dict) -> list[list[str]]:
    return sorted(p["events"] for p in doc["paths"])


def test_time_order_blocks_a_path_that_goes_back_in_time():
    # OWN->A at 5, A->T at 3: A received the clip after it "sent" it: no path.
    g = graph(0, ("e1", OWN, A, 5), ("e2", A, T, 3))
    doc = trace(g, "clip", T)
    assert doc["count"] == 0 and doc["paths"] == []
    assert doc["static"]["count"] == 1  # the time-blind count overstates


def test_equal_times_are_allowed():
    g = graph(0, ("e1", OWN, A, 5), ("e2", A, T, 5))
    assert ids(trace(g, "clip", T)) == [["e1", "e2"]]


def test_equal_time_chain_listed_in_any_order():
    # Same instant, listed out of order: still one path OWN->A->B->T.
    g = graph(0, ("z3", B, T, 5), ("z2", A, B, 5), ("z1", OWN, A, 5))
    doc = trace(g, "clip", T)
    assert doc["count"] == 1
    assert doc["paths"][0]["parties"] == [OWN, A, B, T]


def test_hand_over_before_recording_is_not_custody():
    g = graph(10, ("e1", OWN, T, 9), ("e2", OWN, T, 10))
    assert ids(trace(g, "clip", T)) == [["e2"]]


def test_cycles_visit_no_party_twice():
    # OWN->A(1), A->B(2), B->A(3), A->T(4), B->T(5)
    # Simple paths: OWN,A,T via e4; OWN,A,B,T via e2,e5. (OWN,A,B,A,T revisits A.)
    g = graph(0, ("e1", OWN, A, 1), ("e2", A, B, 2), ("e3", B, A, 3), ("e4", A, T, 4), ("e5", B, T, 5))
    doc = trace(g, "clip", T)
    assert doc["count"] == 2
    assert ids(doc) == [["e1", "e2", "e5"], ["e1", "e4"]]


def test_cycle_back_to_owner_is_not_a_path():
    g = graph(0, ("e1", OWN, A, 1), ("e2", A, OWN, 2), ("e3", OWN, T, 3))
    doc = trace(g, "clip", T)
    assert ids(doc) == [["e3"]]


def test_parallel_hand_overs_are_separate_paths():
    g = graph(0, ("e1", OWN, A, 1), ("e2", OWN, A, 2), ("e3", A, T, 3))
    doc = trace(g, "clip", T)
    assert doc["count"] == 2
    assert ids(doc) == [["e1", "e3"], ["e2", "e3"]]


def test_later_arrival_cannot_use_earlier_departure():
    # Parallel arrivals at 1 and 4; departure at 3: only the first arrival leads on.
    g = graph(0, ("e1", OWN, A, 1), ("e2", OWN, A, 4), ("e3", A, T, 3))
    assert ids(trace(g, "clip", T)) == [["e1", "e3"]]


def test_limit_truncates_the_list_but_not_the_count():
    # Layered: OWN -> {A1..A5} -> T, each layer edge once: 5 paths.
    hs = [(f"a{i}", OWN, f"agency:m{i}", 1) for i in range(5)] + [(f"b{i}", f"agency:m{i}", T, 2) for i in range(5)]
    doc = trace(graph(0, *hs), "clip", T, limit=2)
    assert doc["count"] == 5
    assert doc["truncated"] is True
    assert len(doc["paths"]) == 2


def test_dense_layered_graph_counts_exactly_without_enumerating():
    # 3 layers of 10 parties, every party linked to every party of the next layer, times increasing by
    # layer: 10 (OWN->L1) * 10 (L1->L2) * 10 (L2->L3) ... paths to T = 10 * 10 * 10 = 1000 via L1, L2, L3.
    hs: list[tuple[str, str, str, float]] = []
    layers = [[f"agency:l{k}-{i}" for i in range(10)] for k in range(3)]
    hs += [(f"o-{p}", OWN, p, 1) for p in layers[0]]
    for k in range(2):
        hs += [(f"{u}>{v}", u, v, 2 + k) for u in layers[k] for v in layers[k + 1]]
    hs += [(f"{p}>t", p, T, 10) for p in layers[2]]
    doc = trace(graph(0, *hs), "clip", T, limit=3)
    assert doc["count"] == 1000 and doc["count_exact"] and doc["truncated"] and len(doc["paths"]) == 3


def test_count_agrees_with_brute_force_on_cycles():
    # A 4-cycle a->b->c->d->a with all hand-overs at the same time, entry from OWN and exits to T.
    hs = [HandOver(1.0, "in", OWN, "a"), HandOver(2.0, "ab", "a", "b"), HandOver(2.0, "bc", "b", "c"),
          HandOver(2.0, "cd", "c", "d"), HandOver(2.0, "da", "d", "a"), HandOver(3.0, "ct", "c", T),
          HandOver(3.0, "at", "a", T)]
    hs.sort()
    # By hand: OWN,a,T ; OWN,a,b,c,T.  (d->a would revisit a.)
    assert count_paths(hs, OWN, 0.0, T) == (2, True)
    listed = [[h.event_id for h in p] for p in enumerate_paths(hs, OWN, 0.0, T, limit=10)]
    assert sorted(listed) == [["in", "ab", "bc", "ct"], ["in", "at"]]


def test_owner_as_target_has_no_paths():
    hs = [HandOver(1.0, "e", OWN, A)]
    assert count_paths(hs, OWN, 0.0, OWN) == (0, True)


def test_static_count_counts_parallel_links():
    hs = [HandOver(5.0, "x", OWN, A), HandOver(6.0, "y", OWN, A), HandOver(1.0, "z", A, T)]
    assert count_static_paths(hs, OWN, T) == (2, True)


def test_unknown_clip_and_party_are_errors():
    g = graph(0, ("e1", OWN, A, 1))
    with pytest.raises(TraceError, match="clip 'nope'"):
        trace(g, "nope", A)
    with pytest.raises(TraceError, match="party 'agency:nobody'"):
        trace(g, "clip", "agency:nobody")


def test_long_chain_does_not_overflow():
    n = 5000
    parties = [OWN] + [f"agency:p{i}" for i in range(n)]
    g = graph(0, *[(f"e{i}", parties[i], parties[i + 1], float(i + 1)) for i in range(n)])
    doc = trace(g, "clip", parties[-1])
    assert doc["count"] == 1 and len(doc["paths"][0]["events"]) == n
