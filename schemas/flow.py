"""What flows along which link: the one place that maps an event to the custody-edge records it makes.

- **hand-over** (``transfer``, kind ``"transfer"``): a copy of a clip moves from ``from_party`` to
  ``to_party`` at a time; the receiver holds it from then on and can hand it on. Paths of hand-overs are
  time-respecting and transitive. A public post (basis ``public_post``) is a hand-over to ``public``.
- **access grant** (``access_grant``, kind ``"grant"``): the grantee can search the grantor's own cameras.
  The grantor's data reaches the grantee and stops there: what a grantee sees through its own grants does
  not flow on to those it grants access to. Chains of grants carry nothing.
- **search** (``search``, kind ``"search"``): results from the networks searched reach the searcher at
  search time, and the party the search was run on behalf of (``on_behalf_of``). When the networks are
  named (a list of party ids), each network is linked to the searcher and to ``on_behalf_of``; when they
  are only counted, the one link known is searcher -> ``on_behalf_of`` (the searcher passed on results).
- **origin** (``clip_recorded``, kind ``"origin"``): custody of a clip starts with its owner.

Anything further needs an observed hand-over. Only hand-overs are transitive (:data:`TRANSITIVE`); grants
and searches are one-hop links from the ``from_party``'s own cameras (:data:`ONE_HOP`).

The judge decides whether an event's edges are let through (a gated step makes none); it adds its own
fields (verdict, rules, parent hand-over, hop) to the same records. :func:`judged_edges` says which
records a judged event contributes to "custody as judged".

>>> from schemas.events import parse_event
>>> ev = parse_event('{"event_id":"s","type":"search","occurred_at":"2024-01-01T00:00:00Z",'
...   '"searcher":"agency:a-pd","reason":"x","networks_searched":["agency:b-pd"],"on_behalf_of":"agency:fbi"}')
>>> [(e.kind, e.from_party, e.to_party) for e in edges_of(ev)]
[('search', 'agency:b-pd', 'agency:a-pd'), ('search', 'agency:b-pd', 'agency:fbi')]
"""

from __future__ import annotations

from typing import Any, Literal

from schemas.records import CustodyEdge, Verdict

__all__ = ["edges_of", "edge_values", "judged_edges", "search_links", "record_id", "carries", "TRANSITIVE", "ONE_HOP",
           "FLOW_KINDS", "PUBLIC"]

#: The party a public post reaches.
PUBLIC = "public"
#: Edge kinds whose receiver can pass on what it received (time-respecting paths of one clip).
TRANSITIVE = frozenset({"transfer"})
#: Edge kinds that carry the ``from_party``'s own camera data one hop, and stop.
ONE_HOP = frozenset({"grant", "search"})
#: Edge kind -> what it carries, in words (for exports, tables and captions).
FLOW_KINDS: dict[str, str] = {
    "origin": "custody of a clip starts with its owner",
    "transfer": "a copy of a clip; the receiver can hand it on (time-respecting, transitive)",
    "grant": "the grantor's own camera data to the grantee, and no further",
    "search": "results from the networks searched to the searcher and to the party it searched for",
}


def carries(kind: str) -> str:
    """What an edge of this kind carries, in words.

    >>> carries("grant")
    "the grantor's own camera data to the grantee, and no further"
    """
    return FLOW_KINDS.get(kind, FLOW_KINDS["transfer"])


def edges_of(event: Any) -> list[CustodyEdge]:
    """The custody-edge records an event makes (before any judging): ``origin`` for ``clip_recorded``, one
    ``transfer`` per hand-over, one ``grant`` per access grant, ``search`` links per search; none for the
    other types (requests, consent decisions and legal process move nothing by themselves).

    >>> from schemas.events import parse_event
    >>> t = parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
    ...   '"from_party":"resident:r","to_party":"public","basis":"public_post","purpose":"post"}')
    >>> [(e.kind, e.clip_id, e.to_party, e.basis) for e in edges_of(t)]
    [('transfer', 'c', 'public', 'public_post')]
    >>> s = parse_event('{"event_id":"s","type":"search","occurred_at":"2024-01-01T00:00:00Z",'
    ...   '"searcher":"agency:a-pd","reason":"x","networks_searched":3,"on_behalf_of":"agency:fbi"}')
    >>> [(e.kind, e.from_party, e.to_party, e.basis) for e in edges_of(s)]
    [('search', 'agency:a-pd', 'agency:fbi', 'lookup')]
    """
    return [CustodyEdge.model_construct(set(v), **v) for v in edge_values(event)]


