"""The in-process runner, a stream partition's judge and the live view (fed events, or fed the verdicts a
stream emits, re-judgements included) give the same verdicts for the same shuffled log."""

from __future__ import annotations

import json
import random

from graph.custody import CustodyGraph
from judge.canonical import graph_edge_tuples
from judge.pipeline import run_check
from judge.tally import summarise
from judge.timeline import EventTimeJudge
from live.state import LiveState
from schemas.events import EVENT_ADAPTER
from schemas.records import Verdict
from world.simulate import simulate

RULES = ["core", "ring-2019-portal", "ca-sb34", "ca-sb54", "il-hb3326"]


def _shuffled_lines(n: int = 1500, seed: int = 8) -> list[tuple[int, bytes]]:
    raw = [json.dumps(e).encode() for e in simulate("default", seed, n)]
    rnd = random.Random(seed)
    raw += rnd.sample(raw, 30)
    rnd.shuffle(raw)
    return list(enumerate(raw, 1))


def _rule_counts(stats: dict) -> dict[str, int]:
    return {r["rule"]: r["gated"] + r["flagged"] for r in stats["rules"]}


def test_runner_partition_judge_and_live_view_agree() -> None:
    lines = _shuffled_lines()
    res = run_check(lines, RULES, keep=True)
    doc = res.document()
    assert doc["beyond_lateness"] == 0 and doc["duplicates"] == 30
    # The document keeps compact records and puts each rule's text back: every violation, as the model says it.
    assert doc["violation_list"] == [vi.model_dump(mode="json") for v in sorted(
        res.verdicts, key=lambda v: (v.occurred_at, v.event_id)) for vi in v.violations]

    # A stream partition: batches as they come, verdicts emitted and re-emitted when re-judged.
    pj = EventTimeJudge(RULES, provisional=True)  # the stream's judge (streams.judge_step.WorkerJudge)
    emitted: list[Verdict] = []
    final: dict[str, Verdict] = {}
    events = [EVENT_ADAPTER.validate_json(raw) for _, raw in lines]
    for i in range(0, len(events), 97):
        for v, before in pj.add(events[i:i + 97]):
            assert before is None or final[v.event_id] == before
            final[v.event_id] = v
            emitted.append(v)
    assert pj.rejudged > 0  # the shuffle made late arrivals re-judge some verdicts
    assert len(emitted) > len(final)
    assert sorted(final.values(), key=lambda v: v.event_id) == sorted(res.verdicts, key=lambda v: v.event_id)
    stream_doc = summarise(doc["events_in"], pj.duplicates, [], final.values(), doc["rule_sets"])
    assert {k: stream_doc[k] for k in ("processed", "violations", "outcomes", "custody_edges", "violation_list")} \
        == {k: doc[k] for k in ("processed", "violations", "outcomes", "custody_edges", "violation_list")}

    # The live view fed the same lines.
    live = LiveState(rule_sets=RULES)
    for i in range(0, len(lines), 200):
        live.feed_lines(lines[i:i + 200])  # type: ignore[arg-type]
    stats = live.stats(max_age=0)
    assert stats["late"] > 0
    assert (stats["processed"], stats["duplicates"], stats["outcomes"]) == \
        (doc["processed"], doc["duplicates"], doc["outcomes"])
    assert _rule_counts(stats) == doc["violations"]

    # The live view fed the stream's verdicts, re-judgements and retractions included.
    fed = LiveState(rule_sets=RULES)
    for i in range(0, len(emitted), 150):
        fed.feed_verdicts(emitted[i:i + 150])
    stats = fed.stats(max_age=0)
    assert (stats["processed"], stats["outcomes"]) == (doc["processed"], doc["outcomes"])
    assert _rule_counts(stats) == doc["violations"]
    assert fed.violations(limit=10**6)["count"] == sum(doc["violations"].values())
    judged = CustodyGraph.from_edges([], [v.edge for v in res.verdicts if v.edge is not None])
    assert graph_edge_tuples(fed.graph) == graph_edge_tuples(judged)


def test_a_retracted_hand_over_leaves_the_live_graph() -> None:
    def at(day: int, hour: int = 0) -> str:
        return f"2019-06-{day:02d}T{hour:02d}:00:00Z"

    rec = {"event_id": "r", "type": "clip_recorded", "occurred_at": at(1, 1), "clip_id": "c",
           "owner": "resident:r-1", "platform": "ring"}
    req = {"event_id": "q", "type": "footage_request", "occurred_at": at(1, 12), "request_id": "q",
           "requester": "agency:oakland-ca-pd", "platform": "ring", "area": {"lat": 0, "lon": 0, "radius_m": 100},
           "window": {"start": at(1), "end": at(1, 6)}, "investigation_code": "C-1", "purpose": "burglary"}
    share = {"event_id": "a1", "type": "consent_decision", "occurred_at": at(2), "request_id": "q",
             "owner": "resident:r-1", "decision": "share", "clip_ids": ["c"]}
    xfer = {"event_id": "t", "type": "transfer", "occurred_at": at(3), "clip_id": "c", "from_party": "platform:ring",
            "to_party": "agency:oakland-ca-pd", "basis": "consent", "request_id": "q", "purpose": "burglary"}
    decline = {"event_id": "a2", "type": "consent_decision", "occurred_at": at(2, 12), "request_id": "q",
               "owner": "resident:r-1", "decision": "decline", "clip_ids": []}
    pj = EventTimeJudge(["ring-2019-portal"], provisional=True)
    fed = LiveState()
    first = pj.add([EVENT_ADAPTER.validate_python(e) for e in (rec, req, share, xfer)])
    fed.feed_verdicts([v for v, _ in first])
    assert fed.stats(max_age=0)["outcomes"] == {"ok": 4, "flagged": 0, "gated": 0}
    assert fed.graph.graph.has_edge("platform:ring", "agency:oakland-ca-pd", key="t")
    again = pj.add([EVENT_ADAPTER.validate_python(decline)])  # the owner took it back before the delivery
    assert {v.event_id for v, before in again if before is not None} == {"t"}
    fed.feed_verdicts([v for v, _ in again])
    assert not fed.graph.graph.has_edge("platform:ring", "agency:oakland-ca-pd", key="t")
    assert fed.stats(max_age=0)["outcomes"] == {"ok": 4, "flagged": 0, "gated": 1}
    assert fed.violations()["by_rule"] == {"ring-2019-portal.consent-scope": {"gated": 1, "flagged": 0}}
