"""One interface over every way of judging a log, and the judging every runner in this process shares.

Shaped after eventsourcing's ``Runner`` (a system is given to a runner, which is started, used and
stopped): a :class:`Runner` is made with what to judge under (rule sets, registry, lateness), is started,
is fed input lines, is settled (it waits until every input is accounted for), and gives its
:class:`judge.tally.CheckTally`, whose ``document()`` is the ``custodiet check --json`` document. Runners:

- :class:`InProcessRunner` (here; ``custodiet check``): this process, events judged when the window closes;
- ``streams.check.KafkaRunner`` (``check --broker``): Faust workers on a broker, the accounting read back
  from the ``verdicts`` topic by ``judge.collector.Collector``;
- ``live.runners.LiveLogRunner`` and ``custodiet.live_broker.LiveBrokerRunner`` (``serve``): the live view fed from a
  log, or from a streaming run's ``verdicts`` topic;
- ``analysis.whatif.WhatIfRunner`` (``whatif``): the log judged under the base sets and under base + added.

Every one counts into one ``CheckTally`` and de-duplicates in one place: in this process the event-time
judge (``judge.timeline.EventTimeJudge.add``: the first delivery of an event id wins); on a broker the
intake step (per input partition), whose accounting records the collector counts into a ``CheckTally``.

>>> line = (b'{"event_id":"a","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...         b'"clip_id":"c","owner":"resident:r","platform":"ring"}')
>>> with InProcessRunner(["core"]) as run:
...     run.feed([(1, line), (2, b'{oops'), (3, line)])
...     d = run.settle().document(run.rule_sets)
>>> d["events_in"], d["processed"], d["duplicates"], d["dead_letters"]
(3, 1, 1, 1)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from judge.decode import decode
from judge.engine import Judge
from judge.logread import DEFAULT_MAX_EVENT_BYTES
from judge.tally import CheckTally
from judge.timeline import DEFAULT_LATE_AFTER, Change, EventTimeJudge
from schemas.events import Event
from schemas.parties import PartyRegistry
from schemas.records import DeadLetter

__all__ = ["Runner", "Judging", "InProcessRunner", "BATCH_LINES", "batches"]

#: Lines of a log handed to the judge at a time. A batch is put in event-time order before it is judged, so
#: where a log is cut into batches decides which of its events come beyond the lateness setting: every way
#: of judging in this process (``check``, the live view of a log, the what-if) cuts a log here.
BATCH_LINES = 1000


def batches(lines: Iterable[Any], size: int = BATCH_LINES) -> Iterator[list[Any]]:
    """``lines`` in lists of ``size`` (the last one shorter), as they come.

    >>> [len(b) for b in batches(range(2500))]
    [1000, 1000, 500]
    """
    batch: list[Any] = []
    for item in lines:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Judging:
    """Decode, de-duplicate, judge in event time and count, in this process: what the in-process runner,
    the live view and the what-if share. ``provisional``: give a verdict as each event comes and replace it
    when a late event changes it (the live view); else one final verdict per event (``check``).

    >>> j = Judging(["core"], provisional=False)
    >>> _ = j.lines([(1, b'{"event_id":"x","type":"teleport"}')]); j.tally.events_in, j.tally.dead_letters
    (1, 1)
    """

    def __init__(
        self,
        rule_sets: list[str] | None = None,
        registry: PartyRegistry | None = None,
        *,
        judge: Judge | None = None,
        late_after: timedelta | None = DEFAULT_LATE_AFTER,
        provisional: bool = False,
        source: str | None = None,
        max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    ) -> None:
        self.judge = EventTimeJudge(rule_sets, registry, judge=judge, late_after=late_after, provisional=provisional)
        self.tally = CheckTally()
        self.source = source
        self.max_bytes = max_bytes

    @property
    def rule_sets(self) -> list[str]:
        """The ids of the rule sets judged under."""
        return [rs.id for rs in self.judge.judge.rule_sets]

    def decode(self, lines: Iterable[tuple[int | None, bytes]], dead: list[DeadLetter] | None = None) -> list[Event]:
        """Count each line in; a bad one is counted as a dead letter (and added to ``dead``), the others
        returned decoded (repeats included: :meth:`events` de-duplicates)."""
        out: list[Event] = []
        tally = self.tally
        for line_no, raw in lines:
            tally.events_in += 1
            ev = decode(raw, line=line_no, source=self.source, max_bytes=self.max_bytes)
            if isinstance(ev, DeadLetter):
                tally.dead(ev)
                if dead is not None:
                    dead.append(ev)
            else:
                out.append(ev)
        return out

    def events(self, events: Iterable[Event]) -> list[Change]:
        """Judge decoded events (already counted in); a repeated event id is counted as a duplicate. Returns
        every verdict that is new or changed, with the one it replaces, already counted."""
        return self._count(self.judge.add(events))

    def lines(self, lines: Iterable[tuple[int | None, bytes]]) -> list[Change]:
        """:meth:`decode` then :meth:`events`, :data:`BATCH_LINES` lines at a time."""
        out: list[Change] = []
        for batch in batches(lines):
            out.extend(self.events(self.decode(batch)))
        return out

    def flush(self) -> list[Change]:
        """Stop waiting for late events (the end of a log): the verdicts this gives, counted."""
        return self._count(self.judge.flush())

    def _count(self, changes: list[Change]) -> list[Change]:
        take = self.tally.take
        for v, previous in changes:
            take(v, previous)
        self.tally.duplicates = self.judge.duplicates
        return changes


class Runner(ABC):
    """A way of judging a log: ``start()``, ``feed(lines)`` (any number of times), ``settle()`` (every input
    so far accounted for; returns the tally), ``stop()``. A context manager starts and stops it."""

    #: What the runner is called in tests and messages.
    name: str = "runner"

    def __init__(self, rule_sets: list[str] | None = None, registry: PartyRegistry | None = None, *,
                 late_after: timedelta | None = DEFAULT_LATE_AFTER, max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
                 source: str = "-") -> None:
        self.rule_set_names = rule_sets
        self.registry = registry
        self.late_after = late_after
        self.max_bytes = max_bytes
        self.source = source

    def start(self) -> None:  # noqa: B027 - most runners have nothing to start
        """Get ready to take input (start workers, connect)."""

    def stop(self) -> None:  # noqa: B027 - most runners have nothing to stop
        """Release what :meth:`start` took."""

    @abstractmethod
    def feed(self, lines: Iterable[tuple[int, bytes]]) -> None:
        """Take input lines ``(line number, raw bytes)``."""

    @abstractmethod
    def settle(self, timeout: float = 300.0) -> CheckTally:
        """Wait until every input fed so far is accounted for and every verdict is final; the tally."""

    @property
    @abstractmethod
    def rule_sets(self) -> list[str]:
        """The ids of the rule sets the runner judges under."""

    def document(self, timeout: float = 300.0) -> dict[str, Any]:
        """The ``custodiet check --json`` document of everything fed so far."""
        return self.settle(timeout).document(self.rule_sets)

    def __enter__(self) -> Runner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class InProcessRunner(Runner):
    """``custodiet check`` without a broker: :class:`Judging` in this process (``judge.pipeline.run_check``
    is this runner with callbacks for each verdict)."""

    name = "in-process"

    def __init__(self, rule_sets: list[str] | None = None, registry: PartyRegistry | None = None, *,
                 late_after: timedelta | None = DEFAULT_LATE_AFTER, max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
                 source: str = "-") -> None:
        super().__init__(rule_sets, registry, late_after=late_after, max_bytes=max_bytes, source=source)
        self.judging = Judging(rule_sets, registry, late_after=late_after, source=source, max_bytes=max_bytes)

    @property
    def rule_sets(self) -> list[str]:  # noqa: D102 - Runner's
        return self.judging.rule_sets

    def feed(self, lines: Iterable[tuple[int, bytes]]) -> None:  # noqa: D102 - Runner's
        self.judging.lines(lines)

    def settle(self, timeout: float = 300.0) -> CheckTally:  # noqa: D102 - Runner's
        self.judging.flush()
        return self.judging.tally
