"""Custody as of a date (``--as-of``): which events count then, and which portal grants were in force.

The one rule every analysis asks (``AsOf.admit``, applied where logs are judged: ``analysis.judged``):

- an event counts if it occurred at or before the date (``occurred_at <= as_of``); later ones are set aside,
  never judged, and counted as such;
- a portal grant read from several snapshots of a portal (``seen_at``: the snapshots that listed it,
  ``snapshots``: every snapshot of that portal; ``importers.flock_portal``) counts from a snapshot that
  lists it for as long as the snapshots list it: at the snapshot itself, between two snapshots that both
  list it, and after the latest snapshot if that one lists it. A grant listed in one snapshot and gone
  from the next stops counting right after the last snapshot that listed it; one that appears counts from
  the first snapshot that lists it (and again from the one where it reappears).
- Between two snapshots nothing is observed: a grant listed in one and not the other was added or removed
  at some unknown time in that gap. As of a date inside such a gap it does not count (the rule above), and
  it is listed in ``uncertain_grants`` with both snapshots, so a reader sees what might have been in force.
- Before the first snapshot of its portal a grant does not count (nothing was observed yet).
- A date given as a day (``2025-06-01``, read as the end of that day) takes a snapshot made that day as the
  state of that day: the gap after it starts the next day. A time (RFC 3339) is taken to the second.

A grant without snapshots (one observation) is an event like any other: it counts from ``occurred_at``.

>>> snaps = ["2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z"]
>>> grant_state(snaps[:1], snaps, parse_time("2025-03-01T00:00:00Z"))
GrantState(counted=False, uncertain=True, before='2025-01-01T00:00:00Z', after='2025-06-01T00:00:00Z', \
listed_before=True)
>>> grant_state(snaps[:1], snaps, parse_time("2025-01-01T00:00:00Z")).counted
True
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from graph.custody import CustodyGraph
from schemas.when import iso_z, parse_instant

__all__ = ["AsOf", "GrantState", "grant_state", "parse_time", "snapshot_record", "graph_as_of"]


def parse_time(text: str) -> float:
    """An RFC 3339 time (or ISO date, its start) in seconds since the epoch.

    >>> parse_time("1970-01-02T00:00:00Z"), parse_time("1970-01-02")
    (86400.0, 86400.0)
    """
    return parse_instant(text, "time", day_end=False).timestamp()


@dataclass(frozen=True, slots=True)
class GrantState:
    """A portal grant at a date: whether it counts, and whether that is uncertain (it changed in the gap
    between the snapshot ``before`` the date and the one ``after`` it)."""

    counted: bool
    uncertain: bool
    before: str | None = None
    after: str | None = None
    #: Whether the snapshot ``before`` lists it (in a gap: True if it was removed, False if added).
    listed_before: bool = False


def grant_state(seen_at: list[str], snapshots: list[str], at: float, whole_day: bool = False) -> GrantState:
    """The state at ``at`` (seconds since the epoch) of a grant listed in the snapshots ``seen_at`` out of its
    portal's ``snapshots`` (RFC 3339 times). ``whole_day``: ``at`` stands for its whole UTC day, so a snapshot
    made that day is not followed by a gap until the day ends.

    >>> snaps = ["2025-01-01T00:00:00Z", "2025-03-01T00:00:00Z", "2025-06-01T00:00:00Z"]
    >>> [grant_state([snaps[0], snaps[1]], snaps, parse_time(d)).counted
    ...  for d in ("2024-12-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-07-01")]
    [False, True, True, False, False]
    >>> [grant_state([snaps[0], snaps[1]], snaps, parse_time(d)).uncertain for d in ("2024-12-01", "2025-04-01")]
    [False, True]
    >>> grant_state([snaps[0]], snaps, parse_time("2025-03-01T23:59:59Z"), whole_day=True).counted
    False
    >>> grant_state([snaps[0], snaps[1]], snaps, parse_time("2025-03-01T23:59:59Z"), whole_day=True).counted
    True
    """
    times = sorted((parse_time(s), s) for s in snapshots)
    listed = {parse_time(s) for s in seen_at}
    i = bisect_right([t for t, _ in times], at)
    if i == 0:
        return GrantState(False, False, None, times[0][1] if times else None)
    t_before, before = times[i - 1]
    was = t_before in listed
    same_day = whole_day and int(t_before // 86400) == int(at // 86400)
    if i < len(times) and at > t_before and not same_day:
        t_after, after = times[i]
        if (t_after in listed) != was:  # changed somewhere in the gap: does not count, uncertain
            return GrantState(False, True, before, after, was)
    return GrantState(was, False, before, None, was)


def snapshot_record(ev: Any) -> tuple[list[str], list[str]] | None:
    """``(seen_at, snapshots)`` of an access grant read from several snapshots of its portal, else None.

    >>> snapshot_record(type("E", (), {"type": "access_grant", "model_extra": {"seen_at": ["x"],
    ...                                "snapshots": ["x", "y"]}})())
    (['x'], ['x', 'y'])
    """
    if getattr(ev, "type", None) != "access_grant":
        return None
    extra = getattr(ev, "model_extra", None) or {}
    seen, snaps = extra.get("seen_at"), extra.get("snapshots")
    if not (isinstance(seen, list) and isinstance(snaps, list) and seen and snaps):
        return None
    if not all(isinstance(s, str) for s in (*seen, *snaps)):
        return None
    return seen, snaps


class AsOf:
    """The as-of rule for one date: ``admit(event)`` says whether the event counts then, and keeps count of
    what it sets aside and of the grants whose state then is uncertain.

    >>> from schemas.events import parse_event
    >>> a = AsOf(datetime.fromisoformat("2025-03-01T00:00:00+00:00"))
    >>> g = ('{"event_id":"g","type":"access_grant","occurred_at":"2025-01-01T00:00:00Z","grantor":"agency:a",'
    ...      '"grantee":"agency:b","system":"flock","scope":"x","portal":"agency:a",'
    ...      '"seen_at":["2025-01-01T00:00:00Z"],"snapshots":["2025-01-01T00:00:00Z","2025-06-01T00:00:00Z"]}')
    >>> a.admit(parse_event(g)), [u["state"] for u in a.uncertain], a.ended
    (False, ['listed on 2025-01-01T00:00:00Z, gone by 2025-06-01T00:00:00Z'], 1)
    """

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.t = at.timestamp()
        #: A date given as a day (``schemas.when.parse_instant``: the end of the day) stands for the whole day.
        self.whole_day = at.time() == time.max
        self.later = 0  # events after the date: not judged
        self.ended = 0  # grants not listed in the latest snapshot by the date
        self.uncertain: list[dict[str, Any]] = []

    def admit(self, ev: Any) -> bool:
        """Whether ``ev`` counts as of the date (see the module's rule)."""
        snap = snapshot_record(ev)
        if snap is None:
            return self.occurred(ev.occurred_at.timestamp())
        return self.admit_grant(ev.event_id, ev.grantor, ev.grantee, ev.occurred_at.timestamp(), snap)

    def admit_grant(self, event_id: str, grantor: str, grantee: str, t: float,
                    snap: tuple[list[str], list[str]] | None) -> bool:
        """Whether a grant (first seen at ``t``; ``snap``: its ``snapshot_record`` or None) counts as of the
        date; an uncertain one is noted."""
        if snap is None:
            return self.occurred(t)
        st = grant_state(snap[0], snap[1], self.t, self.whole_day)
        if st.uncertain:
            removed = st.listed_before
            change = (f"listed on {st.before}, gone by {st.after}" if removed
                      else f"not listed on {st.before}, listed on {st.after}")
            self.uncertain.append({"event_id": event_id, "grantor": grantor, "grantee": grantee,
                                   "counted": False, "change": "removed" if removed else "added",
                                   "state": change, "before": st.before, "after": st.after})
        if st.counted:
            return True
        if t > self.t:
            self.later += 1
        else:
            self.ended += 1
        return False

    def occurred(self, t: float) -> bool:
        """Whether something at ``t`` (seconds since the epoch) happened by the date; what did not is counted
        as set aside."""
        if t > self.t:
            self.later += 1
            return False
        return True

    @property
    def set_aside(self) -> int:
        """Events that do not count as of the date (later ones, and grants gone from the portal by then)."""
        return self.later + self.ended

    def fields(self, party: str | None = None) -> dict[str, Any]:
        """What a document built as of the date says about it (the date, and the grants uncertain then; with
        ``party``, those that name it). What the reading set aside is counted in the run's document
        (``set_aside``), not here: a graph read up to the date and one cut at the date from a whole log
        (:func:`graph_as_of`, the live view) give the same document.

        >>> AsOf(datetime.fromisoformat("2025-03-01T12:00:00+00:00")).fields()["as_of"]
        '2025-03-01T12:00:00Z'
        """
        rows = [u for u in self.uncertain if party is None or party in (u["grantor"], u["grantee"])]
        return {
            "as_of": iso_z(self.at),
            "uncertain_grants": sorted(rows, key=lambda u: (u["grantor"], u["grantee"], u["event_id"])),
        }


def graph_as_of(g: CustodyGraph, at: datetime) -> CustodyGraph:
    """The part of ``g`` (built from a whole log) that counts as of ``at`` by the same rule as a log read
    with ``--as-of`` (:class:`AsOf`): recordings, hand-overs and links up to then, portal grants in force then
    (``g.snapshots``). Verdicts depend on event time only, so this is the graph of the log judged up to
    ``at``; it is how a series of dates is answered from one reading (the report's reach over time).

    >>> g = CustodyGraph(); g.add_grant("a", "agency:x", "agency:y", 10.0)
    >>> g.add_grant("b", "agency:z", "agency:y", 99.0)
    >>> from datetime import UTC
    >>> sorted(k for *_, k in graph_as_of(g, datetime.fromtimestamp(50, UTC)).graph.edges(keys=True))
    ['a']
    """
    rule = AsOf(at)
    h = CustodyGraph(g.registry, basis=g.basis)
    h.as_of = rule
    h.snapshots = g.snapshots
    for clip, origin in g.clips.items():
        if rule.occurred(origin.t):
            h.add_recording(clip, origin.owner, origin.t, origin.platform)
    for u, v, key, data in g.graph.edges(keys=True, data=True):
        rest = {k: x for k, x in data.items() if k not in ("clip", "t", "kind")}
        t = data["t"]
        if data.get("clip") is not None:
            if rule.occurred(t):
                h.add_hand_over(key, data["clip"], u, v, t, kind=data.get("kind", "transfer"), **rest)
        elif data.get("kind") == "grant":
            if rule.admit_grant(key, u, v, t, g.snapshots.get(key)):
                h.add_link(key, u, v, t, "grant", **rest)
        elif rule.occurred(t):
            h.add_link(key, u, v, t, data.get("kind", "search"), **rest)
    return h
