"""``custodiet diff``: what changed in custody between two dates.

The log is read twice as of each date (``analysis.judged.graph_of_log`` with ``as_of``: the one as-of rule,
``graph.asof``), and the two graphs compared:

- grants added and removed (every access grant, or those naming the party), with the names the events give
  (else the registry's): a grant in force at the later
  date and not the earlier was added, and the other way round removed. Each change names the evidence: for a
  grant read from portal snapshots, the snapshot that first lists it (and the one before that did not) or the
  last one that listed it and the first that no longer does; for any other grant, its event.
- with a party: the parties whose data reaches it by the flow model (``graph.reach.reaching``: a clip's
  hand-overs, a direct grant, a search) that gained or lost a way of reaching it, each with the hand-over,
  grant or search events (up to ``EVIDENCE`` of them) that show the change.

Grants whose state at either date is uncertain (in a gap between snapshots where they changed) are listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from analysis.party_names import LogParties
from graph.asof import parse_time, snapshot_record
from graph.custody import CustodyGraph
from graph.reach import clips_reaching, reaching
from reports.names import party_name
from schemas.when import iso_z

__all__ = ["custody_diff", "diff_graphs", "EVIDENCE"]

#: How many events are named as evidence for one party's change (the count says how many there are).
EVIDENCE = 5


def _grants(g: CustodyGraph, party: str | None) -> dict[str, tuple[str, str, float]]:
    return {k: (u, v, d["t"]) for u, v, k, d in g.graph.edges(keys=True, data=True)
            if d.get("kind") == "grant" and (party is None or party in (u, v))}


def _grant_evidence(event_id: str, change: str, record: dict[str, Any] | None, t_from: float,
                    when: float) -> dict[str, Any]:
    """The snapshot (or event) that shows a grant ``added`` or ``removed`` between the two dates."""
    if record is None or record.get("snapshots") is None:
        return {"event": event_id, "occurred_at": iso_z(when),
                "shows": f"the grant's event {event_id} of {iso_z(when)} (one observation)"}
    seen = sorted(record["seen_at"], key=parse_time)
    snaps = sorted(record["snapshots"], key=parse_time)
    listed = {parse_time(s) for s in seen}
    portal = record.get("portal")
    prev: str | None = None
    for s in snaps:
        t = parse_time(s)
        on = t in listed
        was = prev is not None and parse_time(prev) in listed
        if t > t_from and change == "added" and on and not was:
            return {"event": event_id, "portal": portal, "snapshot": s, "previous_snapshot": prev,
                    "shows": f"listed in the snapshot of {s}" + (f", not in that of {prev}" if prev else "")}
        if t > t_from and change == "removed" and not on and was:
            return {"event": event_id, "portal": portal, "snapshot": s, "previous_snapshot": prev,
                    "shows": f"listed in the snapshot of {prev}, not in that of {s}"}
        prev = s
    # not reached for a grant in force at one date and not the other; named in full should the rule change
    return {"event": event_id, "portal": portal, "snapshots": snaps, "seen_at": seen,
            "shows": "listed in " + ", ".join(seen) + " of the snapshots " + ", ".join(snaps)}


def _party_changes(g1: CustodyGraph, g2: CustodyGraph, party: str) -> list[dict[str, Any]]:
    r1 = reaching(g1, {party}) if g1.has_party(party) else {}
    r2 = reaching(g2, {party}) if g2.has_party(party) else {}
    clips1 = {c["clip"] for c in clips_reaching(g1, party)} if party in g1.graph else set()
    clips2 = clips_reaching(g2, party) if party in g2.graph else []
    rows = []
    for p in sorted(set(r1) | set(r2)):
        before, after = r1.get(p, set()), r2.get(p, set())
        if before == after:
            continue
        gained, lost = sorted(after - before), sorted(before - after)
        evidence: list[dict[str, Any]] = []
        if "hand-over" in gained:
            new = [c for c in clips2 if c["clip"] not in clips1 and p in (c["owner"], *c["intermediaries"])]
            evidence += [{"clip": c["clip"], "first_reached": c["first_reached"], "shows": "a hand-over path"}
                         for c in new]
        for kind in ("grant", "search"):
            if kind in gained or kind in lost:
                g = g2 if kind in gained else g1
                other = g1 if kind in gained else g2
                keys = {k for _, _, k, d in other.graph.in_edges(party, keys=True, data=True) if d.get("kind") == kind}
                evidence += [{"event": k, "kind": kind, "occurred_at": iso_z(d["t"])}
                             for u, _, k, d in g.graph.in_edges(party, keys=True, data=True)
                             if u == p and d.get("kind") == kind and k not in keys]
        rows.append({"party": p, "change": "gained" if not before else "lost" if not after else "changed",
                     "gained": gained, "lost": lost, "before": sorted(before), "after": sorted(after),
                     "evidence_count": len(evidence), "evidence": evidence[:EVIDENCE]})
    return rows


def diff_graphs(g1: CustodyGraph, g2: CustodyGraph, party: str | None = None,
                records: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Compare custody as of two dates (``g1`` and ``g2`` built with ``as_of``); ``records``: the portal
    snapshot fields of the grant events (event id -> ``seen_at``, ``snapshots``, ``portal``), for evidence.

    >>> from datetime import UTC, datetime
    >>> from graph.asof import AsOf
    >>> g1, g2 = CustodyGraph(), CustodyGraph()
    >>> g1.as_of, g2.as_of = AsOf(datetime(2025, 1, 1, tzinfo=UTC)), AsOf(datetime(2025, 6, 1, tzinfo=UTC))
    >>> g2.add_grant("g", "agency:a", "agency:fbi", datetime(2025, 3, 1, tzinfo=UTC).timestamp())
    >>> d = diff_graphs(g1, g2, "agency:fbi")
    >>> [(x["grantor"], x["evidence"]["event"]) for x in d["grants_added"]], [p["party"] for p in d["parties"]]
    ([('agency:a', 'g')], ['agency:a'])
    """
    records = records or {}
    t_from = g1.as_of.t
    a, b = _grants(g1, party), _grants(g2, party)

    def name(p: str, given: str | None = None) -> str:
        return given or party_name(p, g2.registry or g1.registry)

    def row(k: str, ends: tuple[str, str, float], change: str) -> dict[str, Any]:
        rec = records.get(k) or {}
        return {"event_id": k, "grantor": ends[0], "grantor_name": name(ends[0], rec.get("grantor_name")),
                "grantee": ends[1], "grantee_name": name(ends[1], rec.get("grantee_name")),
                "evidence": _grant_evidence(k, change, records.get(k), t_from, ends[2])}

    added = [row(k, b[k], "added") for k in sorted(set(b) - set(a), key=lambda k: (b[k][0], b[k][1], k))]
    removed = [row(k, a[k], "removed") for k in sorted(set(a) - set(b), key=lambda k: (a[k][0], a[k][1], k))]
    doc: dict[str, Any] = {
        "from": g1.as_of.fields()["as_of"],
        "to": g2.as_of.fields()["as_of"],
        "party": party,
        "party_name": name(party) if party is not None else None,
        "basis": g2.basis,
        "grants_added": added,
        "grants_removed": removed,
        "uncertain_at_from": g1.as_of.fields(party)["uncertain_grants"],
        "uncertain_at_to": g2.as_of.fields(party)["uncertain_grants"],
    }
    if party is not None:
        doc["parties"] = [dict(r, name=name(r["party"])) for r in _party_changes(g1, g2, party)]
        doc["parties_basis"] = ("parties whose data reaches the party by the flow model (a clip's hand-overs, a "
                                "direct grant or a search) as of each date")
    return doc


