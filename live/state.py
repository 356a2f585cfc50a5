"""What the live view shows, fed incrementally: the custody graph, verdicts by rule and event rates.

The graph is custody as judged, as ``custodiet trace``/``reach`` build it by default (what the judge let
through: ``schemas.flow.judged_edges``), so the API's trace and reach answers are the very documents those
commands print for the same events. Events are judged with the same judge as ``custodiet check``, in event
time (``judge.timeline.EventTimeJudge``): an event that arrives after later ones re-judges only the verdicts
it can change, and each changed verdict replaces the one before it in the counts and in the graph, so the
verdicts are the ones ``custodiet check`` gives. Verdicts judged elsewhere (a streaming run's ``verdicts``
topic) are applied the same way: a re-judgement replaces the earlier verdict, and a custody edge it no
longer makes leaves the graph.

>>> s = LiveState()
>>> s.feed_event_dicts([
...   {"event_id": "r", "type": "clip_recorded", "occurred_at": "2024-01-01T00:00:00Z", "clip_id": "c",
...    "owner": "resident:r", "platform": "ring"},
...   {"event_id": "t", "type": "transfer", "occurred_at": "2024-01-02T00:00:00Z", "clip_id": "c",
...    "from_party": "resident:r", "to_party": "agency:ice-hsi", "basis": "agreement", "purpose": "x"}])
2
>>> s.trace("c", "agency:ice-hsi")["paths"][0]["events"]
['t']
>>> st = s.stats(); st["events_in"], st["processed"], [f["to"] for f in st["federal"]]
(2, 2, ['agency:ice-hsi'])
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from analysis.party_names import LogParties
from classify.registry import default_registry
from graph.asof import snapshot_record
from graph.custody import CustodyGraph
from judge.collector import Collector
from judge.decode import DEFAULT_MAX_EVENT_BYTES
from judge.engine import event_order
from judge.logread import read_lines
from judge.runner import Judging, batches
from judge.timeline import DEFAULT_LATE_AFTER, Change
from live.follow import FedOverTime
from live.queries import LiveQueries
from schemas.events import INPUT_TOPICS, MIXED_INPUT, Event
from schemas.flow import judged_edges
from schemas.parties import PartyRegistry
from schemas.records import VERDICT_TOPIC_RECORD, DeadLetter, Verdict, VerdictRecord

__all__ = ["LiveState", "default_registry", "topic_of"]

#: How many violation records the state keeps for ``/api/violations`` (the counts by rule are exact).
KEEP_VIOLATIONS = 5000


def topic_of(event_type: str | None) -> str:
    """The input topic an event of this type travels on (``events`` for one whose type is unknown).

    >>> topic_of("transfer"), topic_of("teleport")
    ('transfers', 'events')
    """
    return INPUT_TOPICS.get(event_type or "", MIXED_INPUT)


def _as_raw(item: Any) -> bytes:
    if isinstance(item, bytes):
        return item
    if isinstance(item, str):
        return item.encode("utf-8", errors="surrogateescape")
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


class LiveState(LiveQueries, FedOverTime):
    """The graph, the verdicts and the counters behind the live view; thread-safe, fed incrementally.

    ``feed`` takes decoded events (pydantic models), event dicts, raw JSON lines (``bytes``/``str``) or
    verdicts judged elsewhere (``schemas.records.Verdict``: counted by rule, their custody edges added).
    Readers (the web server) call ``stats``, ``trace``, ``reach`` and friends; each takes the lock.
    """

    def __init__(
        self,
        registry: PartyRegistry | None = None,
        rule_sets: list[str] | None = None,
        *,
        source: str = "",
        mode: str = "stream",
        max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        rate_window: float = 5.0,
        rejudge_interval: float = 1.0,
        late_after: timedelta | None = DEFAULT_LATE_AFTER,
    ) -> None:
        self.registry = registry if registry is not None else default_registry()
        self.rule_set_names = rule_sets
        self.source = source
        self.mode = mode
        self.max_bytes = max_bytes
        self.rate_window = rate_window
        self.rejudge_interval = rejudge_interval  # kept for callers: late events re-judge what they change at once
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.graph = CustodyGraph(self.registry)
        # The one judging and the one tally every runner in this process uses (``judge.runner``); fed from a
        # streaming run's verdicts topic, the same tally is counted by the collector ``check --broker`` uses.
        self.judging = Judging(rule_sets, self.registry, late_after=late_after, provisional=True,
                               source=source or None, max_bytes=max_bytes)
        self.judge = self.judging.judge
        self.tally = self.judging.tally
        self.collector = Collector(None, 1, tally=self.tally)
        self.version = 0
        self.graph_version = 0
        self._verdicts: dict[str, Verdict] = {}
        # what the log holds for each party it names (``reach``/``trace`` answer zero with it), as the commands
        self.log_parties = LogParties()
        self._named_by: dict[str, tuple[str, tuple[str, ...]]] = {}  # event id: its type and the parties it names
        self._violations: deque[dict[str, Any]] = deque(maxlen=KEEP_VIOLATIONS)
        self._watermark: tuple[datetime, int, str] | None = None
        self._late = 0  # events that arrived after a later one (their verdicts and those they change re-judged)
        self._topic_totals: Counter[str] = Counter()
        self._buckets: deque[tuple[int, Counter[str]]] = deque()
        self._started = time.monotonic()
        self._last_event_time: float | None = None
        self._stats_cache: tuple[int, float, dict[str, Any]] | None = None
        self.feeding = False  # a replay or follower is running

    # -- feeding -------------------------------------------------------------------------------------
    @property
    def events_in(self) -> int:
        """Inputs counted in (lines, events, or a streaming run's input records)."""
        return self.tally.events_in

    @property
    def dead(self) -> list[DeadLetter]:
        """The dead letters counted (where and why)."""
        return self.tally.dead_list()

    def feed(self, items: Iterable[Any]) -> int:
        """Feed events (models, dicts, raw lines) or verdicts; returns how many items were taken."""
        lines: list[tuple[int | None, bytes]] = []
        models: list[Event] = []
        verdicts: list[Verdict] = []
        for item in items:
            if isinstance(item, Verdict):
                verdicts.append(item)
            elif hasattr(item, "event_id") and hasattr(item, "type") and hasattr(item, "occurred_at"):
                models.append(item)
            else:
                lines.append((None, _as_raw(item)))
        n = 0
        if lines:
            n += self.feed_lines(lines)
        if models:
            with self.lock:
                self.tally.events_in += len(models)
                self._take(models)
                self._touch()
            n += len(models)
        if verdicts:
            self.feed_verdicts(verdicts)
            n += len(verdicts)
        return n

    def feed_event_dicts(self, events: Iterable[dict[str, Any]]) -> int:
        """Feed event dicts (as ``simulate`` produces them); bad ones become dead letters.

        >>> LiveState().feed_event_dicts([{"event_id": "x", "type": "teleport"}])
        1
        """
        return self.feed_lines((None, _as_raw(e)) for e in events)

    def feed_lines(self, lines: Iterable[tuple[int | None, bytes]]) -> int:
        """Feed ``(line number, raw bytes)`` pairs, decoded, counted and de-duplicated as ``custodiet check``
        does (``judge.runner.Judging``)."""
        n = 0
        for batch in batches(lines):  # cut as check cuts a log: the same events come beyond the lateness
            with self.lock:
                dead_before = self.tally.dead_letters
                events = self.judging.decode(batch)
                self._count_topics({MIXED_INPUT: self.tally.dead_letters - dead_before})
                self._take(events)
                self._touch()
            n += len(batch)
        return n

    def follow_run(self, partitions: int, expected_inputs: int | None = None) -> Collector:
        """Get ready to be fed a streaming run's verdicts topic (``partitions`` partitions; ``expected_inputs``
        when known, for ``collector.done()``); the collector that counts it into this state's tally."""
        with self.lock:
            self.collector.partitions = partitions
            self.collector.expected = expected_inputs
            return self.collector

    def caught_up(self) -> bool:
        """Fed from a streaming run: whether every expected input is counted and every verdict is final
        (``judge.collector.Collector.done``)."""
        with self.lock:
            return self.collector.done()

    def feed_records(self, partition: int, value: bytes | str) -> int:
        """Feed one message of a streaming run's ``verdicts`` topic (accounting records and verdicts, counted by
        ``judge.collector.Collector`` as ``check --broker`` counts them); a re-judgement replaces the earlier
        verdict in the counts and the graph. Returns how many verdicts changed."""
        record = VERDICT_TOPIC_RECORD.validate_json(value)
        with self.lock:
            dead_before = self.tally.dead_letters
            changes = self.collector.apply(partition, record)
            self._count_topics({MIXED_INPUT: self.tally.dead_letters - dead_before})
            self._apply(changes, {})
            self._touch()
        return len(changes)

    def feed_verdicts(self, verdicts: Iterable[Verdict]) -> int:
        """Feed verdicts judged elsewhere without their accounting records (counted as processed, not as
        inputs); as :meth:`feed_records` otherwise."""
        n = 0
        with self.lock:
            for v in verdicts:
                n += 1
                self._apply(self.collector.apply(0, VerdictRecord(verdict=v)), {})
            self._touch()
        return n

    def _swap(self, old: list[Any], new: list[Any]) -> None:
        """Replace one event's custody records in the graph (custody as judged, ``schemas.flow``)."""
        if old == new:
            return
        for e in old:
            self.graph.remove_record(e)
        for e in new:
            self.graph.add_record(e)
        self.graph_version += 1

    def _take(self, events: list[Event]) -> None:
        """Judge decoded events (counted in already) in event time; re-judgements replace the verdicts they
        change, in the counts and in the graph (custody as judged)."""
        fresh: dict[str, Event] = {}
        for ev in events:  # the first delivery of each id not seen before (the judge counts the repeats)
            if ev.event_id not in self.judge and ev.event_id not in fresh:
                fresh[ev.event_id] = ev
                self._named_by[ev.event_id] = (ev.type, tuple(ev.parties()))
        for ev in fresh.values():
            snap = snapshot_record(ev)  # a portal grant's snapshots: which grants were in force when (--as-of)
            if snap is not None:
                self.graph.snapshots[ev.event_id] = snap
            key = event_order(ev)
            if self._watermark is not None and key < self._watermark:
                self._late += 1
            else:
                self._watermark = key
        self._apply(self.judging.events(events), fresh)

    def _apply(self, changes: list[Change], known: dict[str, Event]) -> None:
        """Verdicts counted already (by the judging or the collector): into the recent records, the rates and
        the graph. ``known``: events at hand by id (else a verdict's own custody records are used)."""
        topics: Counter[str] = Counter()
        for v, previous in changes:
            if previous is None:
                topics[topic_of(v.event_type)] += 1
            else:
                self._unrecord(previous)
            self._record(v)
            named = self._named_by.get(v.event_id)  # unknown for verdicts judged elsewhere (a streaming run)
            if named is not None:
                if previous is not None:
                    self.log_parties.count(*named, previous.outcome, -1)
                self.log_parties.count(*named, v.outcome)
            ev = known.get(v.event_id)
            t = v.occurred_at.timestamp()
            if self._last_event_time is None or t > self._last_event_time:
                self._last_event_time = t
            self._swap(_judged(ev, previous), _judged(ev, v))
        self._count_topics(topics)

    def _record(self, v: Verdict) -> None:
        self._verdicts[v.event_id] = v
        for vi in v.violations:
            self._violations.append(vi.model_dump(mode="json"))

    def _unrecord(self, v: Verdict) -> None:
        """Take the records of a verdict that is being replaced out of the recent list."""
        if v.violations:
            kept = [r for r in self._violations if r["event_id"] != v.event_id]
            if len(kept) != len(self._violations):
                self._violations = deque(kept, maxlen=KEEP_VIOLATIONS)

    def settle(self) -> None:
        """Nothing is left to judge again (late events re-judge what they change as they arrive); wakes
        readers, as the end of a feed does."""
        with self.lock:
            self._touch()

    def _count_topics(self, counts: dict[str, int]) -> None:
        counts = {k: n for k, n in counts.items() if n}
        if not counts:
            return
        sec = int(time.monotonic())
        if not self._buckets or self._buckets[-1][0] != sec:
            self._buckets.append((sec, Counter()))
        self._buckets[-1][1].update(counts)
        self._topic_totals.update(counts)
        horizon = sec - int(self.rate_window) - 2
        while self._buckets and self._buckets[0][0] < horizon:
            self._buckets.popleft()

    def _touch(self) -> None:
        self.version += 1
        self._changed.notify_all()

    def notify(self) -> None:
        """Wake everyone waiting in :meth:`wait_for_change` (used on shutdown)."""
        with self.lock:
            self._changed.notify_all()

    def wait_for_change(self, version: int, timeout: float) -> int:
        """Block until the state's version differs from ``version`` (or ``timeout``); the current version."""
        with self.lock:
            if self.version == version:
                self._changed.wait(timeout)
            return self.version

    @classmethod
    def from_log(
        cls,
        path: str | Path,
        rule_sets: list[str] | None = None,
        registry: PartyRegistry | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    ) -> LiveState:
        """A state fed with a whole ``.jsonl`` log, read as ``custodiet trace``/``check`` read it."""
        state = cls(registry, rule_sets, source=str(path), mode="file", max_bytes=max_bytes)
        state.feed_lines(read_lines(path, max_bytes))  # type: ignore[arg-type]
        state.settle()
        return state

def _judged(ev: Any, v: Verdict | None) -> list[Any]:
    """The custody records an event's verdict lets through (``schemas.flow.judged_edges``); without the
    event at hand (``None``), the verdict's own records (its edge, or a search's links)."""
    if v is None:
        return []
    return judged_edges(ev, v)
