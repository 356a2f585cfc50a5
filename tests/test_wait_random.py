"""``--max-wait`` (trace and reach) against a brute-force reading of the rule on random logs.

The reference (tests/brute.py) enumerates every sequence of the clip's transfers by plain recursion over
the raw event dicts (string times compared as datetimes): each transfer leaves the party the previous one
reached, no earlier than that arrival and at most ``wait`` after it (the first at most ``wait`` after the
recording), and visits no party twice. It shares no code with graph/. Logs have shuffled order, repeated
deliveries, hand-overs that go back in time, equal times and cycles; ``wait`` ranges from 0 to longer than
any log.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import graph.wait as wait_mod
from graph.reach import reach
from graph.trace import trace
from graph.wait import count_within, through_within, useful_within
from tests.brute import PARTIES, T0, event_ids, first_deliveries, graph_of, logs, reference_paths, walks, when

WAITS = st.integers(0, 12)


@settings(max_examples=300, deadline=None)
@given(logs(16, 10), st.sampled_from(PARTIES[1:]), WAITS)
def test_trace_within_matches_reference(events: list[dict], target: str, minutes: int) -> None:
    g = graph_of(events, target)
    expected = event_ids(reference_paths(events, "c", target, timedelta(minutes=minutes)))
    doc = trace(g, "c", target, limit=10_000, max_wait=minutes * 60.0)
    assert doc["count"] == len(expected)
    assert doc["count_exact"] is True
    assert sorted(p["events"] for p in doc["paths"]) == expected
    assert doc["max_wait_seconds"] == minutes * 60.0


@settings(max_examples=200, deadline=None)
@given(logs(16, 10), st.sampled_from(PARTIES[1:]), WAITS, st.integers(1, 3))
def test_trace_within_limit_keeps_the_count(events: list[dict], target: str, minutes: int, limit: int) -> None:
    g = graph_of(events, target)
    expected = reference_paths(events, "c", target, timedelta(minutes=minutes))
    doc = trace(g, "c", target, limit=limit, max_wait=minutes * 60.0)
    assert doc["count"] == len(expected)
    assert len(doc["paths"]) == min(limit, len(expected))
    assert doc["truncated"] == (len(expected) > limit)


@settings(max_examples=300, deadline=None)
@given(logs(16, 10), st.sampled_from(PARTIES[1:]), WAITS)
def test_reach_within_matches_reference(events: list[dict], target: str, minutes: int) -> None:
    # reach counts every clip, those never recorded from their senders: keep to the recorded clip here
    events = [e for e in events if e["clip_id"] == "c"]
    g = graph_of(events, target)
    paths = reference_paths(events, "c", target, timedelta(minutes=minutes))
    doc = reach(g, target, max_wait=minutes * 60.0)
    assert doc["path_count"] == len(paths)
    assert doc["clip_count"] == (1 if paths else 0)
    # per party: paths through it (owner or intermediary) and the fewest hand-overs from it to the target
    through: Counter[str] = Counter()
    fewest: dict[str, int] = {}
    for p in paths:
        chain = [p[0]["from_party"], *(m["to_party"] for m in p[:-1])]
        for i, party in enumerate(chain):
            through[party] += 1
            fewest[party] = min(fewest.get(party, 99), len(p) - i)
    rows = {r["party"]: r for r in doc["parties"]}
    assert set(rows) == set(through)
    assert not doc["parties_truncated"]
    for party, n in through.items():
        assert rows[party]["paths"] == n
        assert rows[party]["min_hops"] == fewest[party]


@settings(max_examples=300, deadline=None)
@given(logs(16, 10), st.sampled_from(PARTIES[1:]), WAITS)
def test_every_way_of_counting_agrees(events: list[dict], target: str, minutes: int) -> None:
    """The dynamic programme over hand-overs (where it applies), the one over visited sets, and the paths walked
    one by one each give the brute force's number, whichever way ``count_within`` would have gone."""
    g = graph_of(events, target)
    origin = g.clips.get("c")
    if origin is None:
        return
    hs = g.clip_hand_overs("c")
    wait = minutes * 60.0
    paths = reference_paths(events, "c", target, timedelta(minutes=minutes))
    useful = useful_within(hs, origin.owner, origin.t, target, wait)
    on_paths = {m["event_id"] for p in paths for m in p}
    assert on_paths <= {h.event_id for h in useful}
    assert count_within(hs, origin.owner, origin.t, target, wait, useful=useful) == (len(paths), True)
    assert wait_mod._by_subsets(useful, origin.owner, origin.t, target, wait) == len(paths)
    walked = list(wait_mod.enumerate_within(hs, origin.owner, origin.t, target, wait, limit=10**6))
    assert sorted([h.event_id for h in p] for p in walked) == event_ids(paths)
    ordered = wait_mod._ordered_if_paths(useful, origin.owner, target)
    if ordered is not None:
        counts = wait_mod._forward(ordered, origin.owner, origin.t, target, wait, wait)
        assert sum(c for h, c in zip(ordered, counts, strict=True) if h.dst == target) == len(paths)
    else:  # parties through, by walking the paths one by one
        rows, n, complete = through_within(useful, origin.owner, origin.t, target, wait, budget=10**6)
        assert complete and n == len(paths)
        assert rows.get(origin.owner, (0, 0))[0] == len(paths)


