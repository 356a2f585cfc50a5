"""Event time in a stream: a watermark per worker that is the minimum over the input partitions it reads.

A worker reads one topic per event type, and Kafka does not say in which order it hands out records of
different topics: a worker may read a whole topic of hand-overs before the requests they answer. So, as Flink
takes the minimum over its inputs and Kafka Streams waits for every input partition of a task, the watermark
is the oldest of the newest event times read on each input partition, less the lateness setting: reading one
type ahead of another moves nothing. A partition that has been read to its end (its next offset is the high
watermark the broker reported on the last fetch) is idle and does not hold the watermark back (Flink's
idleness; Kafka Streams asks the fetch's lag in the same way, KIP-695); one not read to its end and from which
nothing was read yet holds it at "no watermark". With several workers, each announces its own mark to the
others on ``judge-in`` after the events it sends on (Flink's watermarks travel with the records), and a worker's
watermark is also at most the marks announced for the partitions it does not hold.

>>> from datetime import datetime, timedelta, UTC
>>> clock = InputClock(timedelta(days=1))
>>> t = lambda d: datetime(2024, 1, d, tzinfo=UTC)
>>> clock.read(("transfers", 0), 9, t(20)); clock.read(("requests", 0), 4, t(5))
>>> ends = {("transfers", 0): 100, ("requests", 0): 50}
>>> clock.watermark(ends, ends.get).day   # both have more to read: the older one counts
4
>>> ends[("requests", 0)] = 5             # requests read to the end: idle
>>> clock.watermark(ends, ends.get).day, clock.idle(ends, ends.get)
(19, False)
>>> clock.watermark({**ends, ("clips", 0): 3}, {**ends, ("clips", 0): 3}.get) is None  # nothing read yet
True
>>> clock.watermark(ends, ends.get, elsewhere=[1]) is None      # partition 1's worker has said nothing yet
True
>>> clock.heard([1], t(10)); clock.watermark(ends, ends.get, elsewhere=[1]).day
9
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

__all__ = ["InputClock", "TopicPart"]

#: ``(topic, partition)``.
TopicPart = tuple[str, int]


class InputClock:
    """Per input partition: the next offset to read and the newest event time read (``late_after``: the
    lateness setting; ``None`` waits for ever)."""

    def __init__(self, late_after: timedelta | None) -> None:
        self.late_after = late_after
        self.next: dict[TopicPart, int] = {}
        self.newest: dict[TopicPart, datetime] = {}
        #: judge partition -> the input mark the worker holding it announced last (on ``judge-in``)
        self.remote: dict[int, datetime | None] = {}

    def read(self, tp: TopicPart, offset: int, occurred_at: datetime | None = None) -> None:
        """A message at ``offset`` was read (``occurred_at``: its event time, when it is a valid event)."""
        if offset >= self.next.get(tp, 0):
            self.next[tp] = offset + 1
        if occurred_at is not None:
            known = self.newest.get(tp)
            if known is None or occurred_at > known:
                self.newest[tp] = occurred_at

    def start(self, tp: TopicPart, offset: int) -> None:
        """Where reading a partition starts (its committed offset), before anything is read from it."""
        self.next.setdefault(tp, offset)

    def forget(self, tps: Iterable[TopicPart]) -> None:
        """Partitions that moved to another worker (and what other workers announced: a rebalance moves
        theirs too)."""
        for tp in tps:
            self.next.pop(tp, None)
            self.newest.pop(tp, None)
        self.remote.clear()

    def heard(self, partitions: Iterable[int], mark: datetime | None) -> None:
        """The worker holding ``partitions`` announced its input mark (``None``: it has none yet)."""
        for p in partitions:
            self.remote[p] = mark

    def behind(self, assigned: Iterable[TopicPart], highwater: Callable[[TopicPart], int | None]) -> list[TopicPart]:
        """The assigned partitions not read to their end (or whose end is not known yet)."""
        out = []
        for tp in assigned:
            end = highwater(tp)
            if end is None or tp not in self.next or self.next[tp] < end:
                out.append(tp)
        return out

    def idle(self, assigned: Iterable[TopicPart], highwater: Callable[[TopicPart], int | None]) -> bool:
        """Whether every assigned partition is read to its end."""
        return not self.behind(assigned, highwater)

    def mark(self, assigned: Iterable[TopicPart], highwater: Callable[[TopicPart], int | None]) -> datetime | None:
        """The oldest newest event time over the partitions not read to their end (the newest over all when
        every one is); ``None``: one of them has given nothing yet. What a worker announces to the others."""
        behind = self.behind(assigned, highwater)
        if behind:
            if any(tp not in self.newest for tp in behind):
                return None
            return min(self.newest[tp] for tp in behind)
        return max(self.newest.values()) if self.newest else None

    def watermark(self, assigned: Iterable[TopicPart], highwater: Callable[[TopicPart], int | None],
                  elsewhere: Iterable[int] = ()) -> datetime | None:
        """The event time before which events count as final: the worker's own mark over ``assigned`` and the
        marks announced for the judge partitions ``elsewhere`` (held by other workers, which send events on),
        the oldest of them, less the lateness; ``None``: none yet."""
        if self.late_after is None:
            return None
        marks = [self.mark(assigned, highwater)]
        marks += [self.remote.get(p) for p in elsewhere]
        if any(m is None for m in marks):
            return None
        return min(m for m in marks if m is not None) - self.late_after