def custody_diff(
    read: Callable[[], Iterable[tuple[int, bytes]]], start: datetime, end: datetime, party: str | None = None, *,
    rule_sets: list[str] | None = None, registry: Any = None, attempts: bool = False, source: str | None = None,
    resolve: Callable[[CustodyGraph, CustodyGraph, str, LogParties], str] | None = None,
) -> tuple[dict[str, Any], CustodyGraph, CustodyGraph]:
    """Read and judge the log (``read()`` gives its lines, called once per date) as of ``start`` and as of
    ``end``; the diff document and the two graphs. ``resolve(g1, g2, party, named)``: the party id a name
    given for ``party`` means (e.g. the command line's lookup by name; ``named``: every party the log names,
    judged by ``end`` or set aside as of it).

    >>> from datetime import UTC, datetime
    >>> line = (b'{"event_id":"g","type":"access_grant","occurred_at":"2025-03-01T00:00:00Z",'
    ...         b'"grantor":"agency:a-pd","grantee":"agency:fbi","system":"flock","scope":"x"}')
    >>> doc, _, _ = custody_diff(lambda: [(1, line)], datetime(2025, 1, 1, tzinfo=UTC),
    ...                          datetime(2025, 6, 1, tzinfo=UTC), attempts=True)
    >>> [(r["grantor"], r["evidence"]["event"]) for r in doc["grants_added"]], doc["grants_removed"]
    ([('agency:a-pd', 'g')], [])
    """
    from analysis.judged import graph_of_log

    records: dict[str, dict[str, Any]] = {}

    def keep(ev: Any, _: Any) -> None:
        if ev.type != "access_grant":
            return
        snap = snapshot_record(ev)
        records[ev.event_id] = {"seen_at": snap[0] if snap else None, "snapshots": snap[1] if snap else None,
                                "portal": (ev.model_extra or {}).get("portal"), "grantor_name": ev.grantor_name,
                                "grantee_name": ev.grantee_name}

    g1, _ = graph_of_log(read(), rule_sets, registry, attempts=attempts, source=source, as_of=start, on_verdict=keep)
    named = LogParties()

    def keep_named(ev: Any, v: Any) -> None:
        keep(ev, v)
        named(ev, v)

    g2, _ = graph_of_log(read(), rule_sets, registry, attempts=attempts, source=source, as_of=end,
                         on_verdict=keep_named, on_set_aside=named.set_aside)
    if party is not None and resolve is not None:
        party = resolve(g1, g2, party, named)
    return diff_graphs(g1, g2, party, records), g1, g2
