"""Shared machinery of the streaming figures: a broker, Faust worker pools and a raw aiokafka produce +
consume of the same bytes, each on its own topics.

Worker start-up and the consumer-group join (3-6 s on the local broker) are left out: every pool is
started first, the bench waits until its group is ``Stable`` with all its members, and only then produces
the input. A pool's time is from the start of producing to the moment every input is accounted for
(``judge.collector.Collector.done``): what ``check --broker`` spends per log once its workers are up.
CPU seconds and peak resident memory are read from ``/proc`` for every worker process of the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SESSION_TIMEOUT_S = 6.0
IDLE_S = 3.0  # seconds each pool is watched idle before its run


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


def wait_stable(bootstrap: str, group: str, members: int, timeout: float = 180.0) -> float:
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
    layout: Any = None
    cfg: Any = None
    pool: Any = None
    lateness: str = "7d"  # the workers' --max-lateness
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="custodiet-bench-")))

    def start(self) -> None:
        from streams.admin import create_topics
        from streams.check import WorkerPool
        from streams.config import StreamConfig
        from streams.topics import TopicLayout

        run = uuid.uuid4().hex[:8]
        self.layout = TopicLayout(prefix=f"bench-{run}.", partitions=self.partitions)
        self.cfg = StreamConfig(bootstrap=self.bootstrap, layout=self.layout, rules=None,
                                app_id=f"custodiet-bench-{run}", data_dir=str(self.log_dir), max_lateness=self.lateness)
        create_topics(self.bootstrap, self.layout.all_topics())
        self.pool = WorkerPool(self.cfg, self.log_dir)
        for i in range(self.workers):
            self.pool.start(f"w{i + 1}")

    def wait_ready(self) -> float:
        return wait_stable(self.bootstrap, self.cfg.app_id, self.workers)

    def measure(self, lines: list[bytes], timeout: float = 600.0) -> dict[str, Any]:
        from judge.collector import Collector
        from streams.check import produce_lines

        pids = [p.pid for p in self.pool.procs.values()]
        idle0 = sum(cpu_seconds(p) for p in pids)
        time.sleep(IDLE_S)  # what the workers spend doing nothing (heartbeats, commits, timers)
        idle = (sum(cpu_seconds(p) for p in pids) - idle0) / IDLE_S
        cpu0, rss0 = sum(cpu_seconds(p) for p in pids), sum(rss_bytes(p) for p in pids)
        t0 = time.perf_counter()
        n = asyncio.run(produce_lines(self.bootstrap, self.layout, enumerate(lines, start=1), "bench",
                                      1_000_000))
        collector = Collector(n, self.partitions)
        stamps = asyncio.run(_consume(self.bootstrap, self.layout.name("verdicts"), self.partitions,
                                      lambda _p, v: collector.apply_json(_p, v), collector.done,
                                      timeout, self.pool.check_alive))
        wall = time.perf_counter() - t0
        cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        peak = sum(rss_bytes(p, "VmHWM") for p in pids)
        doc = collector.document([])
        return _rate(n, stamps) | {
            "processed": doc["processed"], "workers": self.workers, "partitions": self.partitions,
            "wall_s": round(wall, 3), "wall_rate": round(n / wall), "cpu_s": round(cpu, 3),
            "idle_cpu_s_per_s": round(idle, 4), "cpu_s_less_idle": round(max(cpu - idle * wall, 0.0), 3),
            "cpu_us_per_event": round(cpu / n * 1e6, 1), "rss_before": rss0, "rss_peak": peak,
            "document": doc}

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.stop()


@dataclass
class BarePipeline(Pipeline):
    """Faust's ceiling: one worker process of ``bench.faust_bare`` (a bare agent that only consumes the input
    topics), measured as ``Pipeline`` is, until it has read every input."""

    procs: list[Any] = field(default_factory=list)

    def start(self) -> None:
        import subprocess
        import sys
        from dataclasses import replace

        from streams.admin import create_topics
        from streams.check import free_port
        from streams.config import StreamConfig
        from streams.topics import TopicLayout

        run = uuid.uuid4().hex[:8]
        self.layout = TopicLayout(prefix=f"bare-{run}.", partitions=self.partitions)
        self.cfg = StreamConfig(bootstrap=self.bootstrap, layout=self.layout, rules=None,
                                app_id=f"custodiet-bare-{run}", data_dir=str(self.log_dir))
        create_topics(self.bootstrap, self.layout.all_topics())
        cfg = replace(self.cfg, web_port=free_port(), data_dir=str(self.log_dir / "data-bare"))
        env = {**os.environ, **cfg.to_env(), "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        env.pop("BROKER_URL", None)
        log = (self.log_dir / "bare.log").open("ab")
        self.procs = [subprocess.Popen([sys.executable, "-m", "bench.faust_bare", "worker", "-l", "warn",
                                        "--web-port", str(cfg.web_port)], env=env, stdout=log,
                                       stderr=subprocess.STDOUT, cwd=str(ROOT))]

    def measure(self, lines: list[bytes], timeout: float = 600.0) -> dict[str, Any]:
        import json

        from streams.check import produce_lines

        pid = self.procs[0].pid
        cpu0 = cpu_seconds(pid)
        t0 = time.perf_counter()
        n = asyncio.run(produce_lines(self.bootstrap, self.layout, enumerate(lines, start=1), "bench", 1_000_000))
        read = [0]

        def alive() -> None:
            if self.procs[0].poll() is not None:
                raise RuntimeError(f"the bare Faust worker exited: see {self.log_dir / 'bare.log'}")

        stamps = asyncio.run(_consume(self.bootstrap, self.layout.name("verdicts"), self.partitions,
                                      lambda _p, v: read.__setitem__(0, max(read[0], json.loads(v)["read"])),
                                      lambda: read[0] >= n, timeout, alive))
        wall = time.perf_counter() - t0
        cpu = cpu_seconds(pid) - cpu0
        return _rate(n, stamps) | {"workers": 1, "partitions": self.partitions, "wall_s": round(wall, 3),
                                   "wall_rate": round(n / wall), "cpu_s": round(cpu, 3),
                                   "cpu_us_per_event": round(cpu / n * 1e6, 1)}

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
            try:
                p.wait(timeout=15)
            except Exception:
                p.kill()
                p.wait()


def _rate(n: int, stamps: tuple[int, int, int]) -> dict[str, Any]:
    first, last, records = stamps
    span = max((last - first) / 1000.0, 1e-3)
    return {"events": n, "rate": round(n / span), "span_s": round(span, 3), "output_records": records}


async def _consume(bootstrap: str, topic: str, partitions: int, apply: Any, done: Any, timeout: float,
                   alive: Any) -> tuple[int, int, int]:
    """Read ``topic`` from the start until ``done()`` (``streams.reader.read_topic``): (first record timestamp,
    last, records read)."""
    from streams.reader import read_topic

    stamps = [1 << 62, 0, 0]

    def take(partition: int, r: Any) -> None:
        stamps[0] = min(stamps[0], r.timestamp)
        stamps[1] = max(stamps[1], r.timestamp)
        stamps[2] += 1
        apply(partition, r.value)

    await read_topic(bootstrap, topic, partitions, take, done=done, timeout=timeout, alive=alive)
    return stamps[0], stamps[1], stamps[2]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (``/proc/PID/stat``)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory now (``VmRSS``) or at its peak (``VmHWM``), in bytes."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def raw_kafka(bootstrap: str, lines: list[bytes], partitions: int) -> dict[str, Any]:
    """The floor: produce the same bytes with aiokafka (same producer settings as ``check --broker``) and
    consume them all back, on a fresh topic; seconds from the first send to the last record read."""
    from streams.admin import create_topics

    topic = f"raw-{uuid.uuid4().hex[:8]}"
    create_topics(bootstrap, {topic: partitions})
    return asyncio.run(_raw(bootstrap, topic, lines, partitions))


async def _raw(bootstrap: str, topic: str, lines: list[bytes], partitions: int) -> dict[str, Any]:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, linger_ms=5,
                                max_batch_size=256 * 1024)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await producer.start()
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        t0 = time.perf_counter()
        pending = []
        for i, raw in enumerate(lines):
            pending.append(await producer.send(topic, raw, key=str(i).encode(), headers=[("line", str(i).encode())]))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
        read = 0
        while read < len(lines):
            for recs in (await consumer.getmany(timeout_ms=200, max_records=10_000)).values():
                read += len(recs)
        wall = time.perf_counter() - t0
    finally:
        await consumer.stop()
        await producer.stop()
    return {"events": len(lines), "wall_s": round(wall, 3), "wall_rate": round(len(lines) / wall)}


# --- the runs every streaming figure reads ------------------------------------------------------------

STREAM_EVENTS = {"full": 40_000, "quick": 8_000, "smoke": 400}
SHUFFLE_EVENTS = {"full": 400_000, "quick": 12_000, "smoke": 400}
PARTITIONS = 8
_RUNS: dict[str, dict[str, Any]] = {}


def shuffled(lines: list[bytes], seed: int = 7) -> list[bytes]:
    """The same lines in a random order."""
    import random

    out = lines[:]
    random.Random(seed).shuffle(out)
    return out


def stream_runs(size: str) -> dict[str, Any]:
    """On one broker: the raw produce + consume floor, the in-process check of the same lines, and Faust
    pools of 1, 2 and 4 workers on 8 partitions (the 1-worker pool on time-ordered lines, and another 1-worker
    pool on the same lines shuffled). Computed once per size and shared by every streaming figure.

    All worker processes start together (their joins overlap); each pool is measured alone afterwards.
    """
    if size in _RUNS:
        return _RUNS[size]
    from bench import best_of, scaled_lines
    from judge.pipeline import run_check

    lines = scaled_lines(STREAM_EVENTS[size])
    sorted_lines = scaled_lines(SHUFFLE_EVENTS[size])
    out: dict[str, Any] = {"events": len(lines), "partitions": PARTITIONS}
    reps = 1 if size == "smoke" else 3
    t_in = best_of(lambda: run_check(enumerate(lines, start=1)), reps)
    expected = run_check(enumerate(lines, start=1)).document()
    shuffled_lines = shuffled(sorted_lines)
    expected_sorted = run_check(enumerate(sorted_lines, start=1)).document()
    # A full shuffle of a year-long log is far beyond the 7-day lateness: which events come too late then
    # depends on arrival order, which differs between a file and a broker's topics. Both sides wait for ever.
    expected_shuffled = run_check(enumerate(shuffled_lines, start=1), late_after=None).document()
    out["in_process"] = {"events": len(lines), "wall_s": round(t_in, 3), "wall_rate": round(len(lines) / t_in)}
    with broker() as bootstrap:
        pools = {"bare": BarePipeline(bootstrap, 1, PARTITIONS), "one": Pipeline(bootstrap, 1, PARTITIONS),
                 "two": Pipeline(bootstrap, 2, PARTITIONS),
                 "four": Pipeline(bootstrap, 4, PARTITIONS), "sorted": Pipeline(bootstrap, 1, PARTITIONS),
                 "shuffled": Pipeline(bootstrap, 1, PARTITIONS, lateness="none")}
        try:
            for p in pools.values():
                p.start()
            out["raw"] = raw_kafka(bootstrap, lines, PARTITIONS)
            out["join_s"] = {k: round(p.wait_ready(), 2) for k, p in pools.items()}
            for name in ("bare", "one", "two", "four"):
                out[name] = pools[name].measure(lines)
            out["sorted"] = pools["sorted"].measure(sorted_lines)
            out["shuffled"] = pools["shuffled"].measure(shuffled_lines)
        finally:
            for p in pools.values():
                p.stop()
    # Every run must give the in-process document of its lines (counts, violations by rule, outcomes): a
    # streaming figure whose runs disagree is not met, however fast.
    wanted = {"one": expected, "two": expected, "four": expected, "sorted": expected_sorted,
              "shuffled": expected_shuffled}
    out["agree"] = {name: core_document(out[name].pop("document")) == core_document(doc)
                    for name, doc in wanted.items()}
    out["documents_agree"] = all(out["agree"].values())
    _RUNS[size] = out
    return out


def core_document(doc: dict[str, Any]) -> dict[str, Any]:
    """What a streaming run must reproduce of the in-process document: the accounting, the events judged
    late, violations by rule and outcomes."""
    return {k: doc.get(k) for k in ("events_in", "processed", "duplicates", "dead_letters", "beyond_lateness",
                                    "violations", "outcomes")}


def agreement(r: dict[str, Any], *names: str) -> dict[str, Any]:
    """The ``extra`` of a streaming figure: whether each run it reads gave the in-process document (the
    figure is not met otherwise)."""
    checks = {f"document_agrees_{n}": r["agree"][n] for n in names}
    return {"checks": checks, "all_targets_met": all(checks.values())}
