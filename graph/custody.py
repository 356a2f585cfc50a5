"""The custody graph: parties as nodes, one edge per hand-over or access grant (edge key = event id).

Built either from a raw log (every valid transfer is an observed hand-over) or from the pipeline's
custody edges (what the gates let through). Beside the networkx ``MultiDiGraph`` it keeps, per clip,
its owner, recording time and time-ordered hand-overs, so a single-clip trace never scans the graph.

>>> from schemas.events import parse_event
>>> evs = [parse_event(s) for s in (
...   '{"event_id":"r","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
...   '"owner":"resident:r","platform":"ring"}',
...   '{"event_id":"t","type":"transfer","occurred_at":"2024-01-02T00:00:00Z","clip_id":"c",'
...   '"from_party":"resident:r","to_party":"agency:a-pd","basis":"consent","purpose":"x"}')]
>>> g = CustodyGraph.from_events(evs)
>>> g.graph.number_of_edges(), g.clips["c"].owner, len(g.hand_overs["c"])
(1, 'resident:r', 1)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx

from schemas.parties import PartyRegistry

__all__ = ["HandOver", "ClipOrigin", "CustodyGraph"]


class HandOver(NamedTuple):
    """One hand-over of a clip: compact, sortable by (time, event id)."""

    t: float  # event time, seconds since the epoch (UTC)
    event_id: str
    src: str
    dst: str


@dataclass(frozen=True, slots=True)
class ClipOrigin:
    """Where custody of a clip starts."""

    owner: str
    t: float
    platform: str = ""


class CustodyGraph:
    """Custody graph plus per-clip indexes for fast temporal tracing."""

    def __init__(self, registry: PartyRegistry | None = None) -> None:
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self.registry = registry
        self.clips: dict[str, ClipOrigin] = {}
        self.hand_overs: dict[str, list[HandOver]] = {}
        self._sorted: set[str] = set()
        self.grants = 0

    # -- building ------------------------------------------------------------------------------------
    def _node(self, party: str) -> None:
        if party not in self.graph:
            attrs: dict[str, Any] = {}
            if self.registry is not None:
                p = self.registry.get(party)
                attrs = {"kind": p.kind, "state": p.state or ""}
            self.graph.add_node(party, **attrs)

    def add_recording(self, clip_id: str, owner: str, t: float, platform: str = "") -> None:
        """Custody of ``clip_id`` starts with ``owner`` at ``t`` (the earliest recording wins)."""
        known = self.clips.get(clip_id)
        if known is None or t < known.t:
            self.clips[sys.intern(clip_id)] = ClipOrigin(sys.intern(owner), t, platform)
            self._node(owner)

    def add_hand_over(self, event_id: str, clip_id: str, src: str, dst: str, t: float, **attrs: Any) -> None:
        """One hand-over of ``clip_id`` from ``src`` to ``dst`` at ``t`` (edge key = ``event_id``)."""
        src, dst, clip_id = sys.intern(src), sys.intern(dst), sys.intern(clip_id)
        self._node(src)
        self._node(dst)
        self.graph.add_edge(src, dst, key=event_id, clip=clip_id, t=t, **attrs)
        self.hand_overs.setdefault(clip_id, []).append(HandOver(t, event_id, src, dst))
        self._sorted.discard(clip_id)

    def add_grant(self, event_id: str, grantor: str, grantee: str, t: float, **attrs: Any) -> None:
        """A standing access link (no clip): the grantor's camera data can reach the grantee."""
        grantor, grantee = sys.intern(grantor), sys.intern(grantee)
        self._node(grantor)
        self._node(grantee)
        self.graph.add_edge(grantor, grantee, key=event_id, clip=None, t=t, kind="grant", **attrs)
        self.grants += 1

    def remove_record(self, e: Any) -> None:
        """Take out a hand-over or grant added from a custody-edge record (``schemas.records.CustodyEdge``)
        that a re-judgement retracted; a record not in the graph is ignored.

        >>> from datetime import datetime, UTC
        >>> from schemas.records import CustodyEdge
        >>> g = CustodyGraph(); g.add_hand_over("t", "c", "a", "b", 0.0)
        >>> g.remove_record(CustodyEdge(event_id="t", clip_id="c", from_party="a", to_party="b", basis="x",
        ...                             occurred_at=datetime(1970, 1, 1, tzinfo=UTC)))
        >>> g.graph.number_of_edges(), g.hand_overs["c"]
        (0, [])
        """
        if e.kind == "origin" or not self.graph.has_edge(e.from_party, e.to_party, key=e.event_id):
            return
        self.graph.remove_edge(e.from_party, e.to_party, key=e.event_id)
        if e.kind == "grant":
            self.grants -= 1
        elif e.clip_id in self.hand_overs:
            self.hand_overs[e.clip_id] = [h for h in self.hand_overs[e.clip_id] if h.event_id != e.event_id]

    @classmethod
    def from_events(cls, events: Iterable[Any], registry: PartyRegistry | None = None) -> CustodyGraph:
        """Every valid transfer is an observed hand-over; every access grant a standing link."""
        g = cls(registry)
        for ev in events:
            kind = ev.type
            if kind == "transfer":
                g.add_hand_over(ev.event_id, ev.clip_id, ev.from_party, ev.to_party, ev.occurred_at.timestamp(),
                                basis=ev.basis, purpose=ev.purpose, kind="transfer")
            elif kind == "clip_recorded":
                g.add_recording(ev.clip_id, ev.owner, ev.occurred_at.timestamp(), ev.platform)
            elif kind == "access_grant":
                g.add_grant(ev.event_id, ev.grantor, ev.grantee, ev.occurred_at.timestamp(), basis="agreement",
                            system=ev.system)
        return g

    @classmethod
    def from_edges(
        cls, recordings: Iterable[Any], edges: Iterable[Any], registry: PartyRegistry | None = None
    ) -> CustodyGraph:
        """From clip recordings and the pipeline's custody edges (``schemas.records.CustodyEdge``)."""
        g = cls(registry)
        for ev in recordings:
            g.add_recording(ev.clip_id, ev.owner, ev.occurred_at.timestamp(), ev.platform)
        for e in edges:
            if e.kind == "origin":
                g.add_recording(e.clip_id, e.from_party, e.occurred_at.timestamp())
            elif e.kind == "grant":
                g.add_grant(e.event_id, e.from_party, e.to_party, e.occurred_at.timestamp(), basis=e.basis,
                            verdict=e.verdict)
            else:
                g.add_hand_over(e.event_id, e.clip_id, e.from_party, e.to_party, e.occurred_at.timestamp(),
                                basis=e.basis, purpose=e.purpose, verdict=e.verdict, kind="transfer")
        return g

    # -- reading -------------------------------------------------------------------------------------
    def clip_hand_overs(self, clip_id: str) -> list[HandOver]:
        """The clip's hand-overs sorted by (time, event id)."""
        hs = self.hand_overs.get(clip_id, [])
        if clip_id not in self._sorted:
            hs.sort()
            self._sorted.add(clip_id)
        return hs

    def has_party(self, party: str) -> bool:
        """Whether ``party`` appears anywhere in the graph."""
        return party in self.graph

    def party_links(self) -> nx.DiGraph:
        """Party-level links (hand-overs and grants merged), with the number of each on the edge."""
        d = nx.DiGraph()
        d.add_nodes_from(self.graph.nodes(data=True))
        # One pass over the adjacency (not over edge views: a million hand-overs), links in the order of their
        # first hand-over or grant; per link: count, then the kind seen first, then the other kind if any.
        for u, nbrs in self.graph.adjacency():
            for v, keydict in nbrs.items():
                if not keydict:
                    continue
                grants = 0
                for data in keydict.values():
                    if data.get("kind") == "grant":
                        grants += 1
                n = len(keydict)
                first_is_grant = next(iter(keydict.values())).get("kind") == "grant"
                attrs: dict[str, int] = {"count": n}
                if first_is_grant:
                    attrs["grants"] = grants
                    if n - grants:
                        attrs["hand_overs"] = n - grants
                else:
                    attrs["hand_overs"] = n - grants
                    if grants:
                        attrs["grants"] = grants
                d.add_edge(u, v, **attrs)
        return d
