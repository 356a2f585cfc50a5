"""``custodiet check --broker``: produce a log to the input topics, run the Faust agents as worker
processes, and wait until every input is accounted for; prints the same document as in-process.

Each run uses its own topic prefix and consumer group, so runs never see each other's messages.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from judge.collector import Collector, StreamError
from judge.pipeline import read_lines
from judge.rulesets import load_rule_sets
from judge.runner import Runner
from judge.tally import CheckTally
from streams.admin import create_topics
from streams.broker import broker_url_to_bootstrap
from streams.config import StreamConfig
from streams.reader import read_topic
from streams.topics import TopicLayout, routing_key

__all__ = ["check_on_kafka", "KafkaRun", "KafkaRunner", "StreamError", "WorkerPool", "produce_lines", "free_port",
           "probe_broker"]

ROOT = Path(__file__).resolve().parents[1]


def probe_broker(bootstrap: str, timeout_s: float = 3.0) -> None:
    """Raise ``StreamError`` (one line) unless some ``host:port`` of ``bootstrap`` accepts a connection and
    answers a Kafka metadata request, within a few seconds.

    >>> probe_broker(f"127.0.0.1:{free_port()}", 1.0)
    Traceback (most recent call last):
    ...
    judge.collector.StreamError: no Kafka broker at 127.0.0.1:...: connection refused
    """
    from streams.broker import kafka_metadata_error

    reasons = []
    for hp in bootstrap.split(","):
        host, _, port = hp.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout_s):
                pass
        except (OSError, ValueError) as e:
            refused = isinstance(e, ConnectionRefusedError)
            reasons.append("connection refused" if refused else str(e) or type(e).__name__)
            continue
        problem = kafka_metadata_error(bootstrap, timeout_s)
        if problem is None:
            return
        raise StreamError(f"{bootstrap} accepts connections but does not answer as a Kafka broker: {problem}")
    raise StreamError(f"no Kafka broker at {bootstrap}: {'; '.join(sorted(set(reasons)))}")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WorkerPool:
    """Faust worker processes for one configuration (each with its own web port and data dir)."""

    def __init__(self, cfg: StreamConfig, log_dir: Path) -> None:
        self.cfg = cfg
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> subprocess.Popen[bytes]:
        """Start (or restart) worker ``name``."""
        cfg = replace(self.cfg, web_port=free_port(), data_dir=str(self.log_dir / f"data-{name}"))
        env = {**os.environ, **cfg.to_env(), "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        env.pop("BROKER_URL", None)  # Faust's own variable would override ours
        log = (self.log_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.worker", "worker", "-l", "warn", "--web-port", str(cfg.web_port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT))
        self.procs[name] = proc
        return proc

    def check_alive(self) -> None:
        """Raise if a worker exited on its own (one line: the status, the log's last line, the log's path)."""
        for name, p in self.procs.items():
            if p.poll() is not None:
                path = self.log_dir / f"{name}.log"
                lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
                last = lines[-1].strip()[:300] if lines else "no output"
                raise StreamError(f"worker {name} exited with status {p.returncode}: {last} (log: {path})")

    def kill(self, name: str) -> None:
        """SIGKILL one worker (for fault tests)."""
        p = self.procs.pop(name)
        p.kill()
        p.wait()

    def stop(self) -> None:
        """Stop every worker: terminate, then kill after a grace period."""
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + 15
        for p in self.procs.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs.clear()


def _peek(raw: bytes) -> tuple[str | None, str | None]:
    """(type, routing key) if the line is a JSON object that says so; only used to pick topic and key.

    >>> _peek(b'{"type":"transfer","clip_id":"c9","event_id":"e"}'), _peek(b"[]")
    (('transfer', 'c9'), (None, None))
    """
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, None
    if not isinstance(doc, dict):
        return None, None
    t = doc.get("type")
    key = routing_key(doc) if isinstance(doc.get("event_id"), str) else None
    return (t if isinstance(t, str) else None), key


async def produce_lines(bootstrap: str, layout: TopicLayout, lines: Iterable[tuple[int, bytes]], source: str,
                        max_bytes: int) -> int:
    """Produce raw lines to their input topics, keyed by routing key (so each lands on the partition that
    judges it); returns how many were sent."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False,
                                linger_ms=5, max_batch_size=256 * 1024, max_request_size=max_bytes + 65536)
    await producer.start()
    n = 0
    try:
        pending = []
        for line_no, raw in lines:
            kind, routing = _peek(raw)
            key = (routing or f"line-{line_no}").encode()
            headers = [("line", str(line_no).encode()), ("source", source.encode())]
            size = getattr(raw, "size", None)  # a line over the size limit: its head only, and its real size
            if size is not None:
                headers.append(("size", str(size).encode()))
            pending.append(await producer.send(layout.input_for(kind), raw, key=key, headers=headers))
            n += 1
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return n


