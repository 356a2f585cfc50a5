"""The Faust app: wiring. One agent reads the input topics and ``judge-in``; the work is done by broker-free
steps, ``streams.intake.Intake`` (decode, de-duplicate, route) and ``streams.judge_step.WorkerJudge`` (judge
in event time), which the in-process tests drive directly.

Input is keyed by routing key, so an event is read on the partition that judges it and is judged there,
without a second trip through the broker; only requests, consent decisions and legal process (for judge
partitions other workers hold) and events a producer keyed otherwise cross ``judge-in``. State lives in
changelog-backed tables: ``seen`` (event id -> where it was first read) and ``history`` (the raw events each
judge partition holds), so a restarted or added worker recovers it. Tables are written with an explicit
changelog partition because the agent takes events in batches that span partitions.

Event time: the worker's watermark is the minimum over its input partitions (``streams.watermark``) and the
marks the other workers announce on ``judge-in``; events it has passed get their final verdicts, judged once.
When every input has stayed read to its end for a whole check of the idle timer, the rest get provisional
verdicts (``judge.timeline.EventTimeJudge.provide``), which a later, earlier event revises.

Run a worker: ``python -m streams.worker worker -l warn --web-port 6067`` (settings from the environment,
see ``streams.config``).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import faust

from judge.timeline import parse_lateness
from schemas.events import parse_event
from schemas.parties import PartyRegistry
from streams.config import StreamConfig
from streams.faust_settings import faust_app_settings
from streams.intake import Inbound, Intake, header
from streams.judge_step import JudgeOut, WorkerJudge, route_events
from streams.records import accounting, batch_record, chunks, dead_letter_value
from streams.watermark import InputClock, TopicPart

__all__ = ["create_app", "BATCH", "BATCH_WITHIN_S", "seal_changelog", "Outbox", "FaustOutbox"]

log = logging.getLogger(__name__)
BATCH = 5000
BATCH_WITHIN_S = 0.5
MARK_HEADER, FROM_HEADER = "custodiet-mark", "custodiet-from"  # a worker's input mark on judge-in, and its partitions
IDLE_CHECK_S = 0.2  # how often a worker with nothing to read checks whether its inputs are read to the end
BUNDLE_BYTES = 256 * 1024  # well under the brokers' default 1 MB message limit
ENTRY_EVENTS = 2000  # event ids per changelog record of the seen table
PAD_KEY = "\u0000pad"


async def seal_changelog(table: Any, partitions: set[int], writes: list[Any]) -> None:
    """Make a batch's changelog writes recoverable on brokers whose "latest" offset is wrong.

    The local broker reports the end of a partition as the start of its last record batch plus one, and
    Faust stops recovering a table there. So once the batch's writes are delivered, one tombstone per
    touched partition goes out on its own: the last record batch then holds one record and nothing real
    is skipped. On Kafka this costs one small record per partition and batch.
    """
    if not partitions:
        return
    await asyncio.gather(*writes)
    await asyncio.gather(*(table.send_changelog(p, PAD_KEY, None) for p in sorted(partitions)))


#: A watermark before every event: nothing passes it (there is no watermark yet).
_NO_MARK = datetime.min.replace(tzinfo=UTC)


def _tp(tp: TopicPart) -> Any:
    return faust.types.TP(*tp)


def _registry(cfg: StreamConfig) -> PartyRegistry:
    from classify.registry import default_registry

    return default_registry(cfg.registry_path or None)


class Outbox(Protocol):
    """Where the agent's messages go: Faust's topics and table changelogs in a worker, a list in tests."""

    def send(self, topic: str, key: bytes, value: bytes, *, headers: list[tuple[str, bytes]] | None = None,
             partition: int | None = None) -> None:
        """Send one message to ``topic`` (a full topic name) soon."""

    async def keep(self, table: Any, entries: list[tuple[int, str, Any]]) -> None:
        """Write ``(changelog partition, key, value)`` entries to ``table`` and wait until they are durable."""


class FaustOutbox:
    """The outbox of a running worker: ``send_soon`` on the app's topics, sealed changelog writes."""

    def __init__(self, app: faust.App, partitions: int) -> None:
        self.app = app
        self.partitions = partitions
        self.topics: dict[str, Any] = {}

    def send(self, topic: str, key: bytes, value: bytes, *, headers: list[tuple[str, bytes]] | None = None,
             partition: int | None = None) -> None:
        t = self.topics.get(topic)
        if t is None:
            t = self.topics[topic] = self.app.topic(topic, key_type=bytes, value_type=bytes, key_serializer="raw",
                                                     value_serializer="raw", partitions=self.partitions)
        t.send_soon(key=key, value=value, headers=headers, partition=partition)

    async def keep(self, table: Any, entries: list[tuple[int, str, Any]]) -> None:
        writes = []
        for p, key, value in entries:
            table.data[key] = value
            writes.append(table.send_changelog(p, key, value))
        await seal_changelog(table, {p for p, _, _ in entries}, writes)


