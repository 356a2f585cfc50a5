"""The in-process runner: read a log, decode, de-duplicate, judge, and account for every input.

Every input line ends in exactly one bucket: ``events_in = processed + duplicates + dead_letters``.

>>> lines = [b'{"event_id":"a","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...          b'"clip_id":"c","owner":"resident:r","platform":"ring"}', b'{oops', b'']
>>> res = run_check(enumerate(lines + lines[:1], start=1), ["core"])
>>> d = res.document()
>>> d["events_in"], d["processed"], d["duplicates"], d["dead_letters"]
(4, 1, 1, 2)
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from judge.decode import decode
from judge.engine import Judge
from judge.logread import DEFAULT_MAX_EVENT_BYTES, LogError, read_lines
from judge.runner import Judging, batches
from judge.tally import CheckTally, summarise
from judge.timeline import DEFAULT_LATE_AFTER
from schemas.events import Event
from schemas.parties import PartyRegistry
from schemas.records import CustodyEdge, DeadLetter, Verdict

__all__ = ["CheckResult", "run_check", "read_lines", "LogError", "load_events", "summarise"]


@dataclass
class _Kept:
    events: list[Event] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    dead: list[DeadLetter] = field(default_factory=list)


@dataclass
class CheckResult:
    """What a run counted (``document()``); with ``run_check(..., keep=True)`` also every event, verdict and
    dead letter (for tests and small logs: a run does not hold them otherwise)."""

    tally: CheckTally
    rule_sets: list[str] = field(default_factory=list)
    kept: _Kept | None = None
    #: Agencies a state rule looked at whose state is unknown (so the rule could not decide for them),
    #: as "name (party id)".
    state_unknown: list[str] = field(default_factory=list)
    #: Events a run's ``admit`` set aside unjudged (e.g. after an as-of date); None: the run admitted all.
    set_aside: int | None = None

    @property
    def events_in(self) -> int:
        """Input lines read."""
        return self.tally.events_in

    @property
    def duplicates(self) -> int:
        """Repeated deliveries of an event id."""
        return self.tally.duplicates

    def _kept(self) -> _Kept:
        if self.kept is None:
            raise AttributeError("this run did not keep its events and verdicts: run_check(..., keep=True)")
        return self.kept

    @property
    def events(self) -> list[Event]:
        """The unique events, in arrival order (kept runs only)."""
        return self._kept().events

    @property
    def verdicts(self) -> list[Verdict]:
        """The final verdicts, in event-time order (kept runs only)."""
        return self._kept().verdicts

    @property
    def dead(self) -> list[DeadLetter]:
        """The dead letters (kept runs only; the document lists where and why for every run)."""
        return self._kept().dead

    @property
    def edges(self) -> list[CustodyEdge]:
        """Custody edges the gates let through, in event-time order (kept runs only)."""
        return [v.edge for v in self.verdicts if v.edge is not None and v.edge.kind != "origin"]

    def document(self) -> dict[str, Any]:
        """The ``custodiet check --json`` document (identical in-process and on Kafka). A run that set events
        aside (``admit``) says how many: ``events_in = processed + duplicates + dead_letters + set_aside``."""
        doc = self.tally.document(self.rule_sets)
        if self.set_aside is not None:
            doc["set_aside"] = self.set_aside
        return doc


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a run builds its (acyclic) events and verdicts.

    Nothing here makes reference cycles, but every model allocated counts towards the collector's
    thresholds, and its full passes re-scan everything the run has kept so far: about half of the time of
    a large run went there. Reference counting still frees everything as usual; the collector is turned
    back on (if it was on) when the run ends.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load_events(
    lines: Iterable[tuple[int, bytes]], *, source: str | None = None, max_bytes: int = DEFAULT_MAX_EVENT_BYTES
) -> tuple[list[Event], int, int, list[DeadLetter]]:
    """Decode and de-duplicate: ``(unique events, events_in, duplicates, dead letters)``.

    The first delivery of an ``event_id`` wins; later ones are counted as duplicates.
    """
    seen: set[str] = set()
    events: list[Event] = []
    dead: list[DeadLetter] = []
    n_in = dups = 0
    with _collector_paused():
        for line_no, raw in lines:
            n_in += 1
            ev = decode(raw, line=line_no, source=source, max_bytes=max_bytes)
            if isinstance(ev, DeadLetter):
                dead.append(ev)
            elif ev.event_id in seen:
                dups += 1
            else:
                seen.add(ev.event_id)
                events.append(ev)
    return events, n_in, dups, dead


def run_check(
    lines: Iterable[tuple[int, bytes]],
    rule_sets: list[str] | None = None,
    registry: PartyRegistry | None = None,
    *,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    late_after: timedelta | None = DEFAULT_LATE_AFTER,
    keep: bool = False,
    on_verdict: Callable[[Event, Verdict], None] | None = None,
    judge_with: Judge | None = None,
    admit: Callable[[Event], bool] | None = None,
) -> CheckResult:
    """Validate, de-duplicate and judge a log in-process, in event time (``judge.timeline``), counting as
    verdicts come; ``late_after`` is how long (in event time) the run waits for late events.

    ``on_verdict(event, verdict)`` is called with each event's final verdict, in event-time order (late
    events when they come). Memory holds the judge's window and state, not the log (unless ``keep``).
    ``judge_with``: a fresh judge to use instead of one for ``rule_sets`` and ``registry``. ``admit``: events
    it refuses are set aside unjudged and counted (``set_aside``; e.g. ``graph.asof.AsOf.admit``).
    """
    judging = Judging(rule_sets, registry, judge=judge_with, late_after=late_after, source=source,
                      max_bytes=max_bytes)
    judge = judging.judge
    kept = _Kept() if keep else None
    events: dict[str, Event] = {}  # the batch's events by id, until judged (only when a caller wants them)
    set_aside = 0

    def take(changes: list[tuple[Verdict, Verdict | None]]) -> None:
        if on_verdict is None and kept is None:  # counting only (check): nothing to look up or keep
            return
        for v, _ in changes:
            if on_verdict is not None:
                on_verdict(events[v.event_id], v)
            if kept is not None:
                kept.verdicts.append(v)
            del events[v.event_id]

    def judge_batch(batch: list[tuple[int, bytes]]) -> None:
        nonlocal set_aside
        decoded = judging.decode(batch, kept.dead if kept is not None else None)
        if admit is not None:
            n = len(decoded)
            decoded = [ev for ev in decoded if admit(ev)]
            set_aside += n - len(decoded)
        if on_verdict is not None or kept is not None:
            for ev in decoded:
                if ev.event_id not in events and ev.event_id not in judge:
                    events[ev.event_id] = ev
                    if kept is not None:
                        kept.events.append(ev)
        take(judging.events(decoded))

    with _collector_paused():
        for batch in batches(lines):
            judge_batch(batch)
        take(judging.flush())
    return CheckResult(judging.tally, rule_sets=judging.rule_sets, kept=kept,
                       state_unknown=[_named(judge.judge.registry, p) for p in sorted(judge.judge.ctx.state_unknown)],
                       set_aside=None if admit is None else set_aside)


def _named(registry: PartyRegistry, party_id: str) -> str:
    name = registry.get(party_id).name
    return f"{name} ({party_id})" if name else party_id
