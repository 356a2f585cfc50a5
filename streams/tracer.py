"""The tracer: a Faust app that consumes ``custody-edges`` and answers live ``trace`` and ``reach`` queries.

Custody records (origins, hand-overs, grants, search links) are kept in a changelog-backed table keyed as
``custody-edges`` is (by clip id; grants and search links by the party whose cameras they reach into),
co-partitioned with it, each record under ``schemas.flow.record_id``; a retraction takes its record out.
``GET /trace/{clip}/?to=PARTY`` is routed by Faust to the worker that owns the clip's partition and answers with the
same document as ``custodiet trace --json``; ``GET /reach/?to=PARTY`` answers from the partitions this worker
owns (all of them when one tracer runs) with the document of ``custodiet reach --json`` plus the partitions it
covered. Read-only; binds 127.0.0.1 unless told otherwise.

Run: ``python -m streams.tracer worker -l warn --web-port 6066``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

import faust

from graph.custody import CustodyGraph
from graph.reach import reach
from graph.trace import TraceError, trace
from schemas.flow import record_id
from schemas.records import CustodyEdge
from streams.app import seal_changelog
from streams.config import StreamConfig
from streams.faust_settings import faust_app_settings

__all__ = ["create_tracer_app", "graph_of", "apply_record"]

log = logging.getLogger(__name__)


def graph_of(entries: Any) -> CustodyGraph:
    """The custody graph (as judged) of stored edge documents (``schemas.records.CustodyEdge`` as JSON:
    origins, hand-overs, grants, searches), read by ``CustodyGraph.from_edges`` as every surface reads them.

    >>> g = graph_of([{"kind": "origin", "event_id": "r", "clip_id": "c", "from_party": "resident:r",
    ...   "to_party": "resident:r", "occurred_at": "2024-01-01T00:00:00Z", "basis": "internal"}])
    >>> g.clips["c"].owner, g.basis
    ('resident:r', 'judged')
    """
    return CustodyGraph.from_edges([], (CustodyEdge.model_validate(e) for e in entries))


def apply_record(entries: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """The records stored under one ``custody-edges`` key after one document of that key: a record is kept
    under its ``schemas.flow.record_id`` (a search's links apart), a retraction takes out the record it names
    (or, naming only an event, every record of that event).

    >>> link = {"kind": "search", "event_id": "s", "from_party": "agency:a", "to_party": "agency:fbi"}
    >>> held = apply_record(apply_record({}, link), {**link, "to_party": "agency:b"})
    >>> sorted(held)
    ['s:agency:a->agency:b', 's:agency:a->agency:fbi']
    >>> sorted(apply_record(held, {**link, "retracted": True}))
    ['s:agency:a->agency:b']
    >>> apply_record(held, {"event_id": "s", "retracted": True})
    {}
    """
    if doc.get("retracted") and "to_party" not in doc:
        return {k: e for k, e in entries.items() if e["event_id"] != doc["event_id"]}
    out = dict(entries)
    if doc.get("retracted"):
        out.pop(record_id(doc), None)
    else:
        out[record_id(doc)] = doc
    return out


def create_tracer_app(cfg: StreamConfig) -> faust.App:
    """The tracer app for one configuration (its own consumer group: ``<app id>-tracer``)."""
    layout = cfg.layout
    parts = layout.partitions
    app = faust.App(**faust_app_settings(cfg.bootstrap, app_id=f"{cfg.app_id}-tracer", web_port=cfg.web_port,
                                         data_dir=cfg.data_dir, partitions=parts, web_host=cfg.web_host,
                                         web_enabled=True))
    edges_in = app.topic(layout.name("custody-edges"), key_type=bytes, value_type=bytes, key_serializer="raw",
                         value_serializer="raw", partitions=parts)
    custody = app.Table("custody", default=None, key_type=str, partitions=parts)

    @app.agent(edges_in)
    async def follow(stream: Any) -> None:
        async for batch in stream.take_events(1000, within=0.2):
            changed: dict[str, int] = {}
            for ev in batch:
                key = ev.key.decode() if isinstance(ev.key, bytes) else str(ev.key)
                doc = json.loads(ev.value)
                custody.data[key] = apply_record(custody.data.get(key) or {}, doc)
                changed[key] = ev.message.partition
            writes = [custody.send_changelog(p, key, custody.data[key]) for key, p in changed.items()]
            await seal_changelog(custody, set(changed.values()), writes)

    @app.page("/trace/{clip}/")
    @app.table_route(table=custody, match_info="clip")
    async def trace_view(web: Any, request: Any, clip: str) -> Any:
        to = request.query.get("to", "")
        limit = int(request.query.get("limit", "1000"))
        try:
            return web.json(trace(graph_of((custody.data.get(clip) or {}).values()), clip, to, limit=limit))
        except TraceError as e:
            return web.json({"error": str(e)}, status=404)

    @app.page("/reach/")
    async def reach_view(web: Any, request: Any) -> Any:
        to = request.query.get("to", "")
        entries = [e for v in list(custody.data.values()) if v for e in v.values()]
        owned = sorted(tp.partition for tp in app.assignor.assigned_actives()
                       if tp.topic == layout.name("custody-edges"))
        try:
            doc = reach(graph_of(entries), to)
        except TraceError as e:
            return web.json({"error": str(e), "partitions": owned}, status=404)
        return web.json({**doc, "partitions": owned, "partitions_total": parts})

    @app.task
    async def _quiet_client_logs() -> None:
        for name in ("aiokafka", "faust", "mode", "kafka"):
            logging.getLogger(name).setLevel(logging.WARNING)

    return app


if __name__ == "__main__":  # pragma: no cover - process entry point
    _cfg = StreamConfig.from_env()
    create_tracer_app(replace(_cfg)).main()
