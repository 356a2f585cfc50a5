"""The bus the simulated services talk through: ``publish(topic, event)``, ``subscribe(topic, handler)``
and ``call_at(t, fn)`` (a service's own timer, in simulated seconds since the epoch).

A service depends only on :class:`Bus`. :class:`LocalBus` is the in-process, deterministic one of the
embedded mode: a priority queue ordered by event time, then by a sequence number, so the same seed gives
the same run. A Kafka-backed bus only has to implement the same three methods and ``now``.

>>> bus = LocalBus()
>>> seen = []
>>> bus.subscribe("clips", lambda ev: seen.append(ev["event_id"]))
>>> bus.publish("clips", {"event_id": "b", "type": "clip_recorded", "occurred_at": "2024-01-02T00:00:00Z"})
>>> bus.publish("clips", {"event_id": "a", "type": "clip_recorded", "occurred_at": "2024-01-01T00:00:00Z"})
>>> [e["event_id"] for e in bus.run(2)], seen
(['a', 'b'], ['a', 'b'])
"""

from __future__ import annotations

import calendar
import heapq
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from schemas.events import INPUT_TOPICS

__all__ = ["Bus", "LocalBus", "TOPICS", "TOPIC_OF", "iso", "ts", "SimulationError"]

#: event type -> topic (the streaming layout's input topics)
TOPIC_OF: dict[str, str] = dict(INPUT_TOPICS)
TOPICS: tuple[str, ...] = tuple(TOPIC_OF.values())

Handler = Callable[[dict[str, Any]], None]
_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class SimulationError(RuntimeError):
    """A run that cannot produce what was asked (e.g. a scenario whose rates make no events)."""


def iso(t: int) -> str:
    """RFC 3339 UTC text of ``t`` seconds since the epoch (whole seconds; sorts like the time).

    >>> iso(0), ts(iso(86_401))
    ('1970-01-01T00:00:00Z', 86401)
    """
    return datetime.fromtimestamp(t, UTC).strftime(_FORMAT)


def ts(text: str) -> int:
    """Seconds since the epoch of a time written by :func:`iso`."""
    return calendar.timegm(datetime.strptime(text, _FORMAT).timetuple())


class Bus(Protocol):
    """What a service may use."""

    now: int

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Send one event (a JSON-ready dict) on ``topic``."""

    def subscribe(self, topic: str, handler: Handler) -> None:
        """Call ``handler(event)`` for every event on ``topic``."""

    def call_at(self, t: int, fn: Callable[[], object]) -> None:
        """Call ``fn()`` at simulated time ``t``."""


class LocalBus:
    """Deterministic in-process bus: delivers in (event time, publication order)."""

    def __init__(self) -> None:
        self.now = 0
        self._heap: list[tuple[str, int, str, Any]] = []
        self._seq = 0
        self._subs: dict[str, list[Handler]] = {}

    def subscribe(self, topic: str, handler: Handler) -> None:
        """Handlers of a topic are called in subscription order."""
        self._subs.setdefault(topic, []).append(handler)

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Queue an event; an event dated before the bus's present is a bug in a service."""
        when = event["occurred_at"]
        if self.now and when < iso(self.now):
            raise SimulationError(
                f"event {event['event_id']} at {when} published in the past ({iso(self.now)})"
            )
        self._seq += 1
        heapq.heappush(self._heap, (when, self._seq, topic, event))

    def call_at(self, t: int, fn: Callable[[], object]) -> None:
        """Queue a timer (delivered among events of the same second in publication order)."""
        self._seq += 1
        heapq.heappush(self._heap, (iso(max(t, self.now)), self._seq, "", fn))

    def run(self, n_events: int, progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
        """Deliver until ``n_events`` events have gone out; return them in delivery order."""
        out: list[dict[str, Any]] = []
        while len(out) < n_events:
            if not self._heap:
                raise SimulationError(f"the services stopped after {len(out)} of {n_events} events")
            when, _, topic, item = heapq.heappop(self._heap)
            self.now = ts(when)
            if not topic:
                item()
                continue
            out.append(item)
            if progress is not None:
                progress(len(out))
            for handler in self._subs.get(topic, ()):
                handler(item)
        return out