def test_the_last_resort_search_says_when_it_stopped() -> None:
    """Past the visited-set bound the paths are walked one by one: all of them within the step budget (the
    same number as the visited-set programme), a lower bound that says so past it. Every party hands the clip
    to every other each minute."""
    from graph.custody import HandOver

    parties = ["o", *"abcd", "x"]
    hs = sorted(HandOver(float(60 * m), f"{u}{v}{m}", u, v) for m in range(1, 4) for u in parties for v in parties
                if u != v and u != "x" and v != "o")
    by_states = count_within(hs, "o", 0.0, "x", 60.0)
    assert by_states[1] and by_states[0] > 0
    assert count_within(hs, "o", 0.0, "x", 60.0, max_states=0) == by_states
    n, exact = count_within(hs, "o", 0.0, "x", 60.0, budget=50, max_states=0)
    assert not exact and 0 < n < by_states[0]


def reference_orphan_paths(events: list[dict], clip: str, target: str, wait: timedelta) -> list[list[str]]:
    """A clip handed over but never recorded: each party that hands it over before any hand-over reaches it
    (else the first sender) holds it from its first hand-over out; paths start there, every hop within
    ``wait`` of the arrival before it (the sender's own arrival being its first hand-over out)."""
    moves = [e for e in first_deliveries(events) if e["type"] == "transfer" and e["clip_id"] == clip]
    if not moves or any(e["type"] == "clip_recorded" and e["clip_id"] == clip for e in events):
        return []
    order = sorted(moves, key=lambda m: (when(m["occurred_at"]), m["event_id"]))
    first_in: dict[str, datetime] = {}
    first_out: dict[str, datetime] = {}
    for m in order:
        first_in.setdefault(m["to_party"], when(m["occurred_at"]))
        first_out.setdefault(m["from_party"], when(m["occurred_at"]))
    senders = [p for p, t in first_out.items() if p not in first_in or first_in[p] > t]
    senders = senders or [order[0]["from_party"]]
    if target in senders:
        return []
    return event_ids([p for s in senders for p in walks(moves, s, first_out[s], target, wait)])


@settings(max_examples=300, deadline=None)
@given(logs(16, 10), st.sampled_from(PARTIES[1:]), WAITS)
def test_trace_within_of_a_clip_never_recorded(events: list[dict], target: str, minutes: int) -> None:
    g = graph_of(events, target)
    if "other" not in g.hand_overs:
        return
    expected = reference_orphan_paths(events, "other", target, timedelta(minutes=minutes))
    doc = trace(g, "other", target, limit=10_000, max_wait=minutes * 60.0)
    assert sorted(p["events"] for p in doc["paths"]) == expected
    assert doc["count"] == len(expected)


@settings(max_examples=60, deadline=None)
@given(logs(16, 10), st.sampled_from(PARTIES[1:]), st.integers(-1, 11), st.booleans())
def test_as_of_is_the_log_cut_at_the_date(events: list[dict], target: str, minutes: int, attempts: bool) -> None:
    """Reach as of a date: the log read with --as-of, the log cut at the date by hand, and the whole log's graph
    cut at the date (the live view's way, ``graph.asof.graph_as_of``) give one document."""
    from analysis.judged import graph_of_log
    from graph.asof import graph_as_of

    at = T0 + timedelta(minutes=minutes, seconds=30)
    lines = [(i, json.dumps(e).encode()) for i, e in enumerate(events, 1)]
    cut = [(i, json.dumps(e).encode()) for i, e in enumerate(events, 1) if when(e["occurred_at"]) <= at]
    g_as_of = graph_of_log(lines, None, attempts=attempts, as_of=at)[0]
    g_cut = graph_of_log(cut, None, attempts=attempts)[0]
    g_live = graph_as_of(graph_of_log(lines, None, attempts=attempts)[0], at)
    docs = []
    for g in (g_as_of, g_cut, g_live):
        g.add_hand_over("pin", "pin", target, target, 0.0)  # make sure the party exists in the graph
        doc = reach(g, target)
        doc.pop("as_of", None), doc.pop("uncertain_grants", None)
        docs.append(doc)
    assert docs[0] == docs[1] == docs[2]
