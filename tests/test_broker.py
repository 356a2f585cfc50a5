"""Real-broker tests: the broker fixture, topic creation, and the local broker's lifecycle.

The local broker's ListOffsets "latest" is wrong, so these tests never use ``end_offsets``: they
count what they consume.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from streams.admin import TopicSetupError, create_topics, describe_partitions
from streams.broker import LocalBroker, broker_url_to_bootstrap

pytestmark = pytest.mark.broker


async def _produce(bootstrap: str, topic: str, n: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, linger_ms=5)
    await producer.start()
    try:
        batch = [
            await producer.send(
                topic, value=f"m-{i}".encode(), key=f"k-{i % 37}".encode(), headers=[("seq", str(i).encode())]
            )
            for i in range(n)
        ]
        await asyncio.gather(*batch)
    finally:
        await producer.stop()


async def _consume_all(bootstrap: str, topic: str, expected: int, deadline_s: float = 30.0) -> list[tuple]:
    """Read every partition from the beginning until ``expected`` messages came, then drain briefly."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    got: list[tuple] = []
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in sorted(parts)])
        await consumer.seek_to_beginning()
        deadline = time.monotonic() + deadline_s
        while len(got) < expected and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500, max_records=10_000)
            for records in batches.values():
                got.extend((r.partition, r.key, r.value, tuple(r.headers)) for r in records)
        # Anything beyond `expected` would be a duplicate or a stray: give it a moment to show.
        extra = await consumer.getmany(timeout_ms=300)
        for records in extra.values():
            got.extend((r.partition, r.key, r.value, tuple(r.headers)) for r in records)
    finally:
        await consumer.stop()
    return got


def test_produce_then_consume_exactly_n(kafka_bootstrap: str, topic_factory) -> None:
    topic = topic_factory(4, prefix="roundtrip")
    n = 3_000
    asyncio.run(_produce(kafka_bootstrap, topic, n))
    got = asyncio.run(_consume_all(kafka_bootstrap, topic, n))
    assert len(got) == n
    assert sorted(v for _, _, v, _ in got) == sorted(f"m-{i}".encode() for i in range(n))
    assert {p for p, _, _, _ in got} == {0, 1, 2, 3}
    # Headers survive, and a key always lands on the same partition.
    assert all(h == (("seq", v[2:]),) for _, _, v, h in got)
    partition_of: dict[bytes, int] = {}
    for p, k, _, _ in got:
        assert partition_of.setdefault(k, p) == p


def test_topics_get_the_partitions_we_ask_for(kafka_bootstrap: str, topic_factory) -> None:
    topic = topic_factory(8, prefix="eight")
    assert describe_partitions(kafka_bootstrap, [topic]) == {topic: 8}

    async def client_view() -> int:
        # (A producer, not a consumer: aiokafka 0.14 raises CancelledError from stop() of a
        # consumer that was never assigned anything.)
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        try:
            return len(await producer.partitions_for(topic))
        finally:
            await producer.stop()

    assert asyncio.run(client_view()) == 8
    # Idempotent: creating again with the same count is fine; another count is an error.
    assert create_topics(kafka_bootstrap, {topic: 8}) == {topic: 8}
    with pytest.raises(TopicSetupError, match="partition"):
        create_topics(kafka_bootstrap, {topic: 3})


def test_create_topics_many_at_once(kafka_bootstrap: str) -> None:
    suffix = os.urandom(4).hex()
    wanted = {f"clips-{suffix}": 8, f"dead-letters-{suffix}": 1, f"violations-{suffix}": 2}
    assert create_topics(kafka_bootstrap, wanted) == wanted
    assert describe_partitions(kafka_bootstrap, list(wanted)) == wanted


def _port_open(bootstrap: str) -> bool:
    host, port = bootstrap.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def test_started_local_broker_is_alive_and_answers() -> None:
    with LocalBroker() as broker:
        assert broker.is_alive()
        pid = broker.pid
        assert pid is not None
        with open(f"/proc/{pid}/stat") as f:  # running, not a zombie
            assert f.read().split(") ", 1)[1][0] != "Z"
        topic = "alive-check"
        assert create_topics(broker.bootstrap, {topic: 2}) == {topic: 2}
        assert broker_url_to_bootstrap(broker.url) == broker.bootstrap


def test_local_broker_stop_ends_the_process() -> None:
    broker = LocalBroker().start()
    bootstrap, pid, proc = broker.bootstrap, broker.pid, broker.process
    assert pid is not None and proc is not None
    broker.stop()
    assert not broker.is_alive()
    assert proc.poll() is not None  # exited and reaped
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not _port_open(bootstrap)
    with pytest.raises(RuntimeError):
        _ = broker.bootstrap
    broker.stop()  # twice is fine


def test_local_broker_stop_kills_a_broker_that_ignores_sigterm() -> None:
    broker = LocalBroker(stop_timeout=0.5).start()
    proc = broker.process
    assert proc is not None
    os.kill(proc.pid, signal.SIGSTOP)  # stopped: it cannot act on SIGTERM, so stop() must escalate
    t0 = time.monotonic()
    broker.stop()
    assert proc.returncode is not None
    assert time.monotonic() - t0 < 5
