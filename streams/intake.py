"""The intake step, without a broker: decode each input message, drop repeated deliveries, say where it goes.

Every input message ends in one bucket, recorded as an accounting record (``dead``, ``duplicate`` or
``forwarded``): counts in = counts out. A bad value or a bad header is a dead letter with the reason, never an
exception. The Faust agent (``streams.app``) feeds it the messages of a batch and sends what it returns.

>>> step = Intake(partitions=4)
>>> ok = (b'{"event_id":"e1","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
...       b'"owner":"resident:r","platform":"ring"}')
>>> out = step.take([Inbound(ok, "t.clips", 0, 0, [("line", b"1")]), Inbound(ok, "t.clips", 0, 1, []),
...                  Inbound(ok, "t.clips", 0, 2, [("line", b"two")])])
>>> [e.event.event_id for e in out.events], len(out.dead), [b[:20] for b in out.books]
(['e1'], 1, [b'{"kind":"forwarded",', b'{"kind":"duplicate",', b'{"kind":"dead","pos"'])
>>> out.dead[0].letter.reason
"bad 'line' header: 'two' is not a line number"
>>> step.take([Inbound(b'{"event_id":', "t.events", 1, 0, [("size", b"3000000")])]).dead[0].letter.reason
'event too large: 3000000 bytes > limit 1000000'

"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from judge.decode import DEFAULT_MAX_EVENT_BYTES, decode
from judge.engine import event_order
from judge.logread import TooLong
from schemas.events import Event
from schemas.records import DeadLetter
from streams.records import accounting, forwarded, position
from streams.topics import is_broadcast, judge_partition, routing_key

__all__ = ["Inbound", "Accepted", "Rejected", "IntakeOut", "Intake", "header", "line_header"]


@dataclass(frozen=True)
class Inbound:
    """One input message as read from a topic: value, where it was read, and its headers."""

    value: bytes
    topic: str
    partition: int
    offset: int
    headers: Any = ()

    @property
    def pos(self) -> str:
        """Where it was read (``topic:partition:offset``): one input, one bucket."""
        return position(self.topic, self.partition, self.offset)


@dataclass(frozen=True)
class Accepted:
    """A valid event seen for the first time, with its raw bytes and its judge partition."""

    event: Event
    raw: bytes
    partition: int
    pos: str
    tp: tuple[str, int] = ("", 0)  # the input (topic, partition) it was read on


@dataclass(frozen=True)
class Rejected:
    """A dead letter and the headers it travels with (reason, where it was read, its line)."""

    letter: DeadLetter
    headers: list[tuple[str, bytes]]
    key: bytes


@dataclass
class IntakeOut:
    """What one batch produced: events in event-time order, dead letters, accounting records and the
    event ids first seen per input partition (for the ``seen`` table's changelog)."""

    events: list[Accepted] = field(default_factory=list)
    dead: list[Rejected] = field(default_factory=list)
    books: list[bytes] = field(default_factory=list)
    new_ids: dict[int, dict[str, str]] = field(default_factory=dict)


def header(headers: Any, name: str) -> str | None:
    """The value of header ``name`` as text (Faust headers are ``(str, bytes)`` pairs or a mapping).

    >>> header([("line", b"12")], "line"), header({"source": b"x"}, "source"), header(None, "line")
    ('12', 'x', None)
    """
    if not headers:
        return None
    items = headers.items() if isinstance(headers, Mapping) else headers
    for k, v in items:
        if k == name:
            return v.decode("utf-8", errors="backslashreplace") if isinstance(v, bytes | bytearray) else str(v)
    return None


def line_header(headers: Any) -> tuple[int | None, str | None]:
    """``(line number, None)`` from the ``line`` header, or ``(None, reason)`` when it is not a number.

    >>> line_header([("line", b"7")]), line_header([]), line_header([("line", b"x7")])
    ((7, None), (None, None), (None, "bad 'line' header: 'x7' is not a line number"))
    """
    text = header(headers, "line")
    if text is None or text == "":
        return None, None
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text), None
    return None, f"bad 'line' header: {text[:40]!r} is not a line number"


class Intake:
    """Decode, de-duplicate (per input partition: deliveries of one event share a key, so a partition) and
    route input messages. ``seen`` holds, per input partition, event id -> where it was first read."""

    def __init__(self, partitions: int, max_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self.partitions = partitions
        self.max_bytes = max_bytes
        self.seen: dict[int, dict[str, str]] = {}

    def load(self, partition: int, entries: Iterable[Mapping[str, str]]) -> None:
        """Rebuild a partition's index from what the ``seen`` table recovered (first position wins)."""
        index = self.seen.setdefault(partition, {})
        for ids in entries:
            for eid, pos in ids.items():
                index.setdefault(eid, pos)

    def forget(self, partition: int) -> None:
        """Drop a partition's index (it moved to another worker)."""
        self.seen.pop(partition, None)

    def knows(self, partition: int) -> bool:
        """Whether the partition's index is loaded."""
        return partition in self.seen

    def _dead(self, msg: Inbound, letter: DeadLetter, out: IntakeOut) -> None:
        hdrs = [("reason", letter.reason.encode()), ("topic", msg.topic.encode()),
                ("partition", str(msg.partition).encode()), ("offset", str(msg.offset).encode())]
        line = header(msg.headers, "line")
        if line:
            hdrs.append(("line", line.encode()))
        out.dead.append(Rejected(letter, hdrs, msg.pos.encode()))
        out.books.append(accounting("dead", pos=msg.pos, line=letter.line, reason=letter.reason, field=letter.field))

    def take(self, batch: Iterable[Inbound]) -> IntakeOut:
        """Account for every message of a batch; the accepted events come out in event-time order."""
        out = IntakeOut()
        for msg in batch:
            pos = msg.pos
            line, bad_line = line_header(msg.headers)
            source = header(msg.headers, "source")
            if bad_line is not None:
                self._dead(msg, DeadLetter(reason=bad_line, raw=msg.value[:4096].decode("utf-8", "backslashreplace"),
                                           source=source, field="line"), out)
                continue
            value = msg.value
            size = header(msg.headers, "size")  # the producer cut an over-long line: its real length
            if size is not None and size.isascii() and size.isdigit():
                value = TooLong(value, int(size))
            ev = decode(value, line=line, source=source, max_bytes=self.max_bytes)
            if isinstance(ev, DeadLetter):
                self._dead(msg, ev, out)
                continue
            index = self.seen.setdefault(msg.partition, {})
            first = index.get(ev.event_id)
            if first is not None and first != pos:
                out.books.append(accounting("duplicate", pos=pos, event_id=ev.event_id))
                continue
            if first is None:
                index[ev.event_id] = pos
                out.new_ids.setdefault(msg.partition, {})[ev.event_id] = pos
            out.events.append(Accepted(ev, msg.value, judge_partition(routing_key(ev), self.partitions), pos,
                                       (msg.topic, msg.partition)))
            out.books.append(forwarded(pos, ev.event_id, is_broadcast(ev.type)))
        # In event-time order: the judge re-judges when an event older than what it judged arrives, so ordering
        # each batch here saves most re-judgements.
        out.events.sort(key=lambda a: event_order(a.event))
        return out
