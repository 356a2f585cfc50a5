"""Record-level custody context in Kafka headers, in the spirit of W3C ``traceparent``.

Every custody edge carries ``traceparent: 00-<clip lineage id>-<this hand-over id>-01`` and
``custody-parent`` (the hand-over by which the sender got the clip, or sixteen zeros at the owner),
``custody-hop`` (hand-overs since the owner), and the edge itself (clip, from, to, time, event id), so
that any consumer, even outside custodiet, can link a hand-over to the one before it and rebuild a
clip's paths from headers alone.

>>> h = custody_headers(clip_id="c1", event_id="t2", from_party="agency:a", to_party="agency:b",
...                     occurred_at="2024-01-01T00:00:00Z", parent_event_id="t1", hop=2)
>>> parsed = parse_custody_headers(h)
>>> parsed["hop"], parsed["parent"] == span_id("t1"), parsed["lineage"] == lineage_id("c1")
(2, True, True)
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

__all__ = ["lineage_id", "span_id", "custody_headers", "parse_custody_headers", "ROOT_SPAN"]

ROOT_SPAN = "0" * 16


@lru_cache(maxsize=1 << 12)
def lineage_id(clip_id: str) -> str:
    """32 hex digits naming a clip's whole lineage (the trace id; remembered for recent clips, which are
    handed over many times)."""
    return hashlib.sha256(b"clip:" + clip_id.encode()).hexdigest()[:32]


def span_id(event_id: str) -> str:
    """16 hex digits naming one hand-over (the span id)."""
    return hashlib.sha256(b"hand-over:" + event_id.encode()).hexdigest()[:16]


def custody_headers(
    *, clip_id: str, event_id: str, from_party: str, to_party: str, occurred_at: str,
    parent_event_id: str | None, hop: int,
) -> list[tuple[str, bytes]]:
    """Kafka headers (Faust style: ``(str, bytes)`` pairs) for one custody edge."""
    parent = span_id(parent_event_id) if parent_event_id else ROOT_SPAN
    return [
        ("traceparent", f"00-{lineage_id(clip_id)}-{span_id(event_id)}-01".encode()),
        ("custody-parent", parent.encode()),
        ("custody-parent-event", (parent_event_id or "").encode()),
        ("custody-hop", str(hop).encode()),
        ("custody-clip", clip_id.encode()),
        ("custody-event", event_id.encode()),
        ("custody-from", from_party.encode()),
        ("custody-to", to_party.encode()),
        ("custody-time", occurred_at.encode()),
    ]


def parse_custody_headers(headers: Any) -> dict[str, Any] | None:
    """Read custody headers back (a list of pairs or a mapping); None when they are absent."""
    items = headers.items() if hasattr(headers, "items") else headers
    h = {k: (v.decode() if isinstance(v, bytes | bytearray) else v) for k, v in items}
    tp = h.get("traceparent")
    if not tp or "custody-event" not in h:
        return None
    _, lineage, span, _flags = tp.split("-")
    return {
        "lineage": lineage, "span": span, "parent": h.get("custody-parent", ROOT_SPAN),
        "parent_event": h.get("custody-parent-event") or None, "hop": int(h.get("custody-hop", "0")),
        "clip": h["custody-clip"], "event_id": h["custody-event"], "from": h["custody-from"],
        "to": h["custody-to"], "time": h["custody-time"],
    }
