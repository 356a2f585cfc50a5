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
from judge.verdicts import DeadLetter, Verdict
from schemas.events import event_to_json, parse_event
from schemas.parties import PartyRegistry
from streams.config import StreamConfig
from streams.context import custody_headers
from streams.faust_settings import faust_app_settings
from streams.partition_judge import PartitionJudge
from streams.records import accounting, dead_letter_value, position, progress_record, verdict_record
from streams.topics import is_broadcast, routing_key

__all__ = ["create_app", "BATCH", "BATCH_WITHIN_S", "seal_changelog"]

log = logging.getLogger(__name__)
BATCH = 1000
BATCH_WITHIN_S = 0.05


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


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    items = headers.items() if hasattr(headers, "items") else headers
    for k, v in items:
        if k == name:
            return v.decode() if isinstance(v, bytes | bytearray) else str(v)
    return None


def _registry(cfg: StreamConfig) -> PartyRegistry:
    from schemas.agencies import resolve_party

    if cfg.registry_path:
        return PartyRegistry.from_file(cfg.registry_path, resolver=resolve_party)
    return PartyRegistry(resolver=resolve_party)


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
    registry = _registry(cfg)

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def _forget(sender: Any, revoked: Any, **kwargs: Any) -> None:
        for tp in revoked:
            if tp.topic == layout.name("judge-in"):
                judges.pop(tp.partition, None)

    @app.agent(inputs)
    async def intake(stream: Any) -> None:
        async for batch in stream.take_events(BATCH, within=BATCH_WITHIN_S):
            touched: set[int] = set()
            writes: list[Any] = []
            for ev in batch:
                msg = ev.message
                pos = position(msg.topic, msg.partition, msg.offset)
                raw = ev.value if isinstance(ev.value, bytes) else bytes(ev.value or b"")
                line = _header(msg.headers, "line")
                out = decode(raw, line=int(line) if line else None, source=_header(msg.headers, "source"),
                             max_bytes=cfg.max_event_bytes)
                if isinstance(out, DeadLetter):
                    hdrs = [("reason", out.reason.encode()), ("topic", msg.topic.encode()),
                            ("partition", str(msg.partition).encode()), ("offset", str(msg.offset).encode())]
                    if line:
                        hdrs.append(("line", line.encode()))
                    dead_out.send_soon(key=pos.encode(), value=dead_letter_value(out), headers=hdrs)
                    verdicts_out.send_soon(key=pos.encode(), value=accounting(
                        "dead", pos=pos, line=out.line, reason=out.reason, field=out.field))
                    continue
                first = seen.data.get(out.event_id)
                if first is not None and first != pos:
                    verdicts_out.send_soon(key=pos.encode(),
                                           value=accounting("duplicate", pos=pos, event_id=out.event_id))
                    continue
                if first is None:
                    seen.data[out.event_id] = pos
                    writes.append(seen.send_changelog(msg.partition, out.event_id, pos))
                    touched.add(msg.partition)
                value = event_to_json(out).encode()
                headers = [("pos", pos.encode())]
                if is_broadcast(out.type):
                    for p in range(parts):
                        judge_in.send_soon(key=out.event_id.encode(), value=value, partition=p, headers=headers)
                else:
                    judge_in.send_soon(key=routing_key(out).encode(), value=value,
                                       headers=headers)
                verdicts_out.send_soon(key=pos.encode(), value=accounting(
                    "forwarded", pos=pos, event_id=out.event_id, broadcast=is_broadcast(out.type)))
            await seal_changelog(seen, touched, writes)

    def emit(p: int, verdict: Verdict, previous: Verdict | None) -> None:
        broadcast = is_broadcast(verdict.event_type)
        if broadcast and p != 0:
            return  # every partition judges requests; partition 0 speaks for them
        verdicts_out.send_soon(key=verdict.event_id.encode(), value=verdict_record(verdict), partition=p)
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

    def judge_for(p: int) -> PartitionJudge:
        pj = judges.get(p)
        if pj is None:
            pj = judges[p] = PartitionJudge(cfg.rules, registry)
            stored = [parse_event(v["raw"]) for v in list(history.data.values()) if v and v.get("p") == p]
            for v, _ in pj.add(stored):  # after a restart: re-emit what this partition holds (idempotent)
                emit(p, v, None)
        return pj

    @app.agent(judge_in)
    async def judge(stream: Any) -> None:
        async for batch in stream.take_events(BATCH, within=BATCH_WITHIN_S):
            by_partition: dict[int, list[Any]] = {}
            writes: list[Any] = []
            for ev in batch:
                p = ev.message.partition
                raw = ev.value.decode() if isinstance(ev.value, bytes) else str(ev.value)
                try:
                    event = parse_event(raw)
                except ValueError as e:  # intake validated it: this is a bug, say so instead of hanging
                    log.error("judge-in partition %s: cannot parse forwarded event: %s", p, e)
                    verdicts_out.send_soon(key=b"judge-error", partition=p,
                                           value=accounting("judge-error", partition=p, error=str(e)[:500]))
                    continue
                pj = judge_for(p)
                if event.event_id in pj.events:
                    continue  # re-delivered after a restart
                history.data[event.event_id] = {"p": p, "raw": raw}
                writes.append(history.send_changelog(p, event.event_id, {"p": p, "raw": raw}))
                by_partition.setdefault(p, []).append(event)
            for p, events in by_partition.items():
                pj = judges[p]
                for v, before in pj.add(events):
                    emit(p, v, before)
                n_broadcast = sum(n for t, n in pj.type_counts.items() if is_broadcast(t))
                verdicts_out.send_soon(key=f"progress-{p}".encode(), partition=p,
                                       value=progress_record(p, len(pj), n_broadcast))
            await seal_changelog(history, set(by_partition), writes)

    app.custodiet_components = {"intake": intake, "judge": judge, "seen": seen, "history": history}  # type: ignore[attr-defined]
    return app


def _json_str(s: str) -> bytes:
    import json

    return json.dumps(s).encode()
