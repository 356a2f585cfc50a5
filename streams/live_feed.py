"""Feed the live view from a streaming run: read the ``verdicts`` topic and hand each event's verdict to a
``live.state.LiveState`` (``custodiet serve --broker kafka://HOST:PORT``).

Every verdict record is passed on in the order the partition wrote it: a re-judgement of an event (after a
late arrival) replaces its earlier verdict on the page, in the counts and in the graph, as ``custodiet check
--broker`` and the tracer apply them.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from schemas.records import Verdict
from streams.topics import TopicLayout

__all__ = ["follow_verdicts", "verdicts_in"]


def verdicts_in(record: dict[str, Any]) -> list[Verdict]:
    """The verdicts carried by one ``verdicts`` record (a batch or a single record).

    >>> verdicts_in({"kind": "batch", "records": [{"kind": "progress", "partition": 0, "events": 0,
    ...                                            "broadcast": 0}]})
    []
    """
    if record.get("kind") == "batch":
        return [v for r in record["records"] for v in verdicts_in(r)]
    if record.get("kind") == "verdict":
        return [Verdict.model_validate(record["verdict"])]
    return []


def follow_verdicts(state: Any, bootstrap: str, layout: TopicLayout, stop: threading.Event) -> threading.Thread:
    """Start a thread that feeds ``state`` from the run's verdicts topic until ``stop`` is set."""

    async def run() -> None:
        from aiokafka import AIOKafkaConsumer, TopicPartition

        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                    auto_offset_reset="earliest")
        await consumer.start()
        try:
            topic = layout.name("verdicts")
            tps = [TopicPartition(topic, p) for p in range(layout.partitions)]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            while not stop.is_set():
                fresh: list[Verdict] = []
                for records in (await consumer.getmany(timeout_ms=250)).values():
                    for r in records:
                        fresh.extend(verdicts_in(json.loads(r.value)))
                if fresh:
                    state.feed_verdicts(fresh)
        finally:
            await consumer.stop()

    th = threading.Thread(target=lambda: asyncio.run(run()), name="live-kafka-feed", daemon=True)
    th.start()
    return th
