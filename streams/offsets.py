"""Nothing skipped: per input partition, the next offset the agent must read, and what to do about a gap.

Faust hands an agent the messages of a partition in offset order, but around a rebalance it can drop some:
records fetched before the rebalance are cleared from the agent's queue, or arrive after the consumer seeks
back, and its read-offset filter then drops the older ones it fetches again. When the dropped offset is the
one just after the last commit, its acknowledgement check (off by one) lets the next commit pass it: the input
is never read again, and its accounting record and verdict never come (the restart test saw 1,243 of 1,244
inputs). So the agent keeps, per partition, the offset below which it has read everything (in this process,
or from where it started reading) and, when a message comes past it, does not take that message or any later
one of the partition, and seeks back to it: the skipped ones are read again. Reading a message twice is
harmless (the collector counts an input position once, the judge an event id once).

>>> gaps = ReadOffsets()
>>> [gaps.take(("t", 0), o) for o in (5, 6, 6, 7)]    # the first message read sets where the partition starts
[True, True, True, True]
>>> gaps.take(("t", 0), 10), gaps.take(("t", 0), 11), gaps.seeks()   # 8 and 9 never came: read again from 8
(False, False, [(('t', 0), 8)])
>>> gaps.seeks()                                       # asked once per gap and batch
[]
>>> [gaps.take(("t", 0), o) for o in (8, 9, 10)]
[True, True, True]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from streams.watermark import TopicPart

__all__ = ["ReadOffsets", "MAX_SEEKS"]

log = logging.getLogger(__name__)

#: How often a gap is read again before the offsets are taken as gone (deleted by retention, say: then an
#: error says which ones, and reading goes on).
MAX_SEEKS = 20


class ReadOffsets:
    """Per input partition: the next offset to read (everything before it was taken), and the gaps found."""

    def __init__(self) -> None:
        self.next: dict[TopicPart, int] = {}
        self.sought: dict[TopicPart, tuple[int, int]] = {}  # partition -> (the offset sought back to, how often)
        self._pending: dict[TopicPart, int] = {}

    def take(self, tp: TopicPart, offset: int) -> bool:
        """Whether to take the message at ``offset``: ``False`` when offsets before it were skipped (then
        :meth:`seeks` says where to read again from)."""
        expected = self.next.get(tp)
        if expected is None or offset <= expected:
            if expected is None or offset == expected:
                self.next[tp] = offset + 1
            if self.sought.get(tp, (None, 0))[0] == offset:
                del self.sought[tp]
            return True
        sought, times = self.sought.get(tp, (expected, 0))
        if sought == expected and times >= MAX_SEEKS:
            log.error("%s partition %s: offsets %s to %s never came after %s reads; going on from %s",
                      tp[0], tp[1], expected, offset - 1, times, offset)
            del self.sought[tp]
            self.next[tp] = offset + 1
            return True
        self._pending[tp] = expected
        return False

    def seeks(self) -> list[tuple[TopicPart, int]]:
        """The partitions to read again and from which offset, once per batch that found a gap."""
        out = sorted(self._pending.items())
        for tp, offset in out:
            sought, times = self.sought.get(tp, (offset, 0))
            self.sought[tp] = (offset, times + 1 if sought == offset else 1)
            log.warning("%s partition %s: the consumer skipped offsets from %s; reading again from there",
                        tp[0], tp[1], offset)
        self._pending.clear()
        return out

    def keep(self, tps: Iterable[TopicPart]) -> None:
        """After a rebalance: forget the partitions not in ``tps`` (another worker reads them now)."""
        kept = set(tps)
        for d in (self.next, self.sought, self._pending):
            for tp in [tp for tp in d if tp not in kept]:
                del d[tp]
