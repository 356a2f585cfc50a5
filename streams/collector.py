"""Accounting for a run on Kafka: reads the ``verdicts`` records and knows when every input is done.

Done means: every input position is accounted for (dead, duplicate or forwarded); every forwarded event
has a verdict; every judge partition has seen every broadcast event; and no partition has written a
verdict since its last progress record (so re-judgements caused by late events are in). Counted from
what came out, never from end offsets.

>>> import json
>>> c = Collector(expected_inputs=1, partitions=1)
>>> c.apply(0, json.loads('{"kind":"dead","pos":"t:0:0","line":1,"reason":"not JSON","field":null}'))
>>> c.done(), c.document([])["dead_letters"]
(True, 1)
>>> c.apply(0, {"kind": "judge-error", "partition": 2, "offset": 9, "error": "bad event"})
Traceback (most recent call last):
...
streams.collector.StreamError: the streaming judge failed on judge-in partition 2 (offset 9): bad event
"""

from __future__ import annotations

from typing import Any

from judge.pipeline import summarise
from schemas.records import DeadLetter, Verdict

__all__ = ["Collector", "StreamError"]


class StreamError(RuntimeError):
    """A streaming run could not finish (a worker died, the judge failed, it timed out): one line that says why."""


class Collector:
    """Builds the check document from accounting records, whatever order they arrive in."""

    def __init__(self, expected_inputs: int, partitions: int) -> None:
        self.expected = expected_inputs
        self.partitions = partitions
        self.positions: dict[str, str] = {}
        self.dead: dict[str, DeadLetter] = {}
        self.forwarded: dict[str, set[str]] = {}
        self.broadcast: set[str] = set()
        self.verdicts: dict[str, Verdict] = {}
        self.progress: dict[int, int] = {}
        self.dirty: set[int] = set()

    def apply(self, partition: int, rec: dict[str, Any]) -> None:
        """Take one record read from partition ``partition`` of the verdicts topic."""
        kind = rec.get("kind")
        if kind == "batch":
            for inner in rec["records"]:
                self.apply(partition, inner)
            return
        if kind == "judge-error":
            first = str(rec.get("error") or "unknown error").splitlines()[0]
            raise StreamError(f"the streaming judge failed on judge-in partition {rec.get('partition')} "
                              f"(offset {rec.get('offset', '?')}): {first}")
        if kind == "verdict":
            v = Verdict.model_validate(rec["verdict"])
            self.verdicts[v.event_id] = v
            self.dirty.add(partition)
        elif kind == "progress":
            self.progress[rec["partition"]] = rec["broadcast"]
            self.dirty.discard(rec["partition"])
        elif kind in ("dead", "duplicate", "forwarded"):
            pos = rec["pos"]
            if pos in self.positions:
                return  # the same input read again after a restart: still one input
            self.positions[pos] = kind
            if kind == "dead":
                self.dead[pos] = DeadLetter(reason=rec["reason"], raw="", line=rec.get("line"), field=rec.get("field"))
            elif kind == "forwarded":
                self.forwarded.setdefault(rec["event_id"], set()).add(pos)
                if rec.get("broadcast"):
                    self.broadcast.add(rec["event_id"])

    def missing(self) -> str:
        """What is still outstanding, in words (for a time-out message)."""
        no_verdict = [e for e in self.forwarded if e not in self.verdicts]
        lagging = [p for p in range(self.partitions) if self.progress.get(p, 0) < len(self.broadcast)]
        return (f"{len(self.positions)} of {self.expected} inputs accounted for; {len(no_verdict)} event(s) "
                f"without a verdict; partitions behind on requests: {lagging or 'none'}; "
                f"partitions mid-batch: {sorted(self.dirty) or 'none'}")

    def done(self) -> bool:
        """Whether every input is accounted for and every verdict is final."""
        if len(self.positions) < self.expected or self.dirty:
            return False
        if any(e not in self.verdicts for e in self.forwarded):
            return False
        if self.broadcast and any(self.progress.get(p, 0) < len(self.broadcast) for p in range(self.partitions)):
            return False
        return True

    def document(self, rule_sets: list[str]) -> dict[str, Any]:
        """The same document as the in-process ``check``."""
        n_dup_positions = sum(1 for k in self.positions.values() if k == "duplicate")
        extra_forwards = sum(len(p) - 1 for p in self.forwarded.values())
        verdicts = [self.verdicts[e] for e in self.forwarded if e in self.verdicts]
        return summarise(len(self.positions), n_dup_positions + extra_forwards, list(self.dead.values()), verdicts,
                         rule_sets)
