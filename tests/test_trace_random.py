"""``trace`` against a brute-force reading of DESIGN.md's semantics on random logs.

The reference (tests/brute.py) enumerates every sequence of the clip's transfers by plain recursion: it
shares no code with graph/. Logs contain shuffled order, repeated deliveries, hand-overs that go back in time,
equal times and cycles.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.trace import trace
from tests.brute import PARTIES, event_ids, graph_of, logs, reference_paths


@settings(max_examples=300, deadline=None)
@given(logs(14, 8), st.sampled_from(PARTIES[1:]))
def test_trace_matches_reference(events: list[dict], target: str) -> None:
    g = graph_of(events, target)
    expected = event_ids(reference_paths(events, "c", target))
    doc = trace(g, "c", target, limit=10_000)
    assert doc["count"] == len(expected)
    assert sorted(p["events"] for p in doc["paths"]) == expected
    assert doc["truncated"] is False
    for p in doc["paths"]:
        assert p["parties"][0] == "resident:o" and p["parties"][-1] == target
        assert len(set(p["parties"])) == len(p["parties"])


@settings(max_examples=100, deadline=None)
@given(logs(14, 8), st.sampled_from(PARTIES[1:]), st.integers(1, 3))
def test_limit_lists_a_prefix_and_keeps_the_count(events: list[dict], target: str, limit: int) -> None:
    g = graph_of(events, target)
    expected = event_ids(reference_paths(events, "c", target))
    doc = trace(g, "c", target, limit=limit)
    assert doc["count"] == len(expected)
    assert len(doc["paths"]) == min(limit, len(expected))
    assert doc["truncated"] == (len(expected) > limit)
