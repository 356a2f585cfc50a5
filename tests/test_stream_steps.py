"""The streaming steps without a broker: intake (decode, de-duplicate, route), the worker's judge, and the
Faust agent that wires them, driven through ``agent.test_context()`` with tables in memory."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest

from judge.engine import default_judge
from judge.pipeline import run_check
from live.state import LiveState
from schemas.events import parse_event
from schemas.records import Verdict
from streams.app import create_app
from streams.config import StreamConfig
from streams.context import parse_custody_headers
from streams.intake import Inbound, Intake
from streams.judge_step import WorkerJudge, route_events
from streams.topics import TopicLayout, is_broadcast, judge_partition, routing_key
from streams.tracer import apply_record
from world.simulate import simulate

RULES = ["core", "ring-2019-portal", "ca-sb34", "ca-sb54", "il-hb3326"]
REC = (b'{"event_id":"r1","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c1",'
       b'"owner":"resident:r","platform":"ring"}')


def lines(n: int = 600, seed: int = 3) -> list[bytes]:
    return [json.dumps(e).encode() for e in simulate("default", seed, n)]


def in_process_verdicts(raw: list[bytes]) -> dict[str, dict]:
    res = run_check(enumerate(raw, 1), RULES, keep=True)
    return {v.event_id: json.loads(v.model_dump_json()) for v in res.verdicts}


# --- intake ------------------------------------------------------------------------------------------

def test_intake_accounts_for_every_message() -> None:
    step = Intake(partitions=4, max_bytes=1000)
    msgs = [Inbound(REC, "t.clips", 0, 0, [("line", b"1")]), Inbound(REC, "t.clips", 0, 1, [("line", b"2")]),
            Inbound(REC, "t.clips", 0, 0, [("line", b"1")]),  # the same message read again: not a duplicate
            Inbound(b"{oops", "t.events", 1, 0, [("line", b"4")]),
            Inbound(b"x" * 2000, "t.events", 1, 1, []),
            Inbound(REC.replace(b"r1", b"r2"), "t.clips", 2, 0, [("line", b"\xff\xfe")])]
    out = step.take(msgs)
    kinds = [json.loads(b)["kind"] for b in out.books]
    assert kinds == ["forwarded", "duplicate", "forwarded", "dead", "dead", "dead"]
    assert len(kinds) == len(msgs)
    reasons = [d.letter.reason for d in out.dead]
    assert reasons[0].startswith("not JSON") and reasons[1].startswith("event too large")
    assert reasons[2].startswith("bad 'line' header") and out.dead[2].letter.field == "line"
    assert dict(out.dead[0].headers)["line"] == b"4" and dict(out.dead[0].headers)["topic"] == b"t.events"
    assert out.new_ids == {0: {"r1": "t.clips:0:0"}}
    assert {a.partition for a in out.events} == {judge_partition("c1", 4)}


def test_intake_rebuilds_its_index_from_the_table() -> None:
    step = Intake(partitions=2)
    step.load(0, [{"r1": "t.clips:0:7"}])
    out = step.take([Inbound(REC, "t.clips", 0, 9, [])])
    assert json.loads(out.books[0]) == {"kind": "duplicate", "pos": "t.clips:0:9", "event_id": "r1"}


def test_intake_orders_each_batch_by_event_time() -> None:
    raw = lines(200)
    shuffled = raw[:]
    random.Random(1).shuffle(shuffled)
    out = Intake(partitions=4).take(Inbound(v, "t.x", 0, i, []) for i, v in enumerate(shuffled))
    times = [a.event.occurred_at for a in out.events]
    assert times == sorted(times) and len(out.events) == len({json.loads(v)["event_id"] for v in raw})


# --- routing and the worker's judge --------------------------------------------------------------------

def _accepted(raw: list[bytes], parts: int) -> list[Any]:
    return Intake(parts).take(Inbound(v, "t.x", 0, i, []) for i, v in enumerate(raw)).events


def test_requests_are_judged_once_per_worker_and_sent_to_partitions_held_elsewhere() -> None:
    acc = _accepted(lines(300), 4)
    route = route_events(acc, frozenset({0, 1}), 4)
    n_broadcast = sum(is_broadcast(a.event.type) for a in acc)
    assert n_broadcast > 0
    assert len(route.judge) == n_broadcast + sum(a.partition in (0, 1) for a in acc if not is_broadcast(a.event.type))
    for p in (2, 3):  # every request reaches every partition held elsewhere, each clip event its own
        expected = [a.raw for a in acc if is_broadcast(a.event.type) or a.partition == p]
        assert route.forward[p] == expected
    assert set(route.keep) == {0, 1} and not set(route.forward) & {0, 1}


def _verdicts_from(books: dict[int, list[bytes]]) -> dict[str, dict]:
    out = {}
    for recs in books.values():
        for b in recs:
            doc = json.loads(b)
            if doc["kind"] == "verdict":
                out[doc["verdict"]["event_id"]] = doc["verdict"]
    return out


@pytest.mark.parametrize("split", [[{0, 1, 2, 3}], [{0, 1}, {2, 3}], [{0}, {1}, {2}, {3}]])
def test_workers_together_give_the_in_process_verdicts_once_each(split: list[set[int]]) -> None:
    raw = lines(500)
    expected = in_process_verdicts(raw)
    events = [parse_event(v) for v in raw]
    seen: dict[str, dict] = {}
    for local in split:
        wj = WorkerJudge(RULES, None, partitions=4, local=local)
        mine = [e for e in events if is_broadcast(e.type) or judge_partition(routing_key(e), 4) in local]
        assert not _verdicts_from(wj.add(mine).books), "nothing is final before the watermark passes it"
        out = wj.provide()  # read to the end: provisional verdicts for everything held
        got = _verdicts_from(out.books)
        assert not set(got) & set(seen), "a verdict reported by two workers"
        seen |= got
        marks = {p: json.loads(recs[-1]) for p, recs in out.books.items()}
        assert set(marks) == local
        assert all(m["kind"] == "progress" and m["broadcast"] == sum(is_broadcast(e.type) for e in events)
                   for m in marks.values())
    assert seen == expected


def test_a_late_recording_revises_the_verdicts_it_changes() -> None:
    wj = WorkerJudge(["core"], None, partitions=1, local={0})
    late = parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-02T00:00:00Z","clip_id":"c1",'
                       '"from_party":"resident:r","to_party":"agency:a","basis":"agreement","purpose":"x"}')
    wj.add([late])
    first = _verdicts_from(wj.provide().books)
    assert first["t"]["outcome"] == "flagged"
    again = wj.add([parse_event(REC), late])  # the repeat of "t" is ignored; the recording re-judges it
    revised = _verdicts_from(again.books)
    assert revised["t"]["outcome"] == "ok" and revised["r1"]["outcome"] == "ok"
    assert [s.topic for s in again.sends].count("violations") == 1  # the cleared violation is announced


class Scripted:
    """An event-time judge that answers each batch with the next of the changes it was given."""

    def __init__(self, *changes: list[tuple[Verdict, Verdict | None]]) -> None:
        self.changes = list(changes)
        self.ids: set[str] = set()

    def add(self, batch: Any, *, watermark: Any = None) -> list[tuple[Verdict, Verdict | None]]:
        self.ids |= {e.event_id for e in batch}
        return self.changes.pop(0)

    def provide(self) -> list[tuple[Verdict, Verdict | None]]:
        return []

    pending = 0

    def __contains__(self, event_id: object) -> bool:
        return event_id in self.ids


def test_a_search_sends_its_links_and_a_gating_rejudgement_retracts_them() -> None:
    search = parse_event('{"event_id":"s","type":"search","occurred_at":"2024-01-02T00:00:00Z",'
                         '"searcher":"agency:a-pd","reason":"theft","networks_searched":["agency:b-pd","agency:c-pd"],'
                         '"on_behalf_of":"agency:fbi"}')
    ok = default_judge(["core"]).judge(search)
    assert ok.outcome != "gated" and ok.edge is None
    gated = ok.model_copy(update={"outcome": "gated", "links": []})
    req = parse_event('{"event_id":"q","type":"footage_request","occurred_at":"2024-01-03T00:00:00Z","request_id":"q",'
                      '"requester":"agency:a-pd","platform":"ring","area":{"lat":0,"lon":0,"radius_m":100},'
                      '"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T06:00:00Z"},'
                      '"investigation_code":"C-1","purpose":"theft"}')
    script = Scripted([(ok, None)], [(gated, ok)])
    wj = WorkerJudge(["core"], None, partitions=1, local={0}, make_judge=lambda *_: script)
    first = [s for s in wj.add([search]).sends if s.topic == "custody-edges"]
    links = [("agency:b-pd", "agency:a-pd"), ("agency:b-pd", "agency:fbi"), ("agency:c-pd", "agency:a-pd"),
             ("agency:c-pd", "agency:fbi")]
    assert [(s.key.decode(), json.loads(s.value)["to_party"]) for s in first] == links  # keyed by network
    heads = [parse_custody_headers(s.headers) for s in first]
    assert [(h["event_id"], h["from"], h["to"], h["clip"]) for h in heads] == [("s", a, b, "") for a, b in links]

    # The live view fed the verdicts and the tracer fed custody-edges hold the same links, then neither.
    live = LiveState()
    live.feed_verdicts([ok])
    held: dict[str, dict[str, Any]] = {}
    for s in first:
        held[s.key.decode()] = apply_record(held.get(s.key.decode(), {}), json.loads(s.value))
    stored = sorted((e["from_party"], e["to_party"]) for v in held.values() for e in v.values())
    assert stored == links == sorted((u, v) for u, v, k in live.graph.graph.edges(keys=True) if k == "s")

    again = [s for s in wj.add([req]).sends if s.topic == "custody-edges"]
    assert sorted((s.key.decode(), json.loads(s.value)["to_party"]) for s in again) == links
    assert all(json.loads(s.value)["retracted"] for s in again)
    for s in again:
        held[s.key.decode()] = apply_record(held[s.key.decode()], json.loads(s.value))
    live.feed_verdicts([gated])
    assert held == {"agency:b-pd": {}, "agency:c-pd": {}}
    assert live.graph.graph.number_of_edges() == 0 and live.stats(max_age=0)["outcomes"]["gated"] == 1


# --- the agent, through Faust's test context ------------------------------------------------------------

class ListOutbox:
    """Records what the agent sends and keeps, instead of a producer."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes, Any, Any]] = []
        self.kept: list[tuple[str, int, str]] = []

    def send(self, topic: str, key: bytes, value: bytes, *, headers: Any = None, partition: Any = None) -> None:
        self.sent.append((topic, key, value, headers, partition))

    async def keep(self, table: Any, entries: list[tuple[int, str, Any]]) -> None:
        for p, key, value in entries:
            table.data[key] = value
            self.kept.append((table.name, p, key))

    def records(self, topic: str) -> list[dict]:
        out = []
        for t, _k, v, _h, _p in self.sent:
            if t == topic:
                doc = json.loads(v)
                out += doc["records"] if doc.get("kind") == "batch" else [doc]
        return out


