"""The same scenario in-process and on a real broker: identical verdicts, counts and graphs.

Runs against the broker the ``kafka_bootstrap`` fixture picks (never skipped in CI). Waits are on
conditions (everything accounted for), never on sleeps.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest

from graph.custody import CustodyGraph
from graph.reach import reach
from graph.trace import trace
from judge.collector import Collector, StreamError
from judge.pipeline import run_check
from schemas.records import CustodyEdge
from streams.check import KafkaRun
from streams.context import parse_custody_headers
from streams.reader import read_topic
from world.simulate import simulate

pytestmark = pytest.mark.broker

MALFORMED = [b"{not json", b'{"event_id":"bad-1","type":"warp","occurred_at":"2019-06-01T00:00:00Z"}',
             b'{"event_id":"bad-2","type":"transfer","occurred_at":"2019-06-01T00:00:00Z","clip_id":"x"}', b"\xff\xfe"]
RULES = ["core", "ring-2019-portal", "ca-sb34", "ca-sb54", "il-hb3326"]


def scenario_lines(n: int = 1200, seed: int = 11) -> list[tuple[int, bytes]]:
    events = simulate("default", seed, n)
    raw = [json.dumps(e).encode() for e in events]
    rnd = random.Random(seed)
    raw += rnd.sample(raw, 40)  # repeated deliveries
    raw += MALFORMED
    rnd.shuffle(raw)  # arrival order is not event order
    return list(enumerate(raw, start=1))


@pytest.fixture(scope="module")
def lines() -> list[tuple[int, bytes]]:
    return scenario_lines()


@pytest.fixture(scope="module")
def in_process(lines: list[tuple[int, bytes]]) -> dict[str, Any]:
    res = run_check(lines, RULES, keep=True)
    return {"doc": res.document(), "edges": edge_set(v.edge for v in res.verdicts if v.edge)}


def edge_set(edges: Any) -> set[tuple]:
    return {(e.event_id, e.kind, e.clip_id, e.from_party, e.to_party, e.occurred_at.isoformat(), e.verdict)
            for e in edges}


def run_on_kafka(bootstrap: str, lines: list[tuple[int, bytes]], **kw: Any) -> dict[str, Any]:
    with KafkaRun(f"kafka://{bootstrap}", RULES, **kw) as run:
        n = run.produce(lines)
        col = run.collect(Collector(n, run.layout.partitions), timeout=180)
        verdict_edges = [v.edge for v in col.verdicts.values() if v.edge]
        streamed = asyncio.run(read_custody_edges(bootstrap, run.layout.name("custody-edges"),
                                                  run.layout.partitions, {e.event_id for e in verdict_edges}))
        return {"doc": col.document(run.rule_sets), "edges": edge_set(verdict_edges), "streamed": streamed,
                "layout": run.layout}


async def read_custody_edges(bootstrap: str, topic: str, partitions: int, expected_ids: set[str],
                             timeout: float = 60) -> dict[str, tuple[CustodyEdge, dict]]:
    """Latest custody edge per event id, as any consumer of the topic would see it, with its headers."""
    latest: dict[str, tuple[CustodyEdge, dict]] = {}

    def take(_partition: int, r: Any) -> None:
        doc = json.loads(r.value)
        if doc.get("retracted"):
            latest.pop(doc["event_id"], None)
        else:
            latest[doc["event_id"]] = (CustodyEdge.model_validate(doc), parse_custody_headers(r.headers))

    await read_topic(bootstrap, topic, partitions, take, done=lambda: set(latest) == expected_ids, timeout=timeout,
                     why=lambda: f"custody-edges: {len(latest)} of {len(expected_ids)} edges seen")
    return latest


@pytest.fixture(params=["in_process", "on_kafka"])
def runtime(request: pytest.FixtureRequest, kafka_bootstrap: str, lines: list, in_process: dict) -> dict:
    if request.param == "in_process":
        return in_process
    return run_on_kafka(kafka_bootstrap, lines)


def test_same_verdicts_counts_and_graph(runtime: dict, in_process: dict, lines: list) -> None:
    doc = runtime["doc"]
    assert doc["events_in"] == len(lines) == doc["processed"] + doc["duplicates"] + doc["dead_letters"]
    assert doc["dead_letters"] == len(MALFORMED) and doc["duplicates"] == 40
    assert doc == in_process["doc"]
    assert runtime["edges"] == in_process["edges"]
    if "streamed" in runtime:  # what a consumer of custody-edges sees, retractions applied
        assert edge_set(e for e, _ in runtime["streamed"].values()) == in_process["edges"]


def test_two_workers_six_partitions(kafka_bootstrap: str, lines: list, in_process: dict) -> None:
    out = run_on_kafka(kafka_bootstrap, lines, workers=2, partitions=6)
    assert out["doc"] == in_process["doc"]
    assert out["edges"] == in_process["edges"]


def test_paths_rebuilt_from_headers_alone(kafka_bootstrap: str, lines: list, in_process: dict) -> None:
    out = run_on_kafka(kafka_bootstrap, lines)
    g = CustodyGraph()
    for _edge, h in out["streamed"].values():
        if h["hop"] == 0:  # where custody starts: from = to = owner
            g.add_recording(h["clip"], h["from"], _ts(h["time"]))
        elif h["clip"]:
            g.add_hand_over(h["event_id"], h["clip"], h["from"], h["to"], _ts(h["time"]))
        assert h["lineage"] and len(h["span"]) == 16
    res = run_check(lines, RULES, keep=True)
    ref = CustodyGraph.from_edges([e for e in res.events if e.type == "clip_recorded"],
                                  [v.edge for v in res.verdicts if v.edge])
    downstream = sorted(p for p in ref.graph if p.startswith("agency:"))
    multi_hop = 0
    for party in downstream:
        expected = reach(ref, party)
        assert reach(g, party)["clips"] == expected["clips"]
        for c in expected["clips"][:3]:
            doc = trace(ref, c["clip"], party)
            assert trace(g, c["clip"], party) == doc
            multi_hop += any(len(p["events"]) >= 2 for p in doc["paths"])
    assert multi_hop > 0  # the comparison covered paths of more than one hand-over
    # parent links: every hand-over's parent is an edge of the same clip that reached its sender
    by_id = {h["event_id"]: h for _, h in out["streamed"].values()}
    for h in by_id.values():
        if h["parent_event"]:
            parent = by_id[h["parent_event"]]
            assert parent["clip"] == h["clip"] and parent["to"] == h["from"] and h["hop"] == parent["hop"] + 1


def _ts(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


def test_worker_killed_mid_stream_recovers_from_changelog(kafka_bootstrap: str, lines: list, in_process: dict) -> None:
    half = len(lines) // 2
    with KafkaRun(f"kafka://{kafka_bootstrap}", RULES) as run:
        n = run.produce(lines[:half])
        col = Collector(len(lines), run.layout.partitions)
        run.collect(col, timeout=120, until=lambda: len(col.positions) >= n and len(col.verdicts) > 100)
        run.pool.kill("w1")  # SIGKILL: no clean shutdown, no final commit
        run.pool.start("w1")
        run.produce(lines[half:])
        run.collect(col, timeout=180)
        assert col.document(run.rule_sets) == in_process["doc"]
        assert edge_set(v.edge for v in col.verdicts.values() if v.edge) == in_process["edges"]


def test_malformed_values_reach_dead_letters_with_reason_and_position(kafka_bootstrap: str) -> None:
    lines = list(enumerate([b'{"event_id":"ok","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
                            b'"clip_id":"c","owner":"resident:r","platform":"ring"}', *MALFORMED], start=1))
    with KafkaRun(f"kafka://{kafka_bootstrap}", ["core"]) as run:
        n = run.produce(lines)
        run.collect(Collector(n, run.layout.partitions), timeout=120)
        dead = asyncio.run(_read_all(kafka_bootstrap, run.layout.name("dead-letters"), run.layout.partitions,
                                     len(MALFORMED)))
    by_line = {int(h["line"]): (h, json.loads(v)) for h, v in dead}
    assert sorted(by_line) == [2, 3, 4, 5]
    h, v = by_line[3]
    assert "unknown type 'warp'" in h["reason"] and v["reason"] == h["reason"]
    assert h["topic"].endswith(".events") and int(h["offset"]) >= 0 and int(h["partition"]) >= 0
    assert "warp" in v["raw"]
    assert "field 'from_party'" in by_line[4][0]["reason"] or "field" in by_line[4][0]["reason"]
    assert by_line[5][0]["reason"].startswith("not UTF-8")


async def _read_all(bootstrap: str, topic: str, partitions: int, expected: int) -> list[tuple[dict, bytes]]:
    out: list[tuple[dict, bytes]] = []

    def take(_partition: int, r: Any) -> None:
        out.append(({k: v.decode() for k, v in r.headers}, r.value))

    await read_topic(bootstrap, topic, partitions, take, done=lambda: len(out) >= expected, timeout=60,
                     why=lambda: f"{topic}: {len(out)} of {expected}")
    return out


def test_blank_and_oversized_lines_match_in_process(kafka_bootstrap: str, tmp_path: Any) -> None:
    from judge.pipeline import read_lines
    from streams.check import check_on_kafka

    log = tmp_path / "odd.jsonl"
    good = b'{"event_id":"ok","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",' \
           b'"owner":"resident:r","platform":"ring"}'
    log.write_bytes(b"\n".join([good, b"", b"   ", b'{"pad": "' + b"x" * 5000 + b'"}', good, b"[]"]) + b"\n")
    expected = run_check(read_lines(log, 1000), ["core"], max_bytes=1000).document()
    assert expected["dead_letters"] == 4 and expected["duplicates"] == 1
    assert check_on_kafka(str(log), ["core"], f"kafka://{kafka_bootstrap}", max_bytes=1000) == expected


def test_mixed_eras_default_rules_match_in_process(kafka_bootstrap: str) -> None:
    # Searches, access grants, legal process and Community Requests from two eras, ids made distinct, then
    # shuffled with repeats and malformed lines; no rule sets named: each applies within its own era.
    events = simulate("ring-2024-warrants-only", 5, 700)
    events += [{**e, "event_id": f"b-{e['event_id']}"} for e in simulate("ring-2025-community", 5, 700)]
    assert {e["type"] for e in events} >= {"search", "access_grant", "consent_decision", "footage_request"}
    raw = [json.dumps(e).encode() for e in events]
    rnd = random.Random(99)
    raw += rnd.sample(raw, 25) + MALFORMED
    rnd.shuffle(raw)
    lines = list(enumerate(raw, start=1))
    expected = run_check(lines, None).document()
    assert sum(expected["violations"].values()) > 0
    with KafkaRun(f"kafka://{kafka_bootstrap}", None, workers=2) as run:
        n = run.produce(lines)
        doc = run.collect(Collector(n, run.layout.partitions), timeout=180).document(run.rule_sets)
    assert doc == expected


@pytest.mark.xfail(strict=True, raises=StreamError,
                   reason="one event id on two event types: the broker de-duplicates per input partition "
                   "and the run never settles (partitions behind on requests); in-process the second is a duplicate")
def test_one_event_id_on_two_types_matches_in_process(kafka_bootstrap: str, tmp_path: Any) -> None:
    from judge.pipeline import read_lines
    from streams.check import check_on_kafka

    log = tmp_path / "shared-id.jsonl"
    request = {"event_id": "x-1", "type": "footage_request", "occurred_at": "2019-05-01T22:00:00Z",
               "request_id": "q-1", "requester": "agency:a", "platform": "ring",
               "area": {"lat": 37.8, "lon": -122.27, "radius_m": 800},
               "window": {"start": "2019-05-01T18:00:00Z", "end": "2019-05-01T22:00:00Z"},
               "investigation_code": "C-1", "purpose": "burglary"}
    clip = {"event_id": "x-1", "type": "clip_recorded", "occurred_at": "2019-05-01T20:00:00Z", "clip_id": "c-1",
            "owner": "resident:r", "platform": "ring", "location": {"lat": 37.8, "lon": -122.27}}
    log.write_text(json.dumps(request) + "\n" + json.dumps(clip) + "\n")
    expected = run_check(read_lines(log), RULES).document()
    assert expected["processed"] == 1 and expected["duplicates"] == 1
    assert check_on_kafka(str(log), RULES, f"kafka://{kafka_bootstrap}", timeout=30) == expected
