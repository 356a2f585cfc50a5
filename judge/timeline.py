"""Event-time judging whatever order events arrive in, with state that does not grow with the log.

``EventTimeJudge`` takes events in any order and gives each the verdict it gets when the log is judged in
event-time order. It waits for late events for ``late_after`` of event time behind the newest event it
has seen (and, whatever that, while it holds fewer than ``hold`` events); the events in that window are
held. An event older than everything the judge stopped waiting for is judged at once against the state as
it stands, marked ``late`` in its verdict and counted (never dropped).

Two ways to give verdicts:

- ``provisional=True`` (a stream, the live view): every event is judged as it arrives; an event that
  arrives before events it comes after in event time has them re-judged, and only them: the events after
  it that share state with it (the same clip; the same request, its answers and deliveries; the same
  requester's request count), transitively. ``add`` returns ``(verdict, previous verdict or None)`` for
  every verdict that is new or changed.
- ``provisional=False`` (the in-process runner): an event is judged once, when the judge stops waiting
  for events before it; ``add`` and ``flush`` return ``(verdict, None)`` for those.

A stream (``streams.judge_step``) does both: ``add(batch, watermark=...)`` gives final verdicts for what its
watermark (the minimum over its inputs) has passed, at the cost of one judgement per event however the
input is ordered, and ``provide()`` gives provisional verdicts for the rest when the worker has read
everything there is; an event that later arrives before them re-judges those it changes.

Held: the events of the window, the rules' state (per clip, per request, per requester) and the event ids
seen (for de-duplication). Verdicts are returned, not kept (provisional mode keeps those of the window).

>>> from schemas.events import parse_event
>>> j = EventTimeJudge(["core"])
>>> late = parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-02T00:00:00Z","clip_id":"c",'
...                    '"from_party":"resident:r","to_party":"agency:a","basis":"agreement","purpose":"x"}')
>>> [(v.outcome, before) for v, before in j.add([late])]
[('flagged', None)]
>>> early = parse_event('{"event_id":"r","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...                     '"clip_id":"c","owner":"resident:r","platform":"ring"}')
>>> sorted((v.event_id, v.outcome, b and b.outcome) for v, b in j.add([early]))
[('r', 'ok', None), ('t', 'ok', 'flagged')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from heapq import heappop, heappush
from typing import Any

from judge.engine import Judge, default_judge, event_order
from judge.state import CustodyState, StateKey, state_keys
from schemas.events import Event
from schemas.parties import PartyRegistry
from schemas.records import Verdict
from schemas.when import parse_duration

__all__ = ["EventTimeJudge", "DEFAULT_LATE_AFTER", "DEFAULT_HOLD", "parse_lateness"]

#: How far behind the newest event (in event time) a stream waits for late events by default.
DEFAULT_LATE_AFTER = timedelta(days=7)
#: However old, the latest this many events stay open for late events.
DEFAULT_HOLD = 10_000

Change = tuple[Verdict, Verdict | None]
_EMPTY = CustodyState()


def parse_lateness(text: str) -> timedelta | None:
    """``7d``, ``12h``, ``30m``, ``45s``, ``0``; ``none`` waits for ever.

    >>> parse_lateness("7d"), parse_lateness("90m"), parse_lateness("none")
    (datetime.timedelta(days=7), datetime.timedelta(seconds=5400), None)
    >>> parse_lateness("soon")
    Traceback (most recent call last):
    ...
    ValueError: lateness 'soon': expected a number with s, m, h or d (e.g. 7d), or none
    """
    return parse_duration(text, "lateness", forever=True)


class _Held:
    """One event in the window: its order key, the state keys it touches, its verdict so far."""

    __slots__ = ("key", "event", "keys", "verdict")

    def __init__(self, key: tuple[datetime, int, str], event: Any, keys: tuple[StateKey, ...] = ()) -> None:
        self.key = key
        self.event = event
        self.keys = keys
        self.verdict: Verdict | None = None


def _order(h: _Held) -> tuple[datetime, int, str]:
    return h.key


def _first(pair: tuple[tuple[datetime, int, str], Event]) -> tuple[datetime, int, str]:
    return pair[0]


class EventTimeJudge:
    """Judging in event time with re-judgement of what a late event can change (see the module doc)."""

    def __init__(
        self,
        rule_sets: list[str] | None = None,
        registry: PartyRegistry | None = None,
        *,
        judge: Judge | None = None,
        late_after: timedelta | None = DEFAULT_LATE_AFTER,
        hold: int = DEFAULT_HOLD,
        provisional: bool = True,
    ) -> None:
        self.judge = judge if judge is not None else default_judge(rule_sets, registry)
        self.late_after = late_after
        self.hold = hold
        self.provisional = provisional
        # A heap by order key: (time, type rank, event id, held event), flat so that a comparison stops at the
        # (unique) event id without comparing nested key tuples twice.
        self._held: list[tuple[datetime, int, str, _Held]] = []
        # Held events without a verdict yet (judged when the watermark passes them, or by ``provide``), by key;
        # every one comes after every held event that has a verdict.
        self._pending: list[tuple[datetime, int, str, _Held]] = []
        self._judged_upto: tuple[datetime, int, str] | None = None  # the last held event given a verdict
        self._provided = 0  # how many held events have a (provisional) verdict
        self._by_key: dict[StateKey, list[_Held]] = {}  # provisional: the held events touching each key
        self._settled = CustodyState()  # provisional: the state under those keys before the held events
        self._seen: set[str] = set()
        self._frontier: tuple[datetime, int, str] | None = None  # the last event no longer waited for
        self._newest: datetime | None = None
        self.duplicates = 0
        self.late = 0
        self.rejudged = 0
        self.type_counts: Counter[str] = Counter()

    # -- what callers read ---------------------------------------------------------------------------
    def __len__(self) -> int:
        """How many distinct events were taken."""
        return len(self._seen)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._seen

    @property
    def pending(self) -> int:
        """How many held events have no verdict yet (``provide`` gives them one)."""
        return len(self._pending)

    @property
    def held(self) -> int:
        """How many events are in the window (waiting for late events before them)."""
        return len(self._held)

    def state_size(self) -> dict[str, int]:
        """How many items each part of the state holds (for tests of the memory bound).

        >>> EventTimeJudge(["core"]).state_size()["held"]
        0
        """
        st = self.judge.state
        return {"held": self.held, "seen": len(self._seen), "clips": len(st.clips), "requests": len(st.requests),
                "consents": sum(len(a) for a in st.consents.values()), "keys_in_window": len(self._by_key)}

    # -- feeding -------------------------------------------------------------------------------------
    def add(self, batch: Iterable[Event], *, watermark: datetime | None = None) -> list[Change]:
        """Take events (repeats of an event id already taken are counted and ignored); return
        ``(verdict, previous verdict or None)`` for every verdict that is new or changed.

        ``watermark``: the event time the caller knows every input has passed less the lateness (a stream's
        minimum over its input partitions); by default the newest event taken less ``late_after``. Events
        before it (beyond the latest ``hold``) get their final verdicts.
        """
        fresh = []
        for ev in batch:
            if ev.event_id in self._seen:
                self.duplicates += 1
                continue
            self._seen.add(ev.event_id)
            self.type_counts[ev.type] += 1
            fresh.append(ev)
        out: list[Change] = []
        if fresh:
            keyed = sorted([(event_order(ev), ev) for ev in fresh], key=_first)  # unique keys: ids de-duplicated
            upto = self._judged_upto
            for key, ev in keyed:
                h = _Held(key, ev)
                if self._frontier is not None and key < self._frontier:
                    self._beyond_window(h, out)
                    continue
                if self._newest is None or key[0] > self._newest:
                    self._newest = key[0]
                heappush(self._held, (*key, h))
                if upto is not None and key < upto:  # among the provisionally judged: re-judge what it changes
                    h.keys = state_keys(ev)
                    self._register(h)
                    self._provided += 1
                    self._rejudge(h, h.keys, h.key, {h}, out)
                else:
                    heappush(self._pending, (*key, h))
        self._finalise(out, everything=False, watermark=watermark)
        if self.provisional:
            out.extend(self.provide())
        return out

    def provide(self) -> list[Change]:
        """Provisional verdicts, now, for every held event that has none (in event-time order): each may be
        revised (returned again with the verdict it replaces) when an event before it arrives.

        >>> from schemas.events import parse_event
        >>> j = EventTimeJudge(["core"], provisional=False)
        >>> j.add([parse_event('{"event_id":"r","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
        ...                    '"clip_id":"c","owner":"resident:r","platform":"ring"}')])
        []
        >>> [(v.event_id, v.outcome) for v, _ in j.provide()], j.provide()
        ([('r', 'ok')], [])
        """
        out: list[Change] = []
        pending = self._pending
        judge = self.judge.judge
        while pending:
            h = heappop(pending)[3]
            h.keys = state_keys(h.event)
            self._register(h)
            h.verdict = judge(h.event)
            self._judged_upto = h.key
            self._provided += 1
            out.append((h.verdict, None))
        return out

    def flush(self) -> list[Change]:
        """Stop waiting: finalise every held event (the end of a log); returns the verdicts this gives."""
        out: list[Change] = []
        self._finalise(out, everything=True)
        return out

    # -- inside --------------------------------------------------------------------------------------
    def _register(self, h: _Held) -> None:
        for key in h.keys:
            lst = self._by_key.get(key)
            if lst is None:
                # First held event under this key: the live state there is the settled state; keep a copy.
                self.judge.state.copy_key(key, self._settled)
                lst = self._by_key[key] = []
            lst.append(h)

    def _beyond_window(self, h: _Held, out: list[Change]) -> None:
        """An event older than the frontier: judged now against the state as it stands, marked late; the
        held events it can change are judged again."""
        self.late += 1
        if not self._provided:  # nothing provisional held: the live state is the settled state
            out.append((self.judge.judge(h.event, late=True), None))
            return
        h.keys = state_keys(h.event)
        seed = [k for k in h.keys if k in self._by_key]
        if not seed:
            out.append((self.judge.judge(h.event, late=True), None))
            return
        keys, affected = self._closure(seed, None)
        live = self.judge.state
        for k in keys:
            self._settled.copy_key(k, live)
        out.append((self.judge.judge(h.event, late=True), None))
        for k in seed:  # the late event is final at once: it joins the settled state
            live.copy_key(k, self._settled)
        self._replay(keys, affected, out)

    def _closure(self, seed: Iterable[StateKey], after: tuple[datetime, int, str] | None,
                 ) -> tuple[set[StateKey], set[_Held]]:
        """The held events after ``after`` that share state with ``seed``, transitively, and their keys."""
        keys = set(seed)
        affected: set[_Held] = set()
        todo = list(keys)
        while todo:
            for e in self._by_key.get(todo.pop(), ()):
                if e in affected or (after is not None and e.key <= after):
                    continue
                affected.add(e)
                for k in e.keys:
                    if k not in keys:
                        keys.add(k)
                        todo.append(k)
        return keys, affected

    def _rejudge(self, h: _Held, seed: Iterable[StateKey], after: tuple[datetime, int, str], also: set[_Held],
                 out: list[Change]) -> None:
        keys, affected = self._closure(seed, after)
        affected |= also
        for k in keys:
            self._settled.copy_key(k, self.judge.state)
        self._replay(keys, affected, out)

    def _replay(self, keys: set[StateKey], affected: set[_Held], out: list[Change]) -> None:
        """Rebuild the live state under ``keys`` from the settled state: the held events touching them, in
        event-time order; the affected ones judged again, the others' verdicts applied as they stand."""
        live = self.judge.state
        events = {e for k in keys for e in self._by_key.get(k, ())} | affected
        for e in sorted(events, key=_order):
            if e in affected:
                old = e.verdict
                e.verdict = self.judge.judge(e.event)
                if old is None or e.verdict != old:
                    out.append((e.verdict, old))
                self.rejudged += old is not None
            else:
                assert e.verdict is not None
                live.apply(e.event, e.verdict.outcome == "gated", only=keys.intersection(e.keys))

    def _finalise(self, out: list[Change], *, everything: bool, watermark: datetime | None = None) -> None:
        held = self._held
        if watermark is not None:
            cut: datetime | None = watermark
        else:
            cut = None if self._newest is None or self.late_after is None else self._newest - self.late_after
        while held:
            if not everything and (cut is None or len(held) <= self.hold or held[0][0] >= cut):
                break
            h = heappop(held)[3]
            self._frontier = h.key
            if h.verdict is None:  # never judged: judged now, once and for all (it is the first pending one)
                heappop(self._pending)
                out.append((self.judge.judge(h.event), None))
                continue
            self._provided -= 1
            self._settled.apply(h.event, h.verdict.outcome == "gated", only=h.keys)
            for k in h.keys:
                lst = self._by_key[k]
                lst.remove(h)
                if not lst:
                    del self._by_key[k]
                    _EMPTY.copy_key(k, self._settled)
        if not self._provided:
            self._judged_upto = None  # nothing provisional is held: the live state is the settled state