@pytest.fixture
def app_and_box(tmp_path: Any) -> tuple[Any, ListOutbox]:
    box = ListOutbox()
    cfg = StreamConfig(bootstrap="127.0.0.1:1", layout=TopicLayout(prefix="t.", partitions=2), rules=RULES,
                       data_dir=str(tmp_path))
    app = create_app(cfg, outbox=box, ends=lambda: ([], lambda tp: None))  # no partitions: every input read
    app.finalize()
    app.conf.store = "memory://"
    app.flow_control.resume()
    return app, box


def test_agent_judges_what_it_reads_and_accounts_for_it(app_and_box: tuple[Any, ListOutbox]) -> None:
    app, box = app_and_box
    raw = lines(300)
    feed = raw + raw[:10] + [b"{oops"]

    async def run() -> list[Any]:
        results = []
        async with app.custodiet_components["pipeline"].test_context() as agent:
            for i, v in enumerate(feed, start=1):
                results.append(await agent.put(v, key=b"k", headers=[("line", str(i).encode())], wait=False))
            # one batch summary per batch; wait until every input is accounted for
            async with agent.new_value_processed:
                await agent.new_value_processed.wait_for(
                    lambda: sum(r["inputs"] for r in agent.results.values()) >= len(feed))
            verdicts_before = [r for r in box.records("t.verdicts") if r["kind"] == "verdict"]
            for _ in range(2):  # the worker's timer: read to the end for two checks running, it gives verdicts
                await app.custodiet_components["idle_check"]()
        assert not verdicts_before, "the watermark passed nothing: no verdict before the end of the inputs"
        return results

    asyncio.run(run())
    books = box.records("t.verdicts")
    kinds = [r["kind"] for r in books]
    assert kinds.count("forwarded") == len(raw) and kinds.count("duplicate") == 10 and kinds.count("dead") == 1
    expected = in_process_verdicts(raw)
    got = {r["verdict"]["event_id"]: r["verdict"] for r in books if r["kind"] == "verdict"}
    assert got == expected
    assert [t for t, *_ in box.sent].count("t.judge-in") == 0  # one worker holds every partition: no second trip
    assert {name for name, _p, _k in box.kept} == {"history", "seen"}
    dead = [(h, json.loads(v)) for t, _k, v, h, _p in box.sent if t == "t.dead-letters"]
    assert len(dead) == 1 and dict(dead[0][0])["line"] == str(len(feed)).encode()


def test_agent_turns_a_bad_line_header_into_a_dead_letter(app_and_box: tuple[Any, ListOutbox]) -> None:
    app, box = app_and_box

    async def run() -> None:
        async with app.custodiet_components["pipeline"].test_context() as agent:
            await agent.put(REC, key=b"c1", headers=[("line", b"twelve")])

    asyncio.run(run())
    (dead,) = [json.loads(v) for t, _k, v, _h, _p in box.sent if t == "t.dead-letters"]
    assert dead["reason"] == "bad 'line' header: 'twelve' is not a line number"
    assert [r["kind"] for r in box.records("t.verdicts") if r["kind"] != "progress"] == ["dead"]


# --- errors a person sees -------------------------------------------------------------------------------

def test_check_on_a_port_where_nothing_listens_is_one_line_and_exit_2(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from custodiet.cli import app
    from streams.check import free_port

    log = tmp_path / "log.jsonl"
    log.write_bytes(REC + b"\n")
    port = free_port()
    res = CliRunner().invoke(app, ["check", str(log), "--broker", f"kafka://127.0.0.1:{port}"])
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert lines == [f"custodiet: error: no Kafka broker at 127.0.0.1:{port}: connection refused"]
