"""Accounting for a run on Kafka: reads the ``verdicts`` records (typed: ``schemas.records``) into a
``judge.tally.CheckTally`` as they come, and knows when every input is done.

Done means: every input position is accounted for (dead, duplicate or forwarded); every forwarded event
has a verdict; every judge partition has seen every broadcast event; and no partition has written a
verdict since its last progress record (so re-judgements caused by late events are in). Counted from
what came out, never from end offsets. ``check --broker`` and the live view fed from a broker both count
here, so they give the same accounting.

>>> c = Collector(expected_inputs=1, partitions=1)
>>> c.apply_json(0, b'{"kind":"dead","pos":"t:0:0","line":1,"reason":"not JSON","field":null}')
[]
>>> c.done(), c.document([])["dead_letters"]
(True, 1)
>>> c.apply_json(0, b'{"kind": "judge-error", "partition": 2, "offset": 9, "error": "bad event"}')
Traceback (most recent call last):
...
judge.collector.StreamError: the streaming judge failed on judge-in partition 2 (offset 9): bad event
"""

from __future__ import annotations

from typing import Any

from judge.tally import CheckTally
from judge.timeline import Change
from schemas.records import (
    VERDICT_TOPIC_RECORD,
    BatchRecord,
    DeadLetter,
    DeadRecord,
    DuplicateRecord,
    ForwardedRecord,
    JudgeErrorRecord,
    ProgressRecord,
    Verdict,
    VerdictRecord,
    VerdictTopicRecord,
)

__all__ = ["Collector", "StreamError"]


class StreamError(RuntimeError):
    """A streaming run could not finish (a worker died, the judge failed, it timed out): one line that says why."""


class Collector:
    """Counts the accounting records of a run into ``tally``, whatever order they arrive in.

    ``expected_inputs``: how many inputs were produced (for :meth:`done`; ``None`` when not known, as for a
    live view following a run someone else feeds)."""

    def __init__(self, expected_inputs: int | None, partitions: int, tally: CheckTally | None = None) -> None:
        self.expected = expected_inputs
        self.partitions = partitions
        self.tally = tally if tally is not None else CheckTally()
        self.positions: set[str] = set()
        self.forwarded: dict[str, int] = {}  # event id -> how many positions forwarded it
        self.broadcast: set[str] = set()
        self.verdicts: dict[str, Verdict] = {}
        self.progress: dict[int, int] = {}
        self.dirty: set[int] = set()
        self.offsets: dict[int, int] = {}  # verdicts partition -> the next offset to read (a later read goes on)

    def apply_json(self, partition: int, value: bytes | str) -> list[Change]:
        """Take one message read from partition ``partition`` of the verdicts topic (its JSON value)."""
        return self.apply(partition, VERDICT_TOPIC_RECORD.validate_json(value))

    def apply(self, partition: int, rec: VerdictTopicRecord) -> list[Change]:
        """Take one record; returns the verdicts that are new or changed, with the ones they replace."""
        changes: list[Change] = []
        self._apply(partition, rec, changes)
        return changes

    def _apply(self, partition: int, rec: VerdictTopicRecord, changes: list[Change]) -> None:
        if isinstance(rec, BatchRecord):
            for inner in rec.records:
                self._apply(partition, inner, changes)
        elif isinstance(rec, VerdictRecord):
            v = rec.verdict
            previous = self.verdicts.get(v.event_id)
            self.dirty.add(partition)
            if previous == v:
                return  # the same verdict again (a restarted worker re-emits what it holds)
            self.verdicts[v.event_id] = v
            self.tally.take(v, previous)
            changes.append((v, previous))
        elif isinstance(rec, ProgressRecord):
            self.progress[rec.partition] = rec.broadcast
            self.dirty.discard(rec.partition)
        elif isinstance(rec, JudgeErrorRecord):
            first = (rec.error or "unknown error").splitlines()[0]
            raise StreamError(f"the streaming judge failed on judge-in partition {rec.partition} "
                              f"(offset {rec.offset if rec.offset is not None else '?'}): {first}")
        else:
            self._input(rec)

    def _input(self, rec: DeadRecord | DuplicateRecord | ForwardedRecord) -> None:
        """One input position in one bucket (read again after a restart: still one input)."""
        if rec.pos in self.positions:
            return
        self.positions.add(rec.pos)
        tally = self.tally
        tally.events_in += 1
        if isinstance(rec, DeadRecord):
            tally.dead(DeadLetter(reason=rec.reason, raw="", line=rec.line, field=rec.field))
        elif isinstance(rec, DuplicateRecord):
            tally.duplicates += 1
        else:
            seen = self.forwarded.get(rec.event_id, 0)
            self.forwarded[rec.event_id] = seen + 1
            if seen:  # forwarded from two positions (two input partitions): one event, one duplicate
                tally.duplicates += 1
            if rec.broadcast:
                self.broadcast.add(rec.event_id)

    def missing(self) -> str:
        """What is still outstanding, in words (for a time-out message)."""
        no_verdict = [e for e in self.forwarded if e not in self.verdicts]
        lagging = [p for p in range(self.partitions) if self.progress.get(p, 0) < len(self.broadcast)]
        return (f"{len(self.positions)} of {self.expected} inputs accounted for; {len(no_verdict)} event(s) "
                f"without a verdict; partitions behind on requests: {lagging or 'none'}; "
                f"partitions mid-batch: {sorted(self.dirty) or 'none'}")

    def done(self) -> bool:
        """Whether every input is accounted for and every verdict is final."""
        if self.expected is None or len(self.positions) < self.expected or self.dirty:
            return False
        if any(e not in self.verdicts for e in self.forwarded):
            return False
        if self.broadcast and any(self.progress.get(p, 0) < len(self.broadcast) for p in range(self.partitions)):
            return False
        return True

    def document(self, rule_sets: list[str]) -> dict[str, Any]:
        """The same document as the in-process ``check``."""
        return self.tally.document(rule_sets)
