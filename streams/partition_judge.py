"""Judging one ``judge-in`` partition in event time, whatever order its events arrive in.

A thin use of ``judge.timeline.EventTimeJudge`` in provisional mode: each event is judged as it arrives,
and an event that arrives late re-judges only the held events it can change (same clip, same request,
same requester), emitting the verdicts that changed. No broker here: the Faust agent and the tests drive
it.

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
>>> "t" in pj.events, len(pj)
(True, 2)
"""

from __future__ import annotations

from collections.abc import Container
from datetime import timedelta

from judge.timeline import DEFAULT_LATE_AFTER, EventTimeJudge
from schemas.parties import PartyRegistry

__all__ = ["PartitionJudge"]


class PartitionJudge(EventTimeJudge):
    """Event-time judging of one partition's events: ``add(batch) -> [(verdict, previous verdict or None)]``."""

    def __init__(self, rule_sets: list[str] | None, registry: PartyRegistry | None = None, *,
                 late_after: timedelta | None = DEFAULT_LATE_AFTER) -> None:
        super().__init__(rule_sets, registry, late_after=late_after, provisional=True)

    @property
    def events(self) -> Container[str]:
        """The event ids taken so far (``event_id in pj.events``)."""
        return self

    @property
    def rejudgements(self) -> int:
        """How many verdicts were judged again after a late event."""
        return self.rejudged
