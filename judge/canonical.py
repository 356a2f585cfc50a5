"""A canonical hash of what a run decided: the same log, repeated or shuffled, must hash the same.

The hash covers the verdicts (sorted canonical JSON, violations and custody edges included) and the custody
edges as sorted tuples; it leaves out counts that legitimately depend on delivery (duplicates, dead-letter
line numbers).

>>> from judge.pipeline import run_check
>>> line = (b'{"event_id":"a","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...         b'"clip_id":"c","owner":"resident:r","platform":"ring"}')
>>> once = canonical_hash(run_check([(1, line)], keep=True))
>>> twice = canonical_hash(run_check([(1, line), (2, line)], keep=True))
>>> once == twice, len(once)
(True, 64)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from schemas.records import CustodyEdge, Verdict

__all__ = ["canonical_hash", "verdict_lines", "edge_tuples", "graph_edge_tuples"]


def verdict_lines(verdicts: Iterable[Verdict]) -> list[str]:
    """Each verdict as compact JSON with sorted keys, the list sorted.

    >>> from datetime import datetime, UTC
    >>> verdict_lines([Verdict(event_id="e", event_type="search", occurred_at=datetime(2024, 1, 1, tzinfo=UTC),
    ...                        outcome="ok")])[0][:40]
    '{"edge":null,"event_id":"e","event_type"'
    """
    return sorted(json.dumps(v.model_dump(mode="json"), sort_keys=True, separators=(",", ":")) for v in verdicts)


def edge_tuples(edges: Iterable[CustodyEdge]) -> list[tuple[str, ...]]:
    """Custody edges as sorted ``(event_id, kind, clip, from, to, time, basis, verdict)`` tuples.

    >>> from datetime import datetime, UTC
    >>> edge_tuples([CustodyEdge(event_id="t", clip_id="c", from_party="a", to_party="b", basis="consent",
    ...                          occurred_at=datetime(2024, 1, 1, tzinfo=UTC))])
    [('t', 'transfer', 'c', 'a', 'b', '2024-01-01T00:00:00+00:00', 'consent', 'ok')]
    """
    return sorted(
        (e.event_id, e.kind, e.clip_id or "", e.from_party, e.to_party, e.occurred_at.isoformat(), e.basis, e.verdict)
        for e in edges
    )


def graph_edge_tuples(g: Any) -> list[tuple[str, ...]]:
    """The edges of a ``graph.custody.CustodyGraph`` (or any networkx multigraph) as sorted string tuples.

    >>> import networkx as nx
    >>> m = nx.MultiDiGraph()
    >>> _ = m.add_edge("a", "b", key="t1", clip="c", t=1.0)
    >>> graph_edge_tuples(m)
    [('a', 'b', 't1', 'c', '1.0')]
    """
    graph = g.graph if hasattr(g, "hand_overs") else g  # a CustodyGraph, or a networkx graph itself
    return sorted(
        (str(u), str(v), str(k), str(d.get("clip")), repr(d.get("t")))
        for u, v, k, d in graph.edges(keys=True, data=True)
    )


def canonical_hash(check_result: Any, graph: Any = None) -> str:
    """sha256 (hex) over the sorted verdict JSON and the sorted custody-edge tuples of a ``CheckResult`` (run
    with ``keep=True``);
    with ``graph``, its edges are hashed too. Independent of arrival order and of repeated deliveries."""
    h = hashlib.sha256()
    for line in verdict_lines(check_result.verdicts):
        h.update(b"V" + line.encode("utf-8", "surrogatepass") + b"\n")
    for tup in edge_tuples(check_result.edges):
        h.update(b"E" + json.dumps(tup).encode() + b"\n")
    if graph is not None:
        for tup in graph_edge_tuples(graph):
            h.update(b"G" + json.dumps(tup).encode() + b"\n")
    return h.hexdigest()
