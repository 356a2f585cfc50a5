"""``trace`` against a brute-force reading of DESIGN.md's semantics on random logs.

The reference below enumerates every sequence of the clip's transfers by plain recursion: it shares no
code with graph/. Logs contain shuffled order, repeated deliveries, hand-overs that go back in time,
equal times and cycles.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.custody import CustodyGraph
from graph.trace import trace
from judge.pipeline import load_events

PARTIES = ["resident:o", "agency:a", "agency:b", "agency:c", "agency:d", "agency:ice-hsi"]
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def reference_paths(events: list[dict], clip: str, target: str) -> list[list[str]]:
    seen, unique = set(), []
    for e in events:  # first delivery of an event id wins
        if e["event_id"] not in seen:
            seen.add(e["event_id"])
            unique.append(e)
    recs = [e for e in unique if e["type"] == "clip_recorded" and e["clip_id"] == clip]
    if not recs:
        return []
    first = min(recs, key=lambda e: e["occurred_at"])
    owner, start = first["owner"], first["occurred_at"]
    moves = [e for e in unique if e["type"] == "transfer" and e["clip_id"] == clip]
    found: list[list[str]] = []

    def walk(party: str, arrived: str, visited: list[str], used: list[str]) -> None:
        for m in moves:
            if m["from_party"] == party and m["occurred_at"] >= arrived and m["to_party"] not in visited:
                if m["to_party"] == target:
                    found.append([*used, m["event_id"]])
                else:
                    walk(m["to_party"], m["occurred_at"], [*visited, m["to_party"]], [*used, m["event_id"]])

    if owner != target:
        walk(owner, start, [owner], [])
    return sorted(found)


def stamp(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def logs(draw: st.DrawFn) -> list[dict]:
    n = draw(st.integers(min_value=0, max_value=14))
    events = [{"event_id": "rec", "type": "clip_recorded", "occurred_at": stamp(draw(st.integers(0, 3))),
               "clip_id": "c", "owner": "resident:o", "platform": "ring"}]
    for i in range(n):
        src, dst = draw(st.sampled_from(PARTIES)), draw(st.sampled_from(PARTIES))
        events.append({"event_id": f"t{i}", "type": "transfer", "occurred_at": stamp(draw(st.integers(0, 8))),
                       "clip_id": draw(st.sampled_from(["c", "c", "c", "other"])), "from_party": src,
                       "to_party": dst, "basis": "agreement", "purpose": "x"})
    dups = draw(st.lists(st.sampled_from(events), max_size=4))
    events = events + dups
    random.Random(draw(st.integers(0, 10**6))).shuffle(events)
    return events


@settings(max_examples=300, deadline=None)
@given(logs(), st.sampled_from(PARTIES[1:]))
def test_trace_matches_reference(events: list[dict], target: str) -> None:
    lines = [(i, json.dumps(e).encode()) for i, e in enumerate(events, 1)]
    evs, _, _, dead = load_events(lines)
    assert not dead
    g = CustodyGraph.from_events(evs)
    g.add_hand_over("pin", "pin", target, target, 0.0)  # make sure the party exists in the graph
    expected = reference_paths(events, "c", target)
    doc = trace(g, "c", target, limit=10_000)
    assert doc["count"] == len(expected)
    assert sorted(p["events"] for p in doc["paths"]) == expected
    assert doc["truncated"] is False
    for p in doc["paths"]:
        assert p["parties"][0] == "resident:o" and p["parties"][-1] == target
        assert len(set(p["parties"])) == len(p["parties"])


@settings(max_examples=100, deadline=None)
@given(logs(), st.sampled_from(PARTIES[1:]), st.integers(1, 3))
def test_limit_lists_a_prefix_and_keeps_the_count(events: list[dict], target: str, limit: int) -> None:
    lines = [(i, json.dumps(e).encode()) for i, e in enumerate(events, 1)]
    g = CustodyGraph.from_events(load_events(lines)[0])
    g.add_hand_over("pin", "pin", target, target, 0.0)
    expected = reference_paths(events, "c", target)
    doc = trace(g, "c", target, limit=limit)
    assert doc["count"] == len(expected)
    assert len(doc["paths"]) == min(limit, len(expected))
    assert doc["truncated"] == (len(expected) > limit)
