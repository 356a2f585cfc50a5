"""Shared machinery of the streaming figures: a broker, Faust worker pools, the plain aiokafka loop and the
naive Faust agent, all fed the same realistic lines, each on its own topics.

Rates count from the first output record to the last (Kafka record timestamps, set by the writer), so
worker start-up and the consumer-group join (3-6 s on the local broker) are left out: every pool is
started first, the bench waits until its group is ``Stable`` with all its members, and only then produces
the input. The plain loop reads input produced beforehand (it needs no group) and is timed from its first
fetched record to its last flushed output.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SESSION_TIMEOUT_S = 6.0


@contextlib.contextmanager
def broker() -> Iterator[str]:
    """Bootstrap of ``KAFKA_BOOTSTRAP_SERVERS`` if set, else a local Tansu broker for the duration."""
    env = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if env:
        from streams.broker import broker_url_to_bootstrap

        yield broker_url_to_bootstrap(env)
        return
    from streams.broker import LocalBroker

    with LocalBroker() as b:
        yield b.bootstrap


async def _group_state(bootstrap: str, group: str) -> tuple[str, int]:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        resp = await admin.describe_consumer_groups([group])
        g = resp[0].groups[0] if hasattr(resp[0], "groups") else resp[0]
        return str(g[2]), len(g[5])
    finally:
        await admin.close()


def wait_stable(bootstrap: str, group: str, members: int, timeout: float = 60.0) -> float:
    """Wait until consumer group ``group`` is Stable with ``members`` members; returns seconds waited."""
    t0 = time.monotonic()
    while True:
        with contextlib.suppress(Exception):
            state, n = asyncio.run(_group_state(bootstrap, group))
            if state == "Stable" and n >= members:
                return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise RuntimeError(f"group {group} not stable with {members} members after {timeout:.0f}s")
        time.sleep(0.25)


@dataclass
class Pipeline:
    """The custodiet Faust pipeline (streams.app via streams.worker) with ``workers`` processes."""

    bootstrap: str
    workers: int
    partitions: int
    patches: str = ""  # BENCH_PATCHES for bench.patched_worker; empty: the real streams.worker
    layout: Any = None
    cfg: Any = None
    pool: Any = None
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="custodiet-bench-")))

    def start(self) -> None:
        from streams.admin import create_topics
        from streams.check import WorkerPool
        from streams.config import StreamConfig
        from streams.topics import TopicLayout

        run = uuid.uuid4().hex[:8]
        self.layout = TopicLayout(prefix=f"bench-{run}.", partitions=self.partitions)
        self.cfg = StreamConfig(bootstrap=self.bootstrap, layout=self.layout, rules=None,
                                app_id=f"custodiet-bench-{run}", data_dir=str(self.log_dir))
        create_topics(self.bootstrap, self.layout.all_topics())
        self.pool = WorkerPool(self.cfg, self.log_dir)
        if self.patches:
            self._start_patched()
            return
        for i in range(self.workers):
            self.pool.start(f"w{i + 1}")

    def _start_patched(self) -> None:
        from dataclasses import replace

        from streams.check import free_port

        for i in range(self.workers):
            name = f"w{i + 1}"
            cfg = replace(self.cfg, web_port=free_port(), data_dir=str(self.log_dir / f"data-{name}"))
            env = {**os.environ, **cfg.to_env(), "BENCH_PATCHES": self.patches,
                   "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
            env.pop("BROKER_URL", None)
            log = (self.log_dir / f"{name}.log").open("ab")
            self.pool.procs[name] = subprocess.Popen(
                [sys.executable, "-m", "bench.patched_worker", "worker", "-l", "warn", "--web-port",
                 str(cfg.web_port)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT))

    def wait_ready(self) -> float:
        return wait_stable(self.bootstrap, self.cfg.app_id, self.workers)

    def measure(self, lines: list[bytes], timeout: float = 600.0) -> dict[str, Any]:
        from streams.check import produce_lines
        from streams.collector import Collector

        n = asyncio.run(produce_lines(self.bootstrap, self.layout, enumerate(lines, start=1), "bench",
                                      1_000_000))
        collector = Collector(n, self.partitions)
        stamps = asyncio.run(_consume(self.bootstrap, self.layout.name("verdicts"), self.partitions,
                                      lambda _p, v: collector.apply(_p, json.loads(v)), collector.done,
                                      timeout, self.pool.check_alive))
        doc = collector.document([])
        return _rate(n, stamps) | {"processed": doc["processed"], "workers": self.workers,
                                   "partitions": self.partitions}

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.stop()


@dataclass
class NaiveAgent:
    """The naive Faust agent (bench.naive_worker): one faust.Record and one ``await send`` per event."""

    bootstrap: str
    partitions: int
    proc: Any = None
    layout: Any = None
    app_id: str = ""
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="custodiet-naive-")))

    def start(self) -> None:
        from streams.admin import create_topics
        from streams.check import free_port
        from streams.topics import TopicLayout

        run = uuid.uuid4().hex[:8]
        self.layout = TopicLayout(prefix=f"naive-{run}.", partitions=self.partitions)
        self.app_id = f"custodiet-naive-{run}"
        create_topics(self.bootstrap, {**{t: self.partitions for t in self.layout.inputs()},
                                       self.layout.name("out"): self.partitions})
        port = free_port()
        env = {**os.environ, "NAIVE_BOOTSTRAP": self.bootstrap, "NAIVE_APP_ID": self.app_id,
               "NAIVE_INPUTS": ",".join(self.layout.inputs()), "NAIVE_OUTPUT": self.layout.name("out"),
               "NAIVE_PARTITIONS": str(self.partitions), "NAIVE_WEB_PORT": str(port),
               "NAIVE_DATA_DIR": str(self.log_dir / "data"),
               "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        env.pop("BROKER_URL", None)
        log = (self.log_dir / "naive.log").open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.naive_worker", "worker", "-l", "warn",
                                      "--web-port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                                     cwd=str(ROOT))

    def wait_ready(self) -> float:
        return wait_stable(self.bootstrap, self.app_id, 1)

    def _alive(self) -> None:
        if self.proc.poll() is not None:
            tail = (self.log_dir / "naive.log").read_text(errors="replace")[-1500:]
            raise RuntimeError(f"naive worker exited with {self.proc.returncode}:\n{tail}")

    def measure(self, lines: list[bytes], timeout: float = 600.0) -> dict[str, Any]:
        from streams.check import produce_lines

        n = asyncio.run(produce_lines(self.bootstrap, self.layout, enumerate(lines, start=1), "bench",
                                      1_000_000))
        seen = [0]

        def count(_p: int, _v: bytes) -> None:
            seen[0] += 1

        stamps = asyncio.run(_consume(self.bootstrap, self.layout.name("out"), self.partitions, count,
                                      lambda: seen[0] >= n, timeout, self._alive))
        return _rate(n, stamps) | {"forwarded": seen[0]}

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _rate(n: int, stamps: tuple[int, int, int]) -> dict[str, Any]:
    first, last, records = stamps
    span = max((last - first) / 1000.0, 1e-3)
    return {"events": n, "rate": round(n / span), "span_s": round(span, 3), "output_records": records}


async def _consume(bootstrap: str, topic: str, partitions: int, apply: Any, done: Any, timeout: float,
                   alive: Any) -> tuple[int, int, int]:
    """Read ``topic`` from the start until ``done()``: (first record timestamp, last, records read)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    first, last, records = 1 << 62, 0, 0
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        deadline = time.monotonic() + timeout
        while not done():
            alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out reading {topic}")
            batches = await consumer.getmany(timeout_ms=200, max_records=10_000)
            for tp, recs in batches.items():
                for r in recs:
                    records += 1
                    first = min(first, r.timestamp)
                    last = max(last, r.timestamp)
                    apply(tp.partition, r.value)
    finally:
        await consumer.stop()
    return first, last, records