class KafkaRun:
    """One run on a broker: its own topics (unique prefix), consumer group and worker processes."""

    def __init__(self, broker: str, rules: list[str] | None, *, workers: int = 1, partitions: int = 4,
                 registry_path: str | None = None, max_bytes: int = 1_000_000, max_lateness: str = "7d") -> None:
        self.bootstrap = broker_url_to_bootstrap(broker)
        probe_broker(self.bootstrap)
        run = uuid.uuid4().hex[:10]
        self.layout = TopicLayout(prefix=f"custodiet-{run}.", partitions=partitions)
        self.log_dir = Path(tempfile.mkdtemp(prefix=f"custodiet-run-{run}-"))
        self.cfg = StreamConfig(bootstrap=self.bootstrap, layout=self.layout, rules=rules,
                                app_id=f"custodiet-run-{run}", registry_path=registry_path,
                                max_event_bytes=max_bytes, data_dir=str(self.log_dir), max_lateness=max_lateness)
        self.max_bytes = max_bytes
        self.rule_sets = [rs.id for rs in load_rule_sets(rules)]
        create_topics(self.bootstrap, self.layout.all_topics())
        self.pool = WorkerPool(self.cfg, self.log_dir)
        for i in range(workers):
            self.pool.start(f"w{i + 1}")

    def produce(self, lines: Iterable[tuple[int, bytes]], source: str = "-") -> int:
        """Produce raw lines to the input topics; returns how many."""
        return asyncio.run(produce_lines(self.bootstrap, self.layout, lines, source, self.max_bytes))

    def collect(self, collector: Collector, timeout: float = 300.0, until: Any = None) -> Collector:
        """Read the verdicts topic (from the start) into ``collector`` until it is done or ``until()``."""
        asyncio.run(read_topic(self.bootstrap, self.layout.name("verdicts"), self.layout.partitions,
                               lambda p, r: collector.apply_json(p, r.value),
                               done=until if until is not None else collector.done, timeout=timeout,
                               alive=self.pool.check_alive, why=collector.missing, offsets=collector.offsets))
        return collector

    def stop(self) -> None:
        """Stop the workers."""
        self.pool.stop()

    def __enter__(self) -> KafkaRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class KafkaRunner(Runner):
    """``custodiet check --broker`` as a :class:`judge.runner.Runner`: Faust workers on a broker judge what is
    fed; the accounting is read back from the ``verdicts`` topic into one ``CheckTally`` by a
    :class:`judge.collector.Collector` (``settle`` waits until it is done)."""

    name = "faust-workers"

    def __init__(self, broker: str, rule_sets: list[str] | None = None, registry_path: str | None = None, *,
                 workers: int = 1, partitions: int = 4, max_bytes: int = 1_000_000, max_lateness: str = "7d",
                 source: str = "-") -> None:
        super().__init__(rule_sets, max_bytes=max_bytes, source=source)
        self.broker, self.registry_path = broker, registry_path
        self.workers, self.partitions, self.max_lateness = workers, partitions, max_lateness
        self.run: KafkaRun | None = None
        self.collector = Collector(0, partitions)

    @property
    def rule_sets(self) -> list[str]:  # noqa: D102 - Runner's
        return [rs.id for rs in load_rule_sets(self.rule_set_names)]

    def start(self) -> None:  # noqa: D102 - Runner's
        self.run = KafkaRun(self.broker, self.rule_set_names, workers=self.workers, partitions=self.partitions,
                            registry_path=self.registry_path, max_bytes=self.max_bytes, max_lateness=self.max_lateness)

    def _running(self) -> KafkaRun:
        if self.run is None:
            raise StreamError("the runner is not started")
        return self.run

    def feed(self, lines: Iterable[tuple[int, bytes]]) -> None:  # noqa: D102 - Runner's
        self.collector.expected = (self.collector.expected or 0) + self._running().produce(lines, self.source)

    def settle(self, timeout: float = 300.0) -> CheckTally:  # noqa: D102 - Runner's
        self._running().collect(self.collector, timeout)
        return self.collector.tally

    def stop(self) -> None:  # noqa: D102 - Runner's
        if self.run is not None:
            self.run.stop()
            self.run = None


def check_on_kafka(events: str, rules: list[str] | None, broker: str, *, registry_path: str | None = None,
                   max_bytes: int = 1_000_000, workers: int = 1, partitions: int = 4,
                   timeout: float = 300.0, max_lateness: str = "7d") -> dict[str, Any]:
    """Run a log through real topics and Faust agents; return the check document."""
    lines = list(read_lines(events, max_bytes))
    with KafkaRunner(broker, rules, registry_path, workers=workers, partitions=partitions, max_bytes=max_bytes,
                     max_lateness=max_lateness, source=events) as run:
        run.feed(lines)
        return run.document(timeout)
