"""The Faust app: intake (validate, de-duplicate) and judge agents, on real Kafka topics.

The agents call the very same code as the in-process runner (``judge.decode``, ``judge.engine`` through
``streams.partition_judge``), so both give the same verdicts. State lives in changelog-backed tables:
``seen`` (event id -> where it was first read) and ``history`` (every event a judge partition holds), so a
restarted or added worker recovers it. Tables are written with an explicit changelog partition because
the agents take events in batches that span partitions.

Run a worker: ``python -m streams.worker worker -l warn --web-port 6067`` (settings from the environment,
see ``streams.config``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust

from judge.decode import decode
from judge.engine import event_order
from judge.logread import TooLong
from judge.timeline import parse_lateness
from schemas.events import event_to_json, parse_event
from schemas.parties import PartyRegistry
from schemas.records import DeadLetter, Verdict
from streams.config import StreamConfig
from streams.context import custody_headers
from streams.faust_settings import faust_app_settings
from streams.partition_judge import PartitionJudge
from streams.records import (
    accounting,
    batch_record,
    dead_letter_value,
    position,
    progress_record,
    verdict_record,
)
from streams.topics import is_broadcast, judge_partition, routing_key

__all__ = ["create_app", "BATCH", "BATCH_WITHIN_S", "seal_changelog"]

log = logging.getLogger(__name__)
BATCH = 5000
BATCH_WITHIN_S = 0.5
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


def _chunks(values: list[bytes], limit: int) -> list[list[bytes]]:
    """Split encoded events into runs of at most ``limit`` bytes (a longer single event stands alone).

    >>> [len(c) for c in _chunks([b"aaaa", b"b", b"cccc", b"d"], 8)]
    [2, 2]
    """
    out: list[list[bytes]] = [[]]
    size = 0
    for v in values:
        if out[-1] and size + len(v) + 1 > limit:
            out.append([])
            size = 0
        out[-1].append(v)
        size += len(v) + 1
    return out


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    items = headers.items() if hasattr(headers, "items") else headers
    for k, v in items:
        if k == name:
            return v.decode() if isinstance(v, bytes | bytearray) else str(v)
    return None


def _registry(cfg: StreamConfig) -> PartyRegistry:
    from classify.registry import default_registry

    return default_registry(cfg.registry_path or None)


def create_app(cfg: StreamConfig) -> faust.App:
    """Build the app, its topics, tables and agents for one configuration."""
    layout = cfg.layout
    parts = layout.partitions
    app = faust.App(**faust_app_settings(cfg.bootstrap, app_id=cfg.app_id, web_port=cfg.web_port,
                                         data_dir=cfg.data_dir, partitions=parts, web_host=cfg.web_host))

    def raw_topic(base: str, *names: str) -> Any:
        return app.topic(*(names or (layout.name(base),)), key_type=bytes, value_type=bytes,
                         key_serializer="raw", value_serializer="raw", partitions=parts)

    inputs = raw_topic("", *layout.inputs())
    judge_in = raw_topic("judge-in")
    edges_out = raw_topic("custody-edges")
    violations_out = raw_topic("violations")
    dead_out = raw_topic("dead-letters")
    verdicts_out = raw_topic("verdicts")
    seen = app.Table("seen", default=None, key_type=str, partitions=parts)
    history = app.Table("history", default=None, key_type=str, partitions=parts)
    judges: dict[int, PartitionJudge] = {}
    seen_ids: dict[int, dict[str, str]] = {}  # intake partition -> event id -> first position
    registry = _registry(cfg)
    late_after = parse_lateness(cfg.max_lateness)

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def _forget(sender: Any, revoked: Any, **kwargs: Any) -> None:
        for tp in revoked:
            if tp.topic == layout.name("judge-in"):
                judges.pop(tp.partition, None)
            else:
                seen_ids.pop(tp.partition, None)

    def seen_for(p: int) -> dict[str, str]:
        # Changelog entries are one per batch ({"p", "ids": {event id: position}}): one record, not one per
        # event. After a (re)start the index is rebuilt from what the table recovered.
        index = seen_ids.get(p)
        if index is None:
            index = seen_ids[p] = {}
            for v in list(seen.data.values()):
                if v and v.get("p") == p:
                    for eid, pos in v["ids"].items():
                        index.setdefault(eid, pos)
        return index

    @app.agent(inputs)
    async def intake(stream: Any) -> None:
        async for batch in stream.take_events(BATCH, within=BATCH_WITHIN_S):
            new_ids: dict[int, dict[str, str]] = {}
            first_pos: dict[int, str] = {}
            forward: list[tuple[Any, Any, str]] = []
            books: list[bytes] = []  # accounting records of this batch, sent as one message
            for ev in batch:
                msg = ev.message
                pos = position(msg.topic, msg.partition, msg.offset)
                raw = ev.value if isinstance(ev.value, bytes) else bytes(ev.value or b"")
                line = _header(msg.headers, "line")
                size = _header(msg.headers, "size")
                if size and size.isdigit():  # the producer cut an over-long line: decode reports its real size
                    raw = TooLong(raw, int(size))
                out = decode(raw, line=int(line) if line else None, source=_header(msg.headers, "source"),
                             max_bytes=cfg.max_event_bytes)
                if isinstance(out, DeadLetter):
                    hdrs = [("reason", out.reason.encode()), ("topic", msg.topic.encode()),
                            ("partition", str(msg.partition).encode()), ("offset", str(msg.offset).encode())]
                    if line:
                        hdrs.append(("line", line.encode()))
                    dead_out.send_soon(key=pos.encode(), value=dead_letter_value(out), headers=hdrs)
                    books.append(accounting("dead", pos=pos, line=out.line, reason=out.reason, field=out.field))
                    continue
                index = seen_for(msg.partition)
                first = index.get(out.event_id)
                if first is not None and first != pos:
                    books.append(accounting("duplicate", pos=pos, event_id=out.event_id))
                    continue
                if first is None:
                    index[out.event_id] = pos
                    new_ids.setdefault(msg.partition, {})[out.event_id] = pos
                    first_pos.setdefault(msg.partition, pos)
                forward.append((event_order(out), out, pos))
                books.append(accounting("forwarded", pos=pos, event_id=out.event_id,
                                        broadcast=is_broadcast(out.type)))
            # Forward in event-time order: a judge partition re-judges whenever an event older than what it
            # has judged arrives, so ordering each batch here saves most re-judgements.
            # One message per judge partition and batch (a bundle of newline-separated events): Faust's cost
            # is per message, and requests and consent decisions go to every partition.
            forward.sort(key=lambda f: f[0])
            bundles: dict[int, list[bytes]] = {}
            for _, out, _pos in forward:
                value = event_to_json(out).encode()
                targets = range(parts) if is_broadcast(out.type) else (judge_partition(routing_key(out), parts),)
                for p in targets:
                    bundles.setdefault(p, []).append(value)
            for p, values in sorted(bundles.items()):
                for chunk in _chunks(values, BUNDLE_BYTES):
                    judge_in.send_soon(key=f"bundle-{p}".encode(), value=b"\n".join(chunk), partition=p)
            writes = []
            for p, ids in new_ids.items():
                items = list(ids.items())
                for i in range(0, len(items), ENTRY_EVENTS):  # bounded changelog records
                    key, entry = f"b:{first_pos[p]}:{i}", {"p": p, "ids": dict(items[i:i + ENTRY_EVENTS])}
                    seen.data[key] = entry
                    writes.append(seen.send_changelog(p, key, entry))
            for chunk in _chunks(books, BUNDLE_BYTES):
                verdicts_out.send_soon(key=b"intake", value=batch_record(chunk))
            await seal_changelog(seen, set(new_ids), writes)

    def emit(p: int, verdict: Verdict, previous: Verdict | None, books: list[bytes]) -> None:
        broadcast = is_broadcast(verdict.event_type)
        if broadcast and p != 0:
            return  # every partition judges requests; partition 0 speaks for them
        books.append(verdict_record(verdict))
        if verdict.violations or (previous is not None and previous.violations):
            doc = b'{"event_id":' + _json_str(verdict.event_id) + b',"violations":[' + b",".join(
                v.model_dump_json().encode() for v in verdict.violations) + b"]}"
            violations_out.send_soon(key=verdict.event_id.encode(), value=doc)
        edge = verdict.edge
        if edge is not None:
            key = (edge.clip_id or edge.from_party).encode()
            hdrs = custody_headers(clip_id=edge.clip_id or "", event_id=edge.event_id, from_party=edge.from_party,
                                   to_party=edge.to_party, occurred_at=edge.occurred_at.isoformat(),
                                   parent_event_id=edge.parent_event, hop=edge.hop)
            edges_out.send_soon(key=key, value=edge.model_dump_json().encode(), headers=hdrs)
        elif previous is not None and previous.edge is not None:
            old = previous.edge
            edges_out.send_soon(key=(old.clip_id or old.from_party).encode(),
                                value=b'{"event_id":' + _json_str(old.event_id) + b',"retracted":true}',
                                headers=[("custody-retracted", b"1"), ("custody-event", old.event_id.encode())])

    def send_verdicts(p: int, books: list[bytes]) -> None:
        # In order, to the judge partition's own verdicts partition, in messages of bounded size; the progress
        # mark is the last record of the last one.
        for chunk in _chunks(books, BUNDLE_BYTES):
            verdicts_out.send_soon(key=f"verdicts-{p}".encode(), partition=p, value=batch_record(chunk))

    def judge_for(p: int) -> PartitionJudge:
        pj = judges.get(p)
        if pj is None:
            pj = judges[p] = PartitionJudge(cfg.rules, registry, late_after=late_after)
            stored = [parse_event(raw) for v in list(history.data.values()) if v and v.get("p") == p
                      for raw in v["raw"]]
            books: list[bytes] = []
            for v, _ in pj.add(stored):  # after a restart: re-emit what this partition holds (idempotent)
                emit(p, v, None, books)
            books.append(progress_record(p, len(pj), sum(n for t, n in pj.type_counts.items() if is_broadcast(t))))
            send_verdicts(p, books)
        return pj

    @app.agent(judge_in)
    async def judge(stream: Any) -> None:
        async for batch in stream.take_events(BATCH, within=BATCH_WITHIN_S):
            by_partition: dict[int, list[Any]] = {}
            raws: dict[int, list[str]] = {}
            first_offset: dict[int, int] = {}
            for ev in batch:
                p = ev.message.partition
                bundle = ev.value if isinstance(ev.value, bytes) else str(ev.value).encode()
                pj = judge_for(p)
                for line in bundle.split(b"\n"):
                    raw = line.decode()
                    try:
                        event = parse_event(raw)
                    except ValueError as e:  # intake validated it: this is a bug, say so instead of hanging
                        log.error("judge-in partition %s: cannot parse forwarded event: %s", p, e)
                        verdicts_out.send_soon(key=b"judge-error", partition=p,
                                               value=accounting("judge-error", partition=p, error=str(e)[:500]))
                        continue
                    if event.event_id in pj.events:
                        continue  # re-delivered after a restart
                    by_partition.setdefault(p, []).append(event)
                    raws.setdefault(p, []).append(raw)
                first_offset.setdefault(p, ev.message.offset)
            writes = []
            for p, batch_raws in raws.items():  # a few changelog records per partition and batch, not one per event
                for i, chunk in enumerate(_chunks([r.encode() for r in batch_raws], BUNDLE_BYTES)):
                    key, entry = f"b:{p}:{first_offset[p]}:{i}", {"p": p, "raw": [c.decode() for c in chunk]}
                    history.data[key] = entry
                    writes.append(history.send_changelog(p, key, entry))
            for p, events in by_partition.items():
                pj = judges[p]
                books: list[bytes] = []
                for v, before in pj.add(events):
                    emit(p, v, before, books)
                n_broadcast = sum(n for t, n in pj.type_counts.items() if is_broadcast(t))
                # The batch's verdicts and the progress mark travel as one message: a reader that has the
                # mark has every verdict (and re-judgement) the batch produced.
                books.append(progress_record(p, len(pj), n_broadcast))
                send_verdicts(p, books)
            await seal_changelog(history, set(by_partition), writes)

    @app.task
    async def _quiet_client_logs() -> None:
        # Faust's worker leaves the Kafka clients' loggers at DEBUG; formatting their records cost a tenth
        # of a worker's time in profiles. Warnings and errors still get through.
        for name in ("aiokafka", "faust", "mode", "kafka"):
            logging.getLogger(name).setLevel(logging.WARNING)

    app.custodiet_components = {"intake": intake, "judge": judge, "seen": seen, "history": history}  # type: ignore[attr-defined]
    return app


def _json_str(s: str) -> bytes:
    import json

    return json.dumps(s).encode()
