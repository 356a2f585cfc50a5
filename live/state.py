"""What the live view shows, fed incrementally: the custody graph, verdicts by rule and event rates.

The graph is custody as judged, as ``custodiet trace``/``reach`` build it by default (what the judge let
through: ``schemas.flow.judged_edges``), so the API's trace and reach answers are the very documents those
commands print for the same events. Events are judged with the same judge as ``custodiet check``, in event
time (``judge.timeline.EventTimeJudge``): an event that arrives after later ones re-judges only the verdicts
it can change, and each changed verdict replaces the one before it in the counts and in the graph, so the
verdicts are the ones ``custodiet check`` gives. Verdicts judged elsewhere (a streaming run's ``verdicts``
topic) are applied the same way: a re-judgement replaces the earlier verdict, and a custody edge it no
longer makes leaves the graph.

>>> s = LiveState()
>>> s.feed_event_dicts([
...   {"event_id": "r", "type": "clip_recorded", "occurred_at": "2024-01-01T00:00:00Z", "clip_id": "c",
...    "owner": "resident:r", "platform": "ring"},
...   {"event_id": "t", "type": "transfer", "occurred_at": "2024-01-02T00:00:00Z", "clip_id": "c",
...    "from_party": "resident:r", "to_party": "agency:ice-hsi", "basis": "agreement", "purpose": "x"}])
2
>>> s.trace("c", "agency:ice-hsi")["paths"][0]["events"]
['t']
>>> st = s.stats(); st["events_in"], st["processed"], [f["to"] for f in st["federal"]]
(2, 2, ['agency:ice-hsi'])
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from classify.registry import default_registry
from graph.conduits import conduit_document
from graph.custody import CustodyGraph
from graph.reach import DEFAULT_MAX_HOPS, clips_reaching, flow_links_into, parties_into
from graph.reach import reach as reach_document
from graph.trace import DEFAULT_LIMIT, TraceError
from graph.trace import trace as trace_document
from judge.decode import DEFAULT_MAX_EVENT_BYTES
from judge.engine import event_order
from judge.logread import LineReader, read_lines
from judge.runner import Judging
from judge.timeline import DEFAULT_LATE_AFTER, Change
from schemas.events import INPUT_TOPICS, MIXED_INPUT, Event
from schemas.flow import judged_edges
from schemas.parties import PartyRegistry
from schemas.records import VERDICT_TOPIC_RECORD, DeadLetter, Verdict, VerdictRecord
from streams.collector import Collector

__all__ = ["LiveState", "LogFollower", "default_registry", "topic_of"]

#: How many violation records the state keeps for ``/api/violations`` (the counts by rule are exact).
KEEP_VIOLATIONS = 5000


def topic_of(event_type: str | None) -> str:
    """The input topic an event of this type travels on (``events`` for one whose type is unknown).

    >>> topic_of("transfer"), topic_of("teleport")
    ('transfers', 'events')
    """
    return INPUT_TOPICS.get(event_type or "", MIXED_INPUT)


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _as_raw(item: Any) -> bytes:
    if isinstance(item, bytes):
        return item
    if isinstance(item, str):
        return item.encode("utf-8", errors="surrogateescape")
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


class LiveState:
    """The graph, the verdicts and the counters behind the live view; thread-safe, fed incrementally.

    ``feed`` takes decoded events (pydantic models), event dicts, raw JSON lines (``bytes``/``str``) or
    verdicts judged elsewhere (``schemas.records.Verdict``: counted by rule, their custody edges added).
    Readers (the web server) call ``stats``, ``trace``, ``reach`` and friends; each takes the lock.
    """

    def __init__(
        self,
        registry: PartyRegistry | None = None,
        rule_sets: list[str] | None = None,
        *,
        source: str = "",
        mode: str = "stream",
        max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        rate_window: float = 5.0,
        rejudge_interval: float = 1.0,
        late_after: timedelta | None = DEFAULT_LATE_AFTER,
    ) -> None:
        self.registry = registry if registry is not None else default_registry()
        self.rule_set_names = rule_sets
        self.source = source
        self.mode = mode
        self.max_bytes = max_bytes
        self.rate_window = rate_window
        self.rejudge_interval = rejudge_interval  # kept for callers: late events re-judge what they change at once
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.graph = CustodyGraph(self.registry)
        # The one judging and the one tally every runner in this process uses (``judge.runner``); fed from a
        # streaming run's verdicts topic, the same tally is counted by the collector ``check --broker`` uses.
        self.judging = Judging(rule_sets, self.registry, late_after=late_after, provisional=True,
                               source=source or None, max_bytes=max_bytes)
        self.judge = self.judging.judge
        self.tally = self.judging.tally
        self.collector = Collector(None, 1, tally=self.tally)
        self.version = 0
        self.graph_version = 0
        self._verdicts: dict[str, Verdict] = {}
        self._violations: deque[dict[str, Any]] = deque(maxlen=KEEP_VIOLATIONS)
        self._watermark: tuple[datetime, int, str] | None = None
        self._late = 0  # events that arrived after a later one (their verdicts and those they change re-judged)
        self._topic_totals: Counter[str] = Counter()
        self._buckets: deque[tuple[int, Counter[str]]] = deque()
        self._started = time.monotonic()
        self._last_event_time: float | None = None
        self._stats_cache: tuple[int, float, dict[str, Any]] | None = None
        self.feeding = False  # a replay or follower is running

    # -- feeding -------------------------------------------------------------------------------------
    @property
    def events_in(self) -> int:
        """Inputs counted in (lines, events, or a streaming run's input records)."""
        return self.tally.events_in

    @property
    def dead(self) -> list[DeadLetter]:
        """The dead letters counted (where and why)."""
        return self.tally.dead_list()

    def feed(self, items: Iterable[Any]) -> int:
        """Feed events (models, dicts, raw lines) or verdicts; returns how many items were taken."""
        lines: list[tuple[int | None, bytes]] = []
        models: list[Event] = []
        verdicts: list[Verdict] = []
        for item in items:
            if isinstance(item, Verdict):
                verdicts.append(item)
            elif hasattr(item, "event_id") and hasattr(item, "type") and hasattr(item, "occurred_at"):
                models.append(item)
            else:
                lines.append((None, _as_raw(item)))
        n = 0
        if lines:
            n += self.feed_lines(lines)
        if models:
            with self.lock:
                self.tally.events_in += len(models)
                self._take(models)
                self._touch()
            n += len(models)
        if verdicts:
            self.feed_verdicts(verdicts)
            n += len(verdicts)
        return n

    def feed_event_dicts(self, events: Iterable[dict[str, Any]]) -> int:
        """Feed event dicts (as ``simulate`` produces them); bad ones become dead letters.

        >>> LiveState().feed_event_dicts([{"event_id": "x", "type": "teleport"}])
        1
        """
        return self.feed_lines((None, _as_raw(e)) for e in events)

    def feed_lines(self, lines: Iterable[tuple[int | None, bytes]]) -> int:
        """Feed ``(line number, raw bytes)`` pairs, decoded, counted and de-duplicated as ``custodiet check``
        does (``judge.runner.Judging``)."""
        batch = list(lines)
        if not batch:
            return 0
        with self.lock:
            dead_before = self.tally.dead_letters
            events = self.judging.decode(batch)
            self._count_topics({MIXED_INPUT: self.tally.dead_letters - dead_before})
            self._take(events)
            self._touch()
        return len(batch)

    def follow_run(self, partitions: int, expected_inputs: int | None = None) -> Collector:
        """Get ready to be fed a streaming run's verdicts topic (``partitions`` partitions; ``expected_inputs``
        when known, for ``collector.done()``); the collector that counts it into this state's tally."""
        with self.lock:
            self.collector.partitions = partitions
            self.collector.expected = expected_inputs
            return self.collector

    def feed_records(self, partition: int, value: bytes | str) -> int:
        """Feed one message of a streaming run's ``verdicts`` topic (accounting records and verdicts, counted by
        ``streams.collector.Collector`` as ``check --broker`` counts them); a re-judgement replaces the earlier
        verdict in the counts and the graph. Returns how many verdicts changed."""
        record = VERDICT_TOPIC_RECORD.validate_json(value)
        with self.lock:
            dead_before = self.tally.dead_letters
            changes = self.collector.apply(partition, record)
            self._count_topics({MIXED_INPUT: self.tally.dead_letters - dead_before})
            self._apply(changes, {})
            self._touch()
        return len(changes)

    def feed_verdicts(self, verdicts: Iterable[Verdict]) -> int:
        """Feed verdicts judged elsewhere without their accounting records (counted as processed, not as
        inputs); as :meth:`feed_records` otherwise."""
        n = 0
        with self.lock:
            for v in verdicts:
                n += 1
                self._apply(self.collector.apply(0, VerdictRecord(verdict=v)), {})
            self._touch()
        return n

    def _swap(self, old: list[Any], new: list[Any]) -> None:
        """Replace one event's custody records in the graph (custody as judged, ``schemas.flow``)."""
        if old == new:
            return
        for e in old:
            self.graph.remove_record(e)
        for e in new:
            self.graph.add_record(e)
        self.graph_version += 1

    def _take(self, events: list[Event]) -> None:
        """Judge decoded events (counted in already) in event time; re-judgements replace the verdicts they
        change, in the counts and in the graph (custody as judged)."""
        fresh: dict[str, Event] = {}
        for ev in events:  # the first delivery of each id not seen before (the judge counts the repeats)
            if ev.event_id not in self.judge and ev.event_id not in fresh:
                fresh[ev.event_id] = ev
        for ev in fresh.values():
            key = event_order(ev)
            if self._watermark is not None and key < self._watermark:
                self._late += 1
            else:
                self._watermark = key
        self._apply(self.judging.events(events), fresh)

    def _apply(self, changes: list[Change], known: dict[str, Event]) -> None:
        """Verdicts counted already (by the judging or the collector): into the recent records, the rates and
        the graph. ``known``: events at hand by id (else a verdict's own custody records are used)."""
        topics: Counter[str] = Counter()
        for v, previous in changes:
            if previous is None:
                topics[topic_of(v.event_type)] += 1
            else:
                self._unrecord(previous)
            self._record(v)
            ev = known.get(v.event_id)
            t = v.occurred_at.timestamp()
            if self._last_event_time is None or t > self._last_event_time:
                self._last_event_time = t
            self._swap(_judged(ev, previous), _judged(ev, v))
        self._count_topics(topics)

    def _record(self, v: Verdict) -> None:
        self._verdicts[v.event_id] = v
        for vi in v.violations:
            self._violations.append(vi.model_dump(mode="json"))

    def _unrecord(self, v: Verdict) -> None:
        """Take the records of a verdict that is being replaced out of the recent list."""
        if v.violations:
            kept = [r for r in self._violations if r["event_id"] != v.event_id]
            if len(kept) != len(self._violations):
                self._violations = deque(kept, maxlen=KEEP_VIOLATIONS)

    def settle(self) -> None:
        """Nothing is left to judge again (late events re-judge what they change as they arrive); wakes
        readers, as the end of a feed does."""
        with self.lock:
            self._touch()

    def _count_topics(self, counts: dict[str, int]) -> None:
        counts = {k: n for k, n in counts.items() if n}
        if not counts:
            return
        sec = int(time.monotonic())
        if not self._buckets or self._buckets[-1][0] != sec:
            self._buckets.append((sec, Counter()))
        self._buckets[-1][1].update(counts)
        self._topic_totals.update(counts)
        horizon = sec - int(self.rate_window) - 2
        while self._buckets and self._buckets[0][0] < horizon:
            self._buckets.popleft()

    def _touch(self) -> None:
        self.version += 1
        self._changed.notify_all()

    def notify(self) -> None:
        """Wake everyone waiting in :meth:`wait_for_change` (used on shutdown)."""
        with self.lock:
            self._changed.notify_all()

    def wait_for_change(self, version: int, timeout: float) -> int:
        """Block until the state's version differs from ``version`` (or ``timeout``); the current version."""
        with self.lock:
            if self.version == version:
                self._changed.wait(timeout)
            return self.version

    # -- streaming sources ---------------------------------------------------------------------------
    def replay(
        self,
        events: Iterable[Any],
        rate: float,
        *,
        tick: float = 0.1,
        stop: threading.Event | None = None,
    ) -> int:
        """Feed ``events`` gradually, about ``rate`` per second (batches every ``tick`` s); blocks until done.

        >>> LiveState().replay([{"event_id": "x", "type": "teleport"}], rate=1000)
        1
        """
        per_tick = max(1, round(rate * tick)) if rate > 0 else None
        it = iter(events)
        n = 0
        self.feeding = True
        try:
            start = time.monotonic()
            while stop is None or not stop.is_set():
                batch = [x for _, x in zip(range(per_tick), it, strict=False)] if per_tick else list(it)
                if not batch:
                    break
                n += self.feed(batch)
                if per_tick is None:
                    break
                delay = start + n / rate - time.monotonic()
                if delay > 0:
                    if stop is not None:
                        stop.wait(delay)
                    else:
                        time.sleep(delay)
        finally:
            self.feeding = False
            self.settle()
            self.notify()
        return n

    def start_replay(self, events: Iterable[Any], rate: float, stop: threading.Event | None = None) -> threading.Thread:
        """:meth:`replay` in a daemon thread (already started)."""
        th = threading.Thread(target=self.replay, args=(events, rate), kwargs={"stop": stop}, name="live-replay",
                              daemon=True)
        self.feeding = True
        th.start()
        return th

    def feed_stream(self, lines: Iterable[tuple[int, bytes]], *, tick: float = 0.1,
                    stop: threading.Event | None = None) -> int:
        """Feed lines as they arrive from a blocking source (stdin), in batches at most ``tick`` s apart."""
        import queue

        q: queue.Queue[tuple[int, bytes] | None] = queue.Queue()

        def pump() -> None:
            try:
                for item in lines:
                    q.put(item)
            finally:
                q.put(None)

        threading.Thread(target=pump, name="live-stdin", daemon=True).start()
        n = 0
        done = False
        self.feeding = True
        try:
            while not done and (stop is None or not stop.is_set()):
                batch: list[tuple[int | None, bytes]] = []
                try:
                    item = q.get(timeout=tick)
                except queue.Empty:
                    continue
                deadline = time.monotonic() + tick
                while True:
                    if item is None:
                        done = True
                        break
                    batch.append(item)
                    if len(batch) >= 1000 or time.monotonic() >= deadline:
                        break
                    try:
                        item = q.get(timeout=max(0.0, deadline - time.monotonic()))
                    except queue.Empty:
                        break
                n += self.feed_lines(batch)
        finally:
            self.feeding = False
            self.settle()
            self.notify()
        return n

    @classmethod
    def from_log(
        cls,
        path: str | Path,
        rule_sets: list[str] | None = None,
        registry: PartyRegistry | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    ) -> LiveState:
        """A state fed with a whole ``.jsonl`` log, read as ``custodiet trace``/``check`` read it."""
        state = cls(registry, rule_sets, source=str(path), mode="file", max_bytes=max_bytes)
        state.feed_lines(read_lines(path, max_bytes))  # type: ignore[arg-type]
        state.settle()
        return state

    # -- reading -------------------------------------------------------------------------------------
    def trace(self, clip: str, to: str, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
        """Exactly ``graph.trace.trace`` on the current graph (the ``custodiet trace --json`` document)."""
        with self.lock:
            return trace_document(self.graph, clip, to, limit=limit)

    def reach(self, to: str, max_hops: int = DEFAULT_MAX_HOPS) -> dict[str, Any]:
        """Exactly ``graph.reach.reach`` on the current graph (the ``custodiet reach --json`` document)."""
        with self.lock:
            return reach_document(self.graph, to, max_hops=max_hops)

    def kind_of(self, party: str) -> str:
        """The kind of a party (``federal``, ``local``, ``resident``, ...)."""
        data = self.graph.graph.nodes.get(party) if party in self.graph.graph else None
        if data and data.get("kind"):
            return str(data["kind"])
        return self.registry.kind_of(party)

    def federal_parties(self) -> list[str]:
        """Parties in the graph whose kind is federal."""
        with self.lock:
            return sorted(p for p in self.graph.graph.nodes if self.kind_of(p) == "federal")

    def _rates(self) -> dict[str, float]:
        now = time.monotonic()
        span = min(self.rate_window, max(1.0, now - self._started))
        lo = int(now - span)
        counts: Counter[str] = Counter()
        for sec, c in self._buckets:
            if sec >= lo:
                counts.update(c)
        return {t: round(n / span, 1) for t, n in counts.items()}

    def stats(self, max_age: float = 0.25) -> dict[str, Any]:
        """Counters, rates by topic, verdicts by rule, paths into federal parties, conduits (cached briefly)."""
        with self.lock:
            now = time.monotonic()
            if self._stats_cache is not None:
                v, at, doc = self._stats_cache
                if v == self.version and now - at < max_age:
                    return doc
            doc = self._build_stats()
            self._stats_cache = (self.version, now, doc)
            return doc

    def _build_stats(self) -> dict[str, Any]:
        rates = self._rates()
        topics = [{"topic": t, "event_type": et, "total": self._topic_totals.get(t, 0), "rate": rates.get(t, 0.0)}
                  for et, t in (*INPUT_TOPICS.items(), ("?", MIXED_INPUT))]
        federal = self.federal_parties()
        reached: list[dict[str, Any]] = []
        for party in federal:
            for row in clips_reaching(self.graph, party):
                reached.append({"clip": row["clip"], "to": party, "owner": row["owner"], "paths": row["paths"],
                                "intermediaries": row["intermediaries"], "first_reached": row["first_reached"]})
        reached.sort(key=lambda r: (r["first_reached"], r["clip"], r["to"]), reverse=True)
        if federal:
            cond = conduit_document(self.graph, to_kind="federal", limit=12)
            basis = "towards federal parties: " + cond["links_basis"]
        else:
            cond = conduit_document(self.graph, limit=12)
            basis = "no federal party yet: " + cond["links_basis"]
        g = self.graph
        return {
            "version": self.version,
            "graph_version": self.graph_version,
            "mode": self.mode,
            "source": self.source,
            "feeding": self.feeding,
            **self.tally.counts(),
            "late": self._late,
            "event_time": _iso(self._last_event_time),
            "rate": round(sum(rates.values()), 1),
            "topics": topics,
            "rules": self.tally.rules(),
            "violations": sum(self.tally.violations.values()),
            "recent_violations": [_brief(v) for v in list(self._violations)[-12:]][::-1],
            "graph": {"basis": g.basis, "parties": g.graph.number_of_nodes(), "links": g.graph.number_of_edges(),
                      "clips": len(g.clips), "hand_overs": g.hand_over_count, "grants": g.grants,
                      "searches": g.searches},
            "federal_parties": federal,
            "federal": reached[:40],
            "federal_total": len(reached),
            "conduits": cond["conduits"],
            "conduits_basis": basis,
        }

    def violations(self, limit: int = 100, rule: str | None = None) -> dict[str, Any]:
        """Violation records (newest first, at most ``limit``; optionally of one rule) and counts by rule."""
        with self.lock:
            rows = [v for v in reversed(self._violations) if rule is None or v["rule_id"] == rule]
            by_rule = {r["rule"]: {"gated": r["gated"], "flagged": r["flagged"]} for r in self.tally.rules()}
            total = sum(self.tally.violations.values())
            return {"count": total if rule is None else sum(by_rule.get(rule, {}).values()),
                    "by_rule": dict(sorted(by_rule.items())), "kept": len(rows), "truncated": len(rows) > limit,
                    "violations": rows[:limit]}

    def clip_detail(self, clip: str) -> dict[str, Any]:
        """A clip's owner and every hand-over of it, with its verdict and the kind of each party."""
        with self.lock:
            g = self.graph
            if clip not in g.clips and clip not in g.hand_overs:
                raise TraceError(f"clip {clip!r} is not in the log")
            origin = g.clips.get(clip)
            rows = []
            parties: dict[str, str] = {}
            if origin is not None:
                parties[origin.owner] = self.kind_of(origin.owner)
            for h in g.clip_hand_overs(clip):
                data = g.graph.get_edge_data(h.src, h.dst, h.event_id) or {}
                v = self._verdicts.get(h.event_id)
                rows.append({"event_id": h.event_id, "at": _iso(h.t), "from": h.src, "to": h.dst,
                             "basis": data.get("basis"), "purpose": data.get("purpose"),
                             "outcome": v.outcome if v else data.get("verdict", "ok"),
                             "rules": [x.rule_id for x in v.violations] if v else []})
                parties.setdefault(h.src, self.kind_of(h.src))
                parties.setdefault(h.dst, self.kind_of(h.dst))
            return {"clip": clip, "owner": origin.owner if origin else None,
                    "recorded_at": _iso(origin.t) if origin else None, "platform": origin.platform if origin else None,
                    "hand_overs": rows, "parties": parties}

    def links_into(self, to: str, max_hops: int = DEFAULT_MAX_HOPS, max_nodes: int = 60) -> dict[str, Any]:
        """The party-level links on shortest routes into ``to`` (for drawing), flagged and gated counted."""
        with self.lock:
            g = self.graph
            if not g.has_party(to):
                raise TraceError(f"party {to!r} is not in the log")
            rows, truncated = parties_into(g, to, max_hops=max_hops)
            near = [r for r in rows if r["min_hops"] <= max_hops]
            near.sort(key=lambda r: (r["min_hops"], -r["paths"], r["party"]))
            chosen = near[: max(0, max_nodes - 1)]
            hops = {to: 0, **{r["party"]: r["min_hops"] for r in chosen}}
            links = []
            for (u, v), c in flow_links_into(g, to).items():  # only links that carry data into ``to``
                if u not in hops or v not in hops or hops[u] != hops[v] + 1:
                    continue
                outcomes: Counter[str] = Counter()
                for key in g.graph[u][v]:
                    verdict = self._verdicts.get(str(key))
                    if verdict is not None and verdict.outcome != "ok":
                        outcomes[verdict.outcome] += 1
                links.append({"from": u, "to": v, "hand_overs": c["hand_overs"], "grants": c["grants"],
                              "searches": c["searches"], "flagged": outcomes["flagged"], "gated": outcomes["gated"]})
            links.sort(key=lambda lk: (lk["from"], lk["to"]))
            nodes = [{"id": p, "kind": self.kind_of(p), "hops": h,
                      "paths": next((r["paths"] for r in chosen if r["party"] == p), 0)} for p, h in hops.items()]
            return {"to": to, "max_hops": max_hops, "nodes": nodes, "links": links,
                    "total_parties": len(near), "truncated": truncated or len(near) > len(chosen)}

    def search(self, q: str, limit: int = 20) -> dict[str, Any]:
        """Clip and party ids containing ``q`` (case-insensitive), exact matches first.

        >>> LiveState().search("ice")
        {'q': 'ice', 'clips': [], 'parties': []}
        """
        needle = q.strip().lower()
        with self.lock:
            if not needle:
                return {"q": q, "clips": [], "parties": []}
            g = self.graph

            def pick(ids: Iterable[str]) -> list[str]:
                hits = [i for i in ids if needle in i.lower()]
                hits.sort(key=lambda i: (i.lower() != needle, not i.lower().startswith(needle), len(i), i))
                return hits[:limit]

            clips = pick(set(g.clips) | set(g.hand_overs))
            parties = [{"id": p, "kind": self.kind_of(p)} for p in pick(g.graph.nodes)]
            return {"q": q, "clips": clips, "parties": parties}


def _judged(ev: Any, v: Verdict | None) -> list[Any]:
    """The custody records an event's verdict lets through (``schemas.flow.judged_edges``); without the
    event at hand (``None``), the verdict's own records (its edge, or a search's links)."""
    if v is None:
        return []
    return judged_edges(ev, v)


def _brief(v: dict[str, Any]) -> dict[str, Any]:
    return {k: v.get(k) for k in ("rule_id", "verdict", "event_id", "event_type", "occurred_at", "parties")}


class LogFollower:
    """Reads a growing ``.jsonl`` log from where it stopped, with ``judge.logread.LineReader`` (the reader of
    ``custodiet check``): only complete lines (a last line without its newline waits for it), numbered from
    1 across reads; an over-long line becomes a dead letter that gives its real size once its end arrives.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "log.jsonl")
    >>> _ = open(p, "wb").write(b'{"a":1}\\n{"b"')
    >>> f = LogFollower(p); f.read_new()
    [(1, b'{"a":1}')]
    >>> _ = open(p, "ab").write(b':2}\\n'); f.read_new()
    [(2, b'{"b":2}')]
    """

    def __init__(self, path: str | Path, max_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.offset = 0
        self.reader = LineReader(max_bytes)

    @property
    def line(self) -> int:
        """Lines read so far."""
        return self.reader.line

    def read_new(self) -> list[tuple[int, bytes]]:
        """Complete lines appended since the last call (the file shrinking starts it over from the top)."""
        try:
            size = self.path.stat().st_size
        except OSError:
            return []
        if size < self.offset:  # truncated or replaced: start again (line numbers go on)
            line = self.reader.line
            self.offset, self.reader = 0, LineReader(self.max_bytes)
            self.reader.line = line
        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            out = list(self.reader.read(fh, final=False))
            self.offset = fh.tell()
        return out

    def follow(self, state: LiveState, *, interval: float = 0.5, stop: threading.Event | None = None,
               on_error: Callable[[Exception], None] | None = None) -> None:
        """Feed new lines into ``state`` until ``stop`` is set (checks the file every ``interval`` s)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                lines = self.read_new()
            except OSError as e:  # pragma: no cover - a file that vanished or became unreadable
                if on_error is not None:
                    on_error(e)
                lines = []
            if lines:
                state.feed_lines(lines)  # type: ignore[arg-type]
            else:
                state.settle()
            stop.wait(interval)

