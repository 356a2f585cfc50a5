"""Feed the live view from a streaming run: read the ``verdicts`` topic (``streams.reader``) and hand every
record to a ``live.state.LiveState`` (``custodiet serve --broker kafka://HOST:PORT``).

Every record is passed on in the order the partition wrote it, accounting records too, so the page counts
what ``custodiet check --broker`` counts (in, duplicates, dead letters, verdicts), through the same
``judge.collector.Collector``: a re-judgement of an event (after a late arrival) replaces its earlier
verdict on the page, in the counts and in the graph.
"""

from __future__ import annotations

import threading
from typing import Any

from streams.reader import follow_topic
from streams.topics import TopicLayout

__all__ = ["follow_verdicts"]


def follow_verdicts(state: Any, bootstrap: str, layout: TopicLayout, stop: threading.Event) -> threading.Thread:
    """Start a thread that feeds ``state`` (its ``feed_records(partition, value)``) every record of the run's
    verdicts topic until ``stop`` is set.

    >>> follow_verdicts.__name__  # needs a broker: see tests/test_live_kafka.py
    'follow_verdicts'
    """
    state.follow_run(layout.partitions)
    return follow_topic(bootstrap, layout.name("verdicts"), layout.partitions,
                        lambda p, r: state.feed_records(p, r.value), stop, name="live-kafka-feed")
