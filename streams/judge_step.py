"""The judge step, without a broker: one event-time judge for every judge partition a worker holds.

Requests, consent decisions and legal process are held and judged once per worker (not once per partition);
recordings and hand-overs are judged on the worker that holds their clip's partition. Each verdict belongs to
its event's home partition (``judge_partition(routing_key(event))``): only the worker holding it writes the
verdict, its revisions, violations and custody records (``schemas.flow.judged_edges``: a hand-over, origin or
grant, or each link of a search the gates let through; a record a re-judgement no longer lets through is
retracted), so a request judged on every worker is reported once. After each batch every held partition gets a
progress record (how many requests and decisions the worker holds), in the same message as that partition's
verdicts: a reader that has the mark has them all.

>>> from schemas.events import parse_event
>>> step = WorkerJudge(["core"], None, partitions=2, local={0, 1})
>>> rec = parse_event('{"event_id":"r","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...                   '"clip_id":"c","owner":"resident:r","platform":"ring"}')
>>> out = step.add([rec]); out.sends
[]
>>> out = step.provide()
>>> [(s.topic, s.key) for s in out.sends], sorted(out.books)
([('custody-edges', b'c')], [0, 1])
>>> s = parse_event('{"event_id":"s","type":"search","occurred_at":"2024-01-02T00:00:00Z","searcher":"agency:a-pd",'
...                 '"reason":"theft","networks_searched":3,"on_behalf_of":"agency:fbi"}')
>>> step.add([s]).sends
[]
>>> [(m.key, json.loads(m.value)["to_party"]) for m in step.provide().sends if m.topic == "custody-edges"]
[(b'agency:a-pd', 'agency:fbi')]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from judge.timeline import DEFAULT_LATE_AFTER, EventTimeJudge
from schemas.events import Event
from schemas.flow import judged_edges, record_id
from schemas.parties import PartyRegistry
from schemas.records import CustodyEdge, Verdict
from streams.context import custody_headers
from streams.records import progress_record, verdict_record
from streams.topics import is_broadcast, judge_partition, routing_key

__all__ = ["Send", "JudgeOut", "WorkerJudge", "EventJudge", "Route", "route_events"]


class EventJudge(Protocol):
    """What the step needs of an event-time judge: ``add(events, watermark=...) -> [(verdict, previous or
    None)]`` (final verdicts for what the watermark passed), ``provide()`` (provisional verdicts for the rest)
    and whether it has taken an event id."""

    def add(self, batch: Iterable[Event], *, watermark: datetime | None = None,
            ) -> list[tuple[Verdict, Verdict | None]]: ...

    def provide(self) -> list[tuple[Verdict, Verdict | None]]: ...

    @property
    def pending(self) -> int: ...

    def __contains__(self, event_id: object) -> bool: ...


@dataclass(frozen=True)
class Send:
    """One message for an output topic (named by its base name, e.g. ``custody-edges``)."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]] | None = None


@dataclass
class JudgeOut:
    """What a batch produced: messages for ``violations`` and ``custody-edges``, and per held partition the
    records for its ``verdicts`` partition (verdicts, then the progress mark)."""

    sends: list[Send] = field(default_factory=list)
    books: dict[int, list[bytes]] = field(default_factory=dict)


def _json_str(s: str) -> bytes:
    return json.dumps(s).encode()


def _event_time(rules: list[str] | None, registry: PartyRegistry | None,
                late_after: timedelta | None = DEFAULT_LATE_AFTER) -> EventJudge:
    return EventTimeJudge(rules, registry, provisional=False, late_after=late_after)


