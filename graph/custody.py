"""The custody graph: parties as nodes, one edge per hand-over, access grant or search link (edge key =
event id); what each kind carries is ``schemas.flow``'s to say (only hand-overs are transitive).

Built either from custody edges as judged (what the gates let through: ``from_edges``, basis
``"judged"``, the default of every command) or from every attempt in a raw log (each valid transfer an
observed hand-over: ``from_events``, basis ``"attempts"``). Beside the networkx ``MultiDiGraph`` it keeps, per clip,
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

from schemas.flow import ONE_HOP, edges_of
from schemas.parties import PartyRegistry

__all__ = ["HandOver", "ClipOrigin", "CustodyGraph", "UNKNOWN_ORIGIN", "ORIGIN_UNKNOWN_NOTE"]

#: The stand-in origin of a clip the log hands over but never records (an officer e-mails a clip to ICE):
#: custody counts from each of its senders, and this marks where paths start before them.
UNKNOWN_ORIGIN = "(origin unknown)"
#: What every surface says of such a clip.
ORIGIN_UNKNOWN_NOTE = ("no clip_recorded event for this clip: its origin is unknown, and custody counts from the "
                       "party that handed it over first")

_COUNT_OF = {"grant": "grants", "search": "searches"}  # edge kind -> its count on a party link


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
    #: For a clip with no recording in the log: the parties custody counts from (each hands the clip over
    #: before any hand-over reaches it); empty for a recorded clip.
    senders: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        """Whether the log records the clip (its owner and recording time are known)."""
        return not self.senders


class CustodyGraph:
    """Custody graph plus per-clip indexes for fast temporal tracing."""

    def __init__(self, registry: PartyRegistry | None = None, *, basis: str = "judged") -> None:
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self.registry = registry
        #: What the graph counts: ``"judged"`` (what the gates let through) or ``"attempts"`` (every valid
        #: transfer in a raw log); every document built from it says so.
        self.basis = basis
        self.clips: dict[str, ClipOrigin] = {}
        self.hand_overs: dict[str, list[HandOver]] = {}
        self._sorted: set[str] = set()
        self.grants = 0
        self.searches = 0
        #: The as-of rule the graph was built under (``graph.asof.AsOf``: its date, what it set aside, the
        #: grants whose state then is uncertain), or None: the whole log.
        self.as_of: Any = None
        #: Portal grants read from several snapshots: event id -> (``seen_at``, ``snapshots``)
        #: (``graph.asof.snapshot_record``), so the grants in force at any date can be told from the graph.
        self.snapshots: dict[str, tuple[list[str], list[str]]] = {}

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

    def add_link(self, event_id: str, src: str, dst: str, t: float, kind: str = "grant", **attrs: Any) -> None:
        """A one-hop link (no clip): ``src``'s own camera data reaches ``dst`` and stops there
        (``kind`` ``"grant"`` or ``"search"``, see ``schemas.flow``).

        >>> g = CustodyGraph(); g.add_link("s", "agency:a", "agency:fbi", 0.0, "search")
        >>> g.searches, g.grants, g.hand_over_count
        (1, 0, 0)
        """
        src, dst = sys.intern(src), sys.intern(dst)
        self._node(src)
        self._node(dst)
        self.graph.add_edge(src, dst, key=event_id, clip=None, t=t, kind=kind, **attrs)
        if kind == "grant":
            self.grants += 1
        else:
            self.searches += 1

    def add_grant(self, event_id: str, grantor: str, grantee: str, t: float, **attrs: Any) -> None:
        """A standing access link (no clip): the grantor's own camera data reaches the grantee, no further."""
        self.add_link(event_id, grantor, grantee, t, "grant", **attrs)

    def add_record(self, e: Any) -> None:
        """Add one custody-edge record (``schemas.records.CustodyEdge``, as ``schemas.flow`` makes them).

        >>> from schemas.events import parse_event
        >>> from schemas.flow import edges_of
        >>> g = CustodyGraph()
        >>> for e in edges_of(parse_event('{"event_id":"g","type":"access_grant","occurred_at":"2024-01-01T00:00:00Z",'
        ...                               '"grantor":"agency:a","grantee":"agency:b","system":"flock","scope":"x"}')):
        ...     g.add_record(e)
        >>> g.grants, g.graph.edges["agency:a", "agency:b", "g"]["kind"]
        (1, 'grant')
        """
        t = e.occurred_at.timestamp()
        if e.kind == "origin":
            if e.clip_id is not None:
                self.add_recording(e.clip_id, e.from_party, t, e.purpose)
        elif e.kind in ONE_HOP:
            self.add_link(e.event_id, e.from_party, e.to_party, t, e.kind, basis=e.basis, purpose=e.purpose,
                          verdict=e.verdict)
        elif e.clip_id is not None:
            self.add_hand_over(e.event_id, e.clip_id, e.from_party, e.to_party, t, basis=e.basis,
                               purpose=e.purpose, verdict=e.verdict, kind="transfer")

    def remove_record(self, e: Any) -> None:
        """Take out a hand-over, grant or search link added from a custody-edge record (``schemas.records.CustodyEdge``)
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
        elif e.kind == "search":
            self.searches -= 1
        elif e.clip_id in self.hand_overs:
            self.hand_overs[e.clip_id] = [h for h in self.hand_overs[e.clip_id] if h.event_id != e.event_id]

    @classmethod
    def from_events(cls, events: Iterable[Any], registry: PartyRegistry | None = None) -> CustodyGraph:
        """Every attempt in a raw log: each valid transfer an observed hand-over, each access grant and search
        its links (``schemas.flow.edges_of``); ``basis`` is ``"attempts"``."""
        g = cls(registry, basis="attempts")
        for ev in events:
            for e in edges_of(ev):
                g.add_record(e)
        return g

    @classmethod
    def from_edges(
        cls, recordings: Iterable[Any], edges: Iterable[Any], registry: PartyRegistry | None = None
    ) -> CustodyGraph:
        """From clip recordings and custody edges as judged (``schemas.records.CustodyEdge``, e.g. the
        pipeline's ``custody-edges`` or ``schemas.flow.judged_edges``); ``basis`` is ``"judged"``."""
        g = cls(registry, basis="judged")
        for ev in recordings:
            for e in edges_of(ev):
                g.add_record(e)
        for e in edges:
            g.add_record(e)
        return g

    @property
    def hand_over_count(self) -> int:
        """Hand-overs in the graph (every edge that is not a one-hop grant or search link).

        >>> g = CustodyGraph(); g.add_hand_over("t", "c", "a", "b", 0.0); g.add_grant("g", "a", "b", 0.0)
        >>> g.hand_over_count
        1
        """
        return int(self.graph.number_of_edges()) - self.grants - self.searches

    # -- reading -------------------------------------------------------------------------------------
    def clip_hand_overs(self, clip_id: str) -> list[HandOver]:
        """The clip's hand-overs sorted by (time, event id)."""
        hs = self.hand_overs.get(clip_id, [])
        if clip_id not in self._sorted:
            hs.sort()
            self._sorted.add(clip_id)
        return hs

    def custody_start(self, clip_id: str) -> tuple[ClipOrigin, list[HandOver]] | None:
        """Where custody of ``clip_id`` starts and the hand-overs paths of it walk; None for a clip the graph
        does not hold.

        A clip the log hands over but never records starts at :data:`UNKNOWN_ORIGIN`: each party that hands
        it over before any hand-over reaches it (its senders) holds it from its first hand-over out, by a
        stand-in hand-over (from :data:`UNKNOWN_ORIGIN`, no event of the log) that paths leave out when
        shown. ``check`` makes a custody edge of such a hand-over; this counts it from its sender as well.

        >>> g = CustodyGraph(); g.add_hand_over("t", "c", "agency:a-pd", "agency:ice-ero", 5.0)
        >>> origin, hs = g.custody_start("c")
        >>> origin.owner, origin.senders, origin.known
        ('(origin unknown)', ('agency:a-pd',), False)
        >>> [(h.src, h.dst) for h in hs]
        [('(origin unknown)', 'agency:a-pd'), ('agency:a-pd', 'agency:ice-ero')]
        """
        hs = self.clip_hand_overs(clip_id)
        origin = self.clips.get(clip_id)
        if origin is not None:
            return origin, hs
        if not hs:
            return None
        first_in: dict[str, float] = {}
        first_out: dict[str, float] = {}
        for h in hs:
            first_in.setdefault(h.dst, h.t)
            first_out.setdefault(h.src, h.t)
        senders = sorted((t, p) for p, t in first_out.items() if p not in first_in or first_in[p] > t)
        senders = senders or [(hs[0].t, hs[0].src)]  # every sender reached at once (a loop): the first one
        stand_ins = [HandOver(t, f"{UNKNOWN_ORIGIN} {p}", UNKNOWN_ORIGIN, p) for t, p in senders]
        start = ClipOrigin(UNKNOWN_ORIGIN, senders[0][0], senders=tuple(p for _, p in senders))
        return start, sorted(stand_ins + hs)

    def absent(self, what: str, ident: str) -> str:
        """The message for a clip or party the graph does not hold (says why when counting as judged).

        >>> CustodyGraph(basis="attempts").absent("party", "agency:x")
        "party 'agency:x' is not in the log"
        """
        when = self.as_of_words()
        if self.basis == "attempts":
            return f"{what} {ident!r} is not in the log{when}"
        return (f"{what} {ident!r} is not in the log's custody as judged{when} (no hand-over, grant or search that "
                "the gates let through names it; --attempts counts every transfer in the log)")

    def as_of_words(self) -> str:
        """``" as of DATE"`` for a graph built as of a date (``graph.asof``), else nothing: for messages.

        >>> CustodyGraph().as_of_words()
        ''
        """
        return "" if self.as_of is None else f" as of {self.as_of.fields()['as_of']}"

    def has_party(self, party: str) -> bool:
        """Whether ``party`` appears anywhere in the graph."""
        return party in self.graph

    def party_links(self) -> nx.DiGraph:
        """Party-level links (hand-overs, grants and searches merged), with the number of each on the edge.

        Time-blind and kind-blind: for what flows along them ask ``graph.reach`` (the flow model)."""
        d = nx.DiGraph()
        d.add_nodes_from(self.graph.nodes(data=True))
        # One pass over the adjacency (not over edge views: a million hand-overs), links in the order of their
        # first hand-over, grant or search; per link: count, then each kind in the order first seen.
        for u, nbrs in self.graph.adjacency():
            for v, keydict in nbrs.items():
                if not keydict:
                    continue
                attrs: dict[str, int] = {"count": len(keydict)}
                for data in keydict.values():  # per kind, in the order first seen
                    name = _COUNT_OF.get(data.get("kind"), "hand_overs")
                    attrs[name] = attrs.get(name, 0) + 1
                d.add_edge(u, v, **attrs)
        return d
