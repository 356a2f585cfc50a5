"""Judging one ``judge-in`` partition in event time, whatever order its events arrive in.

Each partition keeps the events it has seen. A batch whose events all come after the last judged one
is judged incrementally; a batch with an earlier event re-judges the partition's history from the
start, and only verdicts that changed are emitted again (an event judged before an earlier one
arrived is judged again when it does). No broker here: the Faust agent and the tests drive it.

>>> from schemas.events import parse_event
>>> pj = PartitionJudge(["core"])
>>> late = parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-02T00:00:00Z","clip_id":"c",'
...                    '"from_party":"resident:r","to_party":"agency:a","basis":"agreement","purpose":"x"}')
>>> [(v.outcome, before) for v, before in pj.add([late])]
[('flagged', None)]
>>> early = parse_event('{"event_id":"r","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...                     '"clip_id":"c","owner":"resident:r","platform":"ring"}')
>>> sorted((v.event_id, v.outcome, b and b.outcome) for v, b in pj.add([early]))
[('r', 'ok', None), ('t', 'ok', 'flagged')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from judge.engine import Judge, default_judge, event_order
from schemas.events import Event
from schemas.parties import PartyRegistry
from schemas.records import Verdict

__all__ = ["PartitionJudge"]


class PartitionJudge:
    """Event-time judging of one partition's events, with re-judgement on late arrivals."""

    def __init__(self, rule_sets: list[str] | None, registry: PartyRegistry | None = None) -> None:
        self._rule_sets = rule_sets
        self._registry = registry
        self.events: dict[str, Event] = {}
        self.verdicts: dict[str, Verdict] = {}
        self._judge: Judge = default_judge(rule_sets, registry)
        self._last: tuple[Any, ...] | None = None
        self.rejudgements = 0
        self.type_counts: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self.events)

    def add(self, batch: Iterable[Event]) -> list[tuple[Verdict, Verdict | None]]:
        """Add events (repeats of a held event id are ignored); return ``(verdict, previous verdict)`` for
        every verdict that is new or changed."""
        fresh = []
        for e in batch:
            if e.event_id not in self.events:
                self.events[e.event_id] = e
                self.type_counts[e.type] += 1
                fresh.append(e)
        if not fresh:
            return []
        fresh.sort(key=event_order)
        if self._last is None or event_order(fresh[0]) > self._last:
            out: list[tuple[Verdict, Verdict | None]] = []
            for e in fresh:
                v = self._judge.judge(e)
                self.verdicts[e.event_id] = v
                out.append((v, None))
            self._last = event_order(fresh[-1])
            return out
        return self._rejudge()

    def _rejudge(self) -> list[tuple[Verdict, Verdict | None]]:
        self.rejudgements += 1
        self._judge = self._judge.fresh()  # same rule sets, already loaded; empty state
        ordered = sorted(self.events.values(), key=event_order)
        changed = []
        for e in ordered:
            v = self._judge.judge(e)
            before = self.verdicts.get(e.event_id)
            if before != v:
                changed.append((v, before))
            self.verdicts[e.event_id] = v
        self._last = event_order(ordered[-1])
        return changed