class WorkerJudge:
    """Judges the events of the partitions in ``local`` with one event-time judge (by default
    ``judge.timeline.EventTimeJudge``): final verdicts for what the watermark passed (``add``), provisional
    ones for the rest when the worker has read all there is (``provide``), revised when an earlier event
    arrives."""

    def __init__(self, rules: list[str] | None, registry: PartyRegistry | None, *, partitions: int,
                 local: Iterable[int], make_judge: Callable[..., EventJudge] = _event_time,
                 late_after: timedelta | None = DEFAULT_LATE_AFTER) -> None:
        self.partitions = partitions
        self.local = frozenset(local)
        self.judge = make_judge(rules, registry, late_after)
        self.broadcast = 0
        self.events = 0
        self._home: dict[str, int] = {}  # event id -> home partition, for events that are not broadcast

    def home(self, event: Event) -> int:
        """The partition an event's verdict belongs to."""
        return judge_partition(routing_key(event), self.partitions)

    def add(self, events: Iterable[Event], watermark: datetime | None = None) -> JudgeOut:
        """Take a batch; return the messages to send: verdicts for what ``watermark`` passed (see
        ``judge.timeline``; by default the newest event less the lateness), nothing for events already held."""
        batch = []
        taken: set[str] = set()
        for e in events:
            if e.event_id in taken or e.event_id in self.judge:
                continue
            taken.add(e.event_id)
            if is_broadcast(e.type):
                self.broadcast += 1
            else:
                self._home[e.event_id] = self.home(e)
            self.events += 1
            batch.append(e)
        return self._out(self.judge.add(batch, watermark=watermark))

    def waiting(self) -> bool:
        """Whether events are held without a verdict."""
        return self.judge.pending > 0

    def provide(self) -> JudgeOut:
        """Provisional verdicts for every held event without one (the worker has read all there is)."""
        return self._out(self.judge.provide())

    def _out(self, changes: list[tuple[Verdict, Verdict | None]]) -> JudgeOut:
        out = JudgeOut(books={p: [] for p in sorted(self.local)})
        for verdict, previous in changes:
            self._emit(verdict, previous, out)
        for p, books in out.books.items():
            books.append(progress_record(p, self.events, self.broadcast))
        return out

    def _verdict_home(self, v: Verdict) -> int:
        if is_broadcast(v.event_type):
            return judge_partition(v.event_id, self.partitions)
        return self._home[v.event_id]

    def _emit(self, verdict: Verdict, previous: Verdict | None, out: JudgeOut) -> None:
        p = self._verdict_home(verdict)
        if p not in self.local:
            return  # a request held here for the clips of this worker; its home worker reports it
        out.books[p].append(verdict_record(verdict))
        if verdict.violations or (previous is not None and previous.violations):
            doc = b'{"event_id":' + _json_str(verdict.event_id) + b',"violations":[' + b",".join(
                v.model_dump_json().encode() for v in verdict.violations) + b"]}"
            out.sends.append(Send("violations", verdict.event_id.encode(), doc))
        records = judged_edges(None, verdict)
        for edge in records:
            out.sends.append(_edge_send(edge))
        if previous is not None:
            kept = {record_id(e) for e in records}
            out.sends.extend(_retraction(old) for old in judged_edges(None, previous) if record_id(old) not in kept)


def _edge_key(edge: CustodyEdge) -> bytes:
    """The ``custody-edges`` key of a record: its clip, or (grants, search links) the party whose cameras it
    reaches into."""
    return (edge.clip_id or edge.from_party).encode()


def _edge_send(edge: CustodyEdge) -> Send:
    """One custody record (a hand-over, origin, grant or search link) for ``custody-edges``, with its custody
    headers."""
    hdrs = custody_headers(clip_id=edge.clip_id or "", event_id=edge.event_id, from_party=edge.from_party,
                           to_party=edge.to_party, occurred_at=edge.occurred_at.isoformat(),
                           parent_event_id=edge.parent_event, hop=edge.hop)
    return Send("custody-edges", _edge_key(edge), edge.model_dump_json().encode(), hdrs)


def _retraction(old: CustodyEdge) -> Send:
    """Take back a record a re-judgement no longer lets through (named by ``schemas.flow.record_id``)."""
    doc = json.dumps({"event_id": old.event_id, "kind": old.kind, "from_party": old.from_party,
                      "to_party": old.to_party, "retracted": True}, separators=(",", ":")).encode()
    return Send("custody-edges", _edge_key(old), doc, [("custody-retracted", b"1"),
                                                       ("custody-event", old.event_id.encode())])


@dataclass
class Route:
    """Where a batch's accepted events go: judged here, kept in the history of which held partitions, and
    sent on (raw) to which partitions other workers hold."""

    judge: list[Event] = field(default_factory=list)
    keep: dict[int, list[bytes]] = field(default_factory=dict)
    forward: dict[int, list[bytes]] = field(default_factory=dict)


def route_events(accepted: Iterable[Any], local: frozenset[int], partitions: int) -> Route:
    """Route accepted events (``streams.intake.Accepted``): an event whose judge partition is held here is
    judged here; a request, consent decision or legal process is judged here once and sent on to every
    partition held elsewhere; each held partition's history keeps what it needs to be rebuilt.

    >>> from types import SimpleNamespace as A
    >>> req = A(event=A(type="footage_request"), raw=b"q", partition=1)
    >>> clip = A(event=A(type="transfer"), raw=b"t", partition=2)
    >>> r = route_events([req, clip], frozenset({0, 1}), 3)
    >>> len(r.judge), r.keep, r.forward
    (1, {0: [b'q'], 1: [b'q']}, {2: [b'q', b't']})
    """
    route = Route()
    for a in accepted:
        targets = range(partitions) if is_broadcast(a.event.type) else (a.partition,)
        if any(p in local for p in targets):
            route.judge.append(a.event)
        for p in targets:
            (route.keep if p in local else route.forward).setdefault(p, []).append(a.raw)
    return route