#: ``() -> (assigned input partitions, their high watermarks)``: what a worker knows of how far its inputs go.
Ends = Callable[[], tuple[list[TopicPart], Callable[[TopicPart], int | None]]]


def _consumer_ends(app: faust.App, inputs: set[str]) -> Ends:
    def ends() -> tuple[list[TopicPart], Callable[[TopicPart], int | None]]:
        consumer = app.consumer
        assigned = [(tp.topic, tp.partition) for tp in consumer.assignment() if tp.topic in inputs]
        by_name = {(tp.topic, tp.partition): tp for tp in consumer.assignment()}
        return assigned, lambda tp: consumer.highwater(by_name[tp])
    return ends


def create_app(cfg: StreamConfig, outbox: Outbox | None = None, ends: Ends | None = None) -> faust.App:
    """Build the app, its topics, tables and agent for one configuration (``outbox``, ``ends``: for tests;
    ``ends`` says which input partitions the worker reads and where they end, by default the consumer's)."""
    layout = cfg.layout
    parts = layout.partitions
    app = faust.App(**faust_app_settings(cfg.bootstrap, app_id=cfg.app_id, web_port=cfg.web_port,
                                         data_dir=cfg.data_dir, partitions=parts, web_host=cfg.web_host))
    box: Outbox = outbox if outbox is not None else FaustOutbox(app, parts)
    judge_in = layout.name("judge-in")
    verdicts = layout.name("verdicts")
    sources = app.topic(*layout.inputs(), judge_in, key_type=bytes, value_type=bytes, key_serializer="raw",
                        value_serializer="raw", partitions=parts)
    seen = app.Table("seen", default=None, key_type=str, partitions=parts)
    history = app.Table("history", default=None, key_type=str, partitions=parts)
    registry = _registry(cfg)
    late_after = parse_lateness(cfg.max_lateness)
    intake = Intake(parts, cfg.max_event_bytes)
    clock = InputClock(late_after)
    inputs_end = ends if ends is not None else _consumer_ends(app, {*layout.inputs(), judge_in})
    # The judge partitions this worker holds; the judge is rebuilt from ``history`` when they change.
    held: dict[str, Any] = {"local": frozenset(range(parts)), "judge": None, "busy": False, "announced": None,
                           "idle": False}

    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    async def _assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        held["local"] = frozenset(tp.partition for tp in assigned if tp.topic == judge_in)
        held["judge"] = None
        clock.forget(list(clock.next))  # read again from the committed offsets, rebuilt from the tables
        held["announced"] = None
        for p in list(intake.seen):
            intake.forget(p)

    def send(out: JudgeOut) -> None:
        for s in out.sends:
            box.send(layout.name(s.topic), s.key, s.value, headers=s.headers)
        # In order, to the partition's own verdicts partition, in messages of bounded size; the progress mark
        # is the last record of the last one.
        for p, books in out.books.items():
            for chunk in chunks(books, BUNDLE_BYTES):
                box.send(verdicts, f"verdicts-{p}".encode(), batch_record(chunk), partition=p)

    def worker_judge() -> WorkerJudge:
        wj = held["judge"]
        if wj is None:
            wj = held["judge"] = WorkerJudge(cfg.rules, registry, partitions=parts, local=held["local"],
                                             late_after=late_after)
            stored = [parse_event(raw) for v in list(history.data.values()) if v and v.get("p") in wj.local
                      for raw in v["raw"]]
            # After a (re)start or a rebalance: held again, unjudged until the watermark or the end of the inputs.
            send(wj.add(stored, watermark=_NO_MARK))
        return wj

    async def advance(wj: WorkerJudge, events: list[Any], *, timer: bool = False) -> None:
        """Judge what the watermark passed; when every input is read to its end, give provisional verdicts for
        the rest (a reader waiting for the end of a run gets them; a later, earlier event revises them)."""
        assigned, highwater = inputs_end()
        for tp in assigned:
            if tp not in clock.next:  # nothing read from it yet: it starts at the consumer's position
                position = await app.consumer.position(_tp(tp))
                if position is not None:
                    clock.start(tp, position)
        if timer and held["busy"]:
            return
        idle = clock.idle(assigned, highwater)
        own = [tp for tp in assigned if tp[0] != judge_in]
        elsewhere = [p for p in range(parts) if p not in wj.local]
        announce(clock.mark(own, highwater), wj.local, elsewhere)
        # Provisional verdicts only once the inputs have stayed read to their end for a whole check of the timer
        # (not at every moment a worker catches up in the middle of a run, which would only be re-judged).
        settled_idle, held["idle"] = idle and held["idle"], idle and timer
        if timer and not (settled_idle and wj.waiting()):
            return
        out = wj.add(events, watermark=clock.watermark(own, highwater, elsewhere) or _NO_MARK)
        if settled_idle and wj.waiting():
            provided = wj.provide()
            for p, books in out.books.items():
                books[-1:] = provided.books[p]
            out.sends += provided.sends
        send(out)

    def announce(mark: datetime | None, local: frozenset[int], elsewhere: list[int]) -> None:
        """Tell the workers holding the other judge partitions this worker's input mark, after the events it
        sent them (same partitions, in order), when it changed: their watermark waits for it."""
        if mark == held["announced"] or not elsewhere:
            return
        held["announced"] = mark
        hdrs = [(MARK_HEADER, mark.isoformat().encode() if mark else b""),
                (FROM_HEADER, ",".join(map(str, sorted(local))).encode())]
        for p in elsewhere:
            box.send(judge_in, b"mark", b"", headers=hdrs, partition=p)

    def heard(headers: Any) -> None:
        mark, sender = header(headers, MARK_HEADER), header(headers, FROM_HEADER)
        if mark is not None and sender:
            clock.heard(map(int, sender.split(",")), datetime.fromisoformat(mark) if mark else None)

    def seen_index(p: int) -> None:
        if not intake.knows(p):  # after a (re)start: rebuilt from what the table recovered
            intake.load(p, (v["ids"] for v in list(seen.data.values()) if v and v.get("p") == p))

    @app.agent(sources)
    async def pipeline(stream: Any) -> AsyncIterator[dict[str, int]]:
        async for batch in stream.take_events(BATCH, within=BATCH_WITHIN_S):
            held["busy"] = True  # the idle check waits: this batch is read but not judged yet
            wj = worker_judge()
            inbound, remote = [], []
            for ev in batch:
                msg = ev.message
                value = ev.value if isinstance(ev.value, bytes) else bytes(ev.value or b"")
                if msg.topic == judge_in:
                    clock.read((msg.topic, msg.partition), msg.offset)
                    heard(msg.headers)
                    if value:  # not only a mark
                        remote.append((msg.partition, msg.offset, value))
                else:
                    seen_index(msg.partition)
                    inbound.append(Inbound(value, msg.topic, msg.partition, msg.offset, msg.headers))
            took = intake.take(inbound)
            for m in inbound:
                clock.read((m.topic, m.partition), m.offset)
            for a in took.events:
                clock.read(a.tp, -1, a.event.occurred_at)
            for d in took.dead:
                box.send(layout.name("dead-letters"), d.key, dead_letter_value(d.letter), headers=d.headers)
            for chunk in chunks(took.books, BUNDLE_BYTES):
                box.send(verdicts, b"intake", batch_record(chunk))
            route = route_events(took.events, wj.local, parts)
            for p, values in sorted(route.forward.items()):
                for chunk in chunks(values, BUNDLE_BYTES):
                    box.send(judge_in, f"bundle-{p}".encode(), b"\n".join(chunk), partition=p)
            parsed: set[bytes] = set()  # a request sent to two partitions this worker holds is parsed once
            for p, offset, bundle in remote:
                for raw in bundle.split(b"\n"):
                    try:
                        if raw not in parsed:
                            ev = parse_event(raw)
                            clock.read((judge_in, p), -1, ev.occurred_at)
                            route.judge.append(ev)
                            parsed.add(raw)
                    except ValueError as e:  # intake validated it: a bug, or a foreign writer; say so
                        log.error("judge-in partition %s offset %s: cannot parse forwarded event: %s", p, offset, e)
                        box.send(verdicts, b"judge-error", accounting("judge-error", partition=p, offset=offset,
                                                                      error=str(e)[:500]), partition=p)
                        continue
                    route.keep.setdefault(p, []).append(raw)
            batch_id = uuid.uuid4().hex  # table keys unique per batch, whatever partitions it spans
            # History first, then the verdicts, then the seen ids: a crash in between re-reads the batch.
            await box.keep(history, [(p, f"b:{batch_id}:{p}:{i}", {"p": p, "raw": [c.decode() for c in chunk]})
                                     for p, raws in route.keep.items() for i, chunk in
                                     enumerate(chunks(raws, BUNDLE_BYTES))])
            await advance(wj, route.judge)
            await box.keep(seen, [(p, f"s:{batch_id}:{p}:{i}", {"p": p, "ids": dict(items[i:i + ENTRY_EVENTS])})
                                  for p, ids in took.new_ids.items() for items in [list(ids.items())]
                                  for i in range(0, len(items), ENTRY_EVENTS)])
            held["busy"] = False
            # What the worker holds (the judge's state and window, the tables) is long-lived and acyclic: moved
            # out of the cyclic collector's sight, so its full passes do not re-scan it after every batch. The
            # batch's own cyclic garbage is collected first (a pass over what is not frozen yet), so none is kept.
            gc.collect()
            gc.freeze()
            yield {"inputs": len(inbound), "forwarded": len(took.events), "dead": len(took.dead),
                   "judged": len(route.judge), "sent_on": sum(map(len, route.forward.values()))}

    async def idle_check() -> None:
        # No batch comes when there is nothing to read: the end of the inputs is noticed here.
        wj = held["judge"]
        if wj is not None and not held["busy"]:
            await advance(wj, [], timer=True)

    app.timer(IDLE_CHECK_S)(idle_check)

    @app.task
    async def _quiet_client_logs() -> None:
        # Faust's worker leaves the Kafka clients' loggers at DEBUG; formatting their records cost a tenth
        # of a worker's time in profiles. Warnings and errors still get through.
        for name in ("aiokafka", "faust", "mode", "kafka"):
            logging.getLogger(name).setLevel(logging.WARNING)

    app.custodiet_components = {  # type: ignore[attr-defined]
        "pipeline": pipeline, "seen": seen, "history": history, "intake": intake, "held": held,
        "idle_check": idle_check}
    return app
