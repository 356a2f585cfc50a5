"""The one loop that reads a topic with aiokafka: every partition from its start, records handed over in
the order each partition holds them, until the caller is done (``check --broker``'s collector, the live
view's feed, the bench's consumers).

>>> import asyncio, socket
>>> with socket.socket() as s:
...     s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
>>> asyncio.run(read_topic(f"127.0.0.1:{port}", "t", 1, lambda p, r: None, done=lambda: True))
Traceback (most recent call last):
...
judge.collector.StreamError: cannot read t from 127.0.0.1:...: KafkaConnectionError: Unable to bootstrap ...
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from judge.collector import StreamError

__all__ = ["read_topic", "follow_topic"]


async def read_topic(bootstrap: str, topic: str, partitions: int, take: Callable[[int, Any], object], *,
                     done: Callable[[], bool], timeout: float | None = None,
                     alive: Callable[[], None] | None = None, why: Callable[[], str] | None = None,
                     poll_ms: int = 200, max_records: int = 10_000, offsets: dict[int, int] | None = None) -> None:
    """Read ``topic`` (``partitions`` partitions) from the start, calling ``take(partition, record)`` for each
    aiokafka ``ConsumerRecord``, until ``done()``. ``alive()`` is called between polls (it raises to give
    up, e.g. when a worker died); past ``timeout`` seconds a ``StreamError`` says what ``why()`` says.
    ``offsets`` (partition -> next offset): where to go on from, kept up to date (a later read resumes there)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.errors import KafkaError

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest",
                                request_timeout_ms=max(5000, int((timeout or 30) * 1000)))
    try:
        await consumer.start()
    except KafkaError as e:
        await consumer.stop()
        raise StreamError(f"cannot read {topic} from {bootstrap}: {e}") from e
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        for tp in tps:
            if offsets and offsets.get(tp.partition):
                consumer.seek(tp, offsets[tp.partition])
        deadline = None if timeout is None else time.monotonic() + timeout
        while not done():
            if alive is not None:
                alive()
            if deadline is not None and time.monotonic() > deadline:
                raise StreamError(f"timed out after {timeout:.0f}s reading {topic}"
                                  + (f": {why()}" if why is not None else ""))
            batches = await consumer.getmany(timeout_ms=poll_ms, max_records=max_records)
            for tp, records in batches.items():
                for r in records:
                    take(tp.partition, r)
                if offsets is not None and records:
                    offsets[tp.partition] = records[-1].offset + 1
    finally:
        await consumer.stop()


def follow_topic(bootstrap: str, topic: str, partitions: int, take: Callable[[int, Any], object],
                 stop: threading.Event, *, name: str = "topic-reader") -> threading.Thread:
    """:func:`read_topic` in a daemon thread (already started) until ``stop`` is set."""
    th = threading.Thread(target=lambda: asyncio.run(read_topic(bootstrap, topic, partitions, take, done=stop.is_set,
                                                                poll_ms=250)),
                          name=name, daemon=True)
    th.start()
    return th