# --- the plain loop -----------------------------------------------------------------------------------

def plain_loop(bootstrap: str, lines: list[bytes], partitions: int) -> dict[str, Any]:
    """A plain aiokafka consume-judge-produce loop doing the pipeline's work in one process: decode,
    de-duplicate, route to per-partition ``PartitionJudge``s (broadcast types to all), judge, and produce
    the same verdict, violation, custody-edge (with custody headers) and accounting records."""
    from streams.admin import create_topics
    from streams.check import produce_lines
    from streams.topics import TopicLayout

    run = uuid.uuid4().hex[:8]
    layout = TopicLayout(prefix=f"plain-{run}.", partitions=partitions)
    create_topics(bootstrap, layout.all_topics())
    n = asyncio.run(produce_lines(bootstrap, layout, enumerate(lines, start=1), "bench", 1_000_000))
    return asyncio.run(_plain(bootstrap, layout, n)) | {"events": n}


async def _plain(bootstrap: str, layout: Any, n: int) -> dict[str, Any]:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
    from aiokafka.partitioner import murmur2

    from classify.registry import default_registry
    from judge.decode import decode
    from schemas.records import DeadLetter
    from streams.context import custody_headers
    from streams.partition_judge import PartitionJudge
    from streams.records import accounting, batch_record, dead_letter_value, position, progress_record, verdict_record
    from streams.topics import is_broadcast, routing_key

    parts = layout.partitions
    registry = default_registry()
    judges = {p: PartitionJudge(None, registry) for p in range(parts)}
    seen: dict[str, str] = {}
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", max_partition_fetch_bytes=4 << 20)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, linger_ms=5,
                                max_batch_size=256 * 1024)
    await consumer.start()
    await producer.start()
    verdicts, edges, violations, dead = (layout.name(t) for t in ("verdicts", "custody-edges", "violations",
                                                                   "dead-letters"))
    read = 0
    t_first = None
    try:
        tps = [TopicPartition(t, p) for t in layout.inputs() for p in range(parts)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        while read < n:
            batches = await consumer.getmany(timeout_ms=200, max_records=1000)
            if not batches:
                continue
            if t_first is None:
                t_first = time.perf_counter()
            sends = []
            books: list[bytes] = []
            by_partition: dict[int, list[Any]] = {}
            for _tp, recs in batches.items():
                for r in recs:
                    read += 1
                    pos = position(r.topic, r.partition, r.offset)
                    out = decode(r.value)
                    if isinstance(out, DeadLetter):
                        sends.append(await producer.send(dead, dead_letter_value(out), key=pos.encode()))
                        books.append(accounting("dead", pos=pos, line=out.line, reason=out.reason, field=out.field))
                        continue
                    first = seen.get(out.event_id)
                    if first is not None and first != pos:
                        books.append(accounting("duplicate", pos=pos, event_id=out.event_id))
                        continue
                    seen.setdefault(out.event_id, pos)
                    if is_broadcast(out.type):
                        for p in range(parts):
                            by_partition.setdefault(p, []).append(out)
                    else:
                        p = (murmur2(routing_key(out).encode()) & 0x7FFFFFFF) % parts
                        by_partition.setdefault(p, []).append(out)
                    books.append(accounting("forwarded", pos=pos, event_id=out.event_id,
                                            broadcast=is_broadcast(out.type)))
            sends.append(await producer.send(verdicts, batch_record(books), key=b"intake"))
            for p, events in by_partition.items():
                pj = judges[p]
                vbooks: list[bytes] = []
                for v, before in pj.add(events):
                    if is_broadcast(v.event_type) and p != 0:
                        continue
                    vbooks.append(verdict_record(v))
                    if v.violations or (before is not None and before.violations):
                        doc = json.dumps({"event_id": v.event_id}).encode()[:-1] + b',"violations":[' + b",".join(
                            x.model_dump_json().encode() for x in v.violations) + b"]}"
                        sends.append(await producer.send(violations, doc, key=v.event_id.encode()))
                    e = v.edge
                    if e is not None:
                        hdrs = custody_headers(clip_id=e.clip_id or "", event_id=e.event_id, from_party=e.from_party,
                                               to_party=e.to_party, occurred_at=e.occurred_at.isoformat(),
                                               parent_event_id=e.parent_event, hop=e.hop)
                        sends.append(await producer.send(edges, e.model_dump_json().encode(),
                                                         key=(e.clip_id or e.from_party).encode(), headers=hdrs))
                n_b = sum(k for t, k in pj.type_counts.items() if is_broadcast(t))
                vbooks.append(progress_record(p, len(pj), n_b))
                sends.append(await producer.send(verdicts, batch_record(vbooks), key=f"verdicts-{p}".encode(),
                                                 partition=p))
            await asyncio.gather(*sends)
        t_last = time.perf_counter()
    finally:
        await consumer.stop()
        await producer.stop()
    span = max(t_last - (t_first or t_last), 1e-3)
    return {"rate": round(n / span), "span_s": round(span, 3)}


# --- the runs both streaming figures read -------------------------------------------------------------

STREAM_EVENTS = {"full": 30_000, "quick": 6_000, "smoke": 500}
PARTITIONS = 4
_RUNS: dict[str, dict[str, Any]] = {}


def stream_runs(size: str) -> dict[str, Any]:
    """Plain loop, pipeline with one worker, pipeline with two workers and the naive agent, on one broker and
    the same lines; computed once per size and shared by ``stream_vs_plain_loop`` and ``two_workers_vs_one``.

    All worker processes start together (their joins overlap); each is measured alone afterwards.
    """
    if size in _RUNS:
        return _RUNS[size]
    from bench import realistic_lines

    lines = realistic_lines(STREAM_EVENTS[size])
    out: dict[str, Any] = {"events": len(lines), "partitions": PARTITIONS}
    with broker() as bootstrap:
        one, two, naive = Pipeline(bootstrap, 1, PARTITIONS), Pipeline(bootstrap, 2, PARTITIONS), NaiveAgent(
            bootstrap, PARTITIONS)
        try:
            for p in (one, two, naive):
                p.start()
            out["plain"] = plain_loop(bootstrap, lines, PARTITIONS)
            out["join_s"] = {"one": round(one.wait_ready(), 2), "two": round(two.wait_ready(), 2),
                             "naive": round(naive.wait_ready(), 2)}
            out["one"] = one.measure(lines)
            out["two"] = two.measure(lines)
            out["naive"] = naive.measure(lines)
        finally:
            for p in (one, two, naive):
                p.stop()
    _RUNS[size] = out
    return out
