"""Brute-force reading of DESIGN.md's path semantics, shared by the random tests of trace and ``--max-wait``.

``reference_paths`` enumerates every sequence of a clip's transfers by plain recursion over the raw event
dicts (string times read as datetimes) and shares no code with graph/: each transfer leaves the party the
previous one reached, no earlier than that arrival (and, given ``wait``, at most ``wait`` after it), and
visits no party twice. ``logs`` draws logs with shuffled order, repeated deliveries, hand-overs that go back
in time, equal times and cycles; ``graph_of`` builds the graph under test from one.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from graph.custody import CustodyGraph
from judge.pipeline import load_events

PARTIES = ["resident:o", "agency:a", "agency:b", "agency:c", "agency:d", "agency:ice-hsi"]
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def stamp(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def first_deliveries(events: list[dict]) -> list[dict]:
    """The events in log order, the first delivery of an event id winning."""
    seen, unique = set(), []
    for e in events:
        if e["event_id"] not in seen:
            seen.add(e["event_id"])
            unique.append(e)
    return unique


def walks(moves: list[dict], party: str, arrived: datetime, target: str,
          wait: timedelta | None = None) -> list[list[dict]]:
    """Every sequence of ``moves`` from ``party`` (holding the clip since ``arrived``) into ``target``."""
    found: list[list[dict]] = []

    def walk(party: str, arrived: datetime, visited: list[str], used: list[dict]) -> None:
        for m in moves:
            t = when(m["occurred_at"])
            if (m["from_party"] == party and arrived <= t and (wait is None or t <= arrived + wait)
                    and m["to_party"] not in visited):
                if m["to_party"] == target:
                    found.append([*used, m])
                else:
                    walk(m["to_party"], t, [*visited, m["to_party"]], [*used, m])

    walk(party, arrived, [party], [])
    return found


def reference_paths(events: list[dict], clip: str, target: str,
                    wait: timedelta | None = None) -> list[list[dict]]:
    """The paths of ``clip`` from its owner (at its first recording) into ``target``."""
    unique = first_deliveries(events)
    recs = [e for e in unique if e["type"] == "clip_recorded" and e["clip_id"] == clip]
    if not recs:
        return []
    first = min(recs, key=lambda e: when(e["occurred_at"]))
    owner = first["owner"]
    if owner == target:
        return []
    moves = [e for e in unique if e["type"] == "transfer" and e["clip_id"] == clip]
    return walks(moves, owner, when(first["occurred_at"]), target, wait)


def event_ids(paths: list[list[dict]]) -> list[list[str]]:
    """Each path as its event ids, the paths sorted."""
    return sorted([m["event_id"] for m in p] for p in paths)


@st.composite
def logs(draw: st.DrawFn, max_transfers: int, last_minute: int) -> list[dict]:
    n = draw(st.integers(min_value=0, max_value=max_transfers))
    events = [{"event_id": "rec", "type": "clip_recorded", "occurred_at": stamp(draw(st.integers(0, 3))),
               "clip_id": "c", "owner": "resident:o", "platform": "ring"}]
    for i in range(n):
        src, dst = draw(st.sampled_from(PARTIES)), draw(st.sampled_from(PARTIES))
        events.append({"event_id": f"t{i}", "type": "transfer",
                       "occurred_at": stamp(draw(st.integers(0, last_minute))),
                       "clip_id": draw(st.sampled_from(["c", "c", "c", "other"])), "from_party": src,
                       "to_party": dst, "basis": "agreement", "purpose": "x"})
    dups = draw(st.lists(st.sampled_from(events), max_size=4))
    events = events + dups
    random.Random(draw(st.integers(0, 10**6))).shuffle(events)
    return events


def graph_of(events: list[dict], target: str) -> CustodyGraph:
    """The graph under test, built from the log by the project's own loader (not part of the reference)."""
    lines = [(i, json.dumps(e).encode()) for i, e in enumerate(events, 1)]
    evs, _, _, dead = load_events(lines)
    assert not dead
    g = CustodyGraph.from_events(evs)
    g.add_hand_over("pin", "pin", target, target, 0.0)  # make sure the party exists in the graph
    return g