def edge_values(event: Any) -> list[dict[str, Any]]:
    """The field values of each record :func:`edges_of` makes (the judge adds its own fields to them).

    >>> from schemas.events import parse_event
    >>> g = parse_event('{"event_id":"g","type":"access_grant","occurred_at":"2024-01-01T00:00:00Z",'
    ...   '"grantor":"agency:a-pd","grantee":"agency:fbi","system":"flock","scope":"alpr"}')
    >>> [(v["kind"], v["from_party"], v["to_party"]) for v in edge_values(g)]
    [('grant', 'agency:a-pd', 'agency:fbi')]
    """
    kind = event.type
    if kind == "transfer":
        return [{
            "event_id": event.event_id, "kind": "transfer", "clip_id": event.clip_id,
            "from_party": event.from_party, "to_party": event.to_party, "occurred_at": event.occurred_at,
            "basis": event.basis, "purpose": event.purpose, "request_id": event.request_id, "via": event.via,
        }]
    if kind == "clip_recorded":
        return [{
            "event_id": event.event_id, "kind": "origin", "clip_id": event.clip_id, "from_party": event.owner,
            "to_party": event.owner, "occurred_at": event.occurred_at, "basis": "internal",
            "purpose": event.platform, "hop": 0,
        }]
    if kind == "access_grant":
        return [{
            "event_id": event.event_id, "kind": "grant", "clip_id": None, "from_party": event.grantor,
            "to_party": event.grantee, "occurred_at": event.occurred_at, "basis": "agreement",
            "purpose": event.scope,
        }]
    if kind == "search":
        return _search_values(event)
    return []


def _search_values(ev: Any) -> list[dict[str, Any]]:
    purpose = ev.purpose or ev.reason
    ends: list[tuple[str, str]] = []
    networks = ev.networks_searched if isinstance(ev.networks_searched, list) else []
    for net in networks:
        for to in (ev.searcher, ev.on_behalf_of):
            if to and to != net and (net, to) not in ends:
                ends.append((net, to))
    if not networks and ev.on_behalf_of and ev.on_behalf_of != ev.searcher:
        ends.append((ev.searcher, ev.on_behalf_of))
    return [{
        "event_id": ev.event_id, "kind": "search", "from_party": src, "to_party": dst,
        "occurred_at": ev.occurred_at, "basis": "lookup", "purpose": purpose,
        "via": ev.searcher if dst != ev.searcher else None,
    } for src, dst in ends]


def search_links(event: Any, outcome: str, rules: list[str]) -> list[CustodyEdge]:
    """The search links a judged search lets through (the judge puts them on its verdict as ``links``): none
    when the search was gated or the event is not a search, else each of its links (:func:`edges_of`) with
    the verdict (``ok`` or ``flagged``) and the rules it broke.

    >>> from schemas.events import parse_event
    >>> s = parse_event('{"event_id":"s","type":"search","occurred_at":"2024-01-01T00:00:00Z",'
    ...   '"searcher":"agency:a-pd","reason":"x","networks_searched":3,"on_behalf_of":"agency:fbi"}')
    >>> [(e.from_party, e.to_party, e.verdict, e.rules) for e in search_links(s, "flagged", ["r"])]
    [('agency:a-pd', 'agency:fbi', 'flagged', ['r'])]
    >>> search_links(s, "gated", ["r"])
    []
    """
    if event.type != "search" or outcome == "gated":
        return []
    flagged: Literal["ok", "flagged"] = "flagged" if outcome == "flagged" else "ok"
    return [CustodyEdge(**v, verdict=flagged, rules=list(rules)) for v in _search_values(event)]


def judged_edges(event: Any, verdict: Verdict | None) -> list[CustodyEdge]:
    """The records an event contributes to custody as judged: the judge's edge when it made one (a hand-over,
    grant or origin the gates let through), the search links of a search that was not gated (the verdict's
    ``links``; :func:`search_links` of the event for a verdict made without them), else none. With no
    verdict (a raw log read as attempts) every edge the event makes counts. With no event (``None``: a
    verdict judged elsewhere, read from a topic) the verdict's own records.

    >>> from schemas.events import parse_event
    >>> s = parse_event('{"event_id":"s","type":"search","occurred_at":"2024-01-01T00:00:00Z",'
    ...   '"searcher":"agency:a-pd","reason":"x","networks_searched":3,"on_behalf_of":"agency:fbi"}')
    >>> v = Verdict(event_id="s", event_type="search", occurred_at=s.occurred_at, outcome="flagged")
    >>> [(e.to_party, e.verdict) for e in judged_edges(s, v)]
    [('agency:fbi', 'flagged')]
    >>> judged_edges(s, v.model_copy(update={"outcome": "gated"}))
    []
    >>> carried = v.model_copy(update={"links": judged_edges(s, v)})
    >>> [(e.from_party, e.to_party) for e in judged_edges(None, carried)]
    [('agency:a-pd', 'agency:fbi')]
    """
    if verdict is None:
        return edges_of(event)
    if verdict.edge is not None:
        return [verdict.edge]
    if verdict.links or event is None:
        return list(verdict.links)
    return search_links(event, verdict.outcome, [v.rule_id for v in verdict.violations])


def record_id(edge: Any) -> str:
    """What tells one custody-edge record from another (a record, or its JSON document, or a retraction
    naming one): its event id, from and to (a search makes one record per link, each with the search's
    event id; the graph keys its edges the same way).

    >>> record_id({"event_id": "s", "from_party": "agency:a", "to_party": "agency:fbi", "retracted": True})
    's:agency:a->agency:fbi'
    """
    if isinstance(edge, dict):
        return f"{edge['event_id']}:{edge['from_party']}->{edge['to_party']}"
    return f"{edge.event_id}:{edge.from_party}->{edge.to_party}"
