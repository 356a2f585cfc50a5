"""The state a verdict needs: clips and who holds them since when, requests, consent; nothing else.

Everything here is built by applying events in event-time order; nothing depends on arrival order. The
state is split by key (``state_keys``): a clip (``("c", clip id)``), a request (``("q", request id)``:
the request, whether it was blocked, the owners' answers) and a requester (``("r", party)``: when its
accepted requests were made). An event reads and changes only the keys it names, so a late event can be
re-judged with the keys it touches rolled back (``copy_key``), and nothing else.

Only what the rules read is kept: a consent decision keeps its answer, its clips (when it shares) and its
time; a legal process keeps nothing (the retention rule reads the clips it names).

>>> from schemas.events import parse_event
>>> st = CustodyState()
>>> st.record_clip(parse_event('{"event_id":"e","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...                            '"clip_id":"c","owner":"resident:r","platform":"ring"}'))
>>> st.holds("c", "resident:r", st.clips["c"].recorded_at)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from sys import intern
from typing import Any, NamedTuple

from schemas.events import ClipRecorded, ConsentDecision, FootageRequest

__all__ = ["ClipInfo", "Consent", "CustodyState", "RequestInfo", "StateKey", "platform_slug", "state_keys"]

_FLAT_MAX = 3  # holders kept in a clip's flat tuple before it becomes a dict

#: ``("c", clip id)``, ``("q", request id)`` or ``("r", requester)``.
StateKey = tuple[str, str]


def platform_slug(platform: str | None) -> str:
    """``platform:ring``, ``Ring`` and ``ring`` all name the platform ``ring``.

    >>> platform_slug("platform:Ring"), platform_slug(None)
    ('ring', '')
    """
    if not platform:
        return ""
    return platform.split(":", 1)[1].lower() if platform.startswith("platform:") else platform.lower()


def state_keys(ev: Any) -> tuple[StateKey, ...]:
    """The keys of the state an event's judgement reads or its verdict changes (none: judged on its own).

    >>> from schemas.events import parse_event
    >>> state_keys(parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z",'
    ...   '"clip_id":"c","from_party":"a","to_party":"b","basis":"consent","purpose":"x","request_id":"q"}'))
    (('c', 'c'), ('q', 'q'))
    """
    kind = ev.type
    if kind == "transfer":
        # consent_scope reads the request (and its answers) only for deliveries made with consent
        return (("c", ev.clip_id), ("q", ev.request_id or "")) if ev.basis == "consent" else (("c", ev.clip_id),)
    if kind == "clip_recorded":
        return (("c", ev.clip_id),)
    if kind == "footage_request":
        return ("q", ev.request_id), ("r", ev.requester)
    if kind == "consent_decision":
        return (("q", ev.request_id),)
    if kind == "legal_process":
        return tuple(("c", c) for c in dict.fromkeys(ev.clip_ids))
    return ()


class ClipInfo:
    """One clip: its owner, platform, when and where it was recorded, and who holds it since when.

    ``got`` lists, four items per party, ``party, since, event id of the hand-over that first brought it
    the clip, hops from the owner`` (a flat tuple: most clips reach one or two parties, and a clip is kept
    for as long as the run lasts; a dict ``party -> (since, event id, hops)`` once more than a few parties
    hold it); the owner holds the clip from its recording without an entry.
    """

    __slots__ = ("clip_id", "owner", "platform", "recorded_at", "lat", "lon", "retention_days", "got")

    def __init__(self, clip_id: str, owner: str, platform: str, recorded_at: datetime, lat: float | None = None,
                 lon: float | None = None, retention_days: float | None = None) -> None:
        self.clip_id = intern(clip_id)
        self.owner = intern(owner)
        self.platform = intern(platform)
        self.recorded_at = recorded_at
        self.lat = lat
        self.lon = lon
        self.retention_days = retention_days
        self.got: Any = ()  # a flat tuple, or a dict past _FLAT_MAX holders

    def entry(self, party: str) -> tuple[datetime, str, int] | None:
        """``(since, event id, hops)`` of the hand-over that first brought ``party`` the clip."""
        got = self.got
        if type(got) is dict:
            return got.get(party)  # type: ignore[no-any-return]
        for i in range(0, len(got), 4):
            if got[i] == party:
                return got[i + 1], got[i + 2], got[i + 3]
        return None

    def since(self, party: str) -> datetime | None:
        """When ``party`` first held the clip (None: never)."""
        got = self.entry(party) if self.got else None
        if got is not None:
            return got[0]
        return self.recorded_at if party == self.owner else None

    def set_entry(self, party: str, since: datetime, event_id: str, hops: int) -> None:
        """Say that ``party`` first got the clip at ``since`` by hand-over ``event_id``."""
        got = self.got
        if type(got) is dict:
            got[intern(party)] = (since, event_id, hops)
            return
        for i in range(0, len(got), 4):
            if got[i] == party:
                self.got = (*got[:i], party, since, event_id, hops, *got[i + 4:])
                return
        if len(got) >= 4 * _FLAT_MAX:  # many holders: a dict from here on
            self.got = {got[i]: (got[i + 1], got[i + 2], got[i + 3]) for i in range(0, len(got), 4)}
            self.got[intern(party)] = (since, event_id, hops)
            return
        self.got = (*got, intern(party), since, event_id, hops)

    def copy(self) -> ClipInfo:
        """An independent copy (hand-overs applied to it do not show in this one)."""
        c = ClipInfo(self.clip_id, self.owner, self.platform, self.recorded_at, self.lat, self.lon,
                     self.retention_days)
        c.got = dict(self.got) if type(self.got) is dict else self.got
        return c


class RequestInfo(NamedTuple):
    """What the consent rule reads of a request: who asked, for which time window and area."""

    request_id: str
    requester: str
    start: datetime
    end: datetime
    lat: float
    lon: float
    radius_m: float


class Consent(NamedTuple):
    """What the consent rule reads of an owner's answer: the decision, the clips shared, when."""

    decision: str
    clip_ids: tuple[str, ...]
    occurred_at: datetime


class CustodyState:
    """All the state the rules read; a fold over events in event-time order."""

    __slots__ = ("clips", "requests", "blocked_requests", "consents", "accepted_requests")

    def __init__(self) -> None:
        self.clips: dict[str, ClipInfo] = {}
        self.requests: dict[str, RequestInfo] = {}
        self.blocked_requests: set[str] = set()
        self.consents: dict[str, dict[str, Consent]] = {}  # request id -> owner -> answer
        self.accepted_requests: dict[str, list[datetime]] = {}

    def record_clip(self, ev: ClipRecorded) -> None:
        """Start custody with the owner (the earliest recording of a clip id wins)."""
        known = self.clips.get(ev.clip_id)
        if known is not None and known.recorded_at <= ev.occurred_at:
            return
        loc = ev.location
        self.clips[intern(ev.clip_id)] = ClipInfo(ev.clip_id, ev.owner, platform_slug(ev.platform), ev.occurred_at,
                                          loc.lat if loc else None, loc.lon if loc else None, ev.retention_days)

    def holds(self, clip_id: str, party: str, at: datetime, platform_retention_days: float | None = None) -> bool:
        """Whether ``party`` held ``clip_id`` at time ``at``.

        The clip's platform holds it in its cloud from recording until its retention runs out.
        """
        clip = self.clips.get(clip_id)
        if clip is None or at < clip.recorded_at:
            return False
        since = clip.since(party)
        if since is not None and since <= at:
            return True
        if party.startswith("platform:") and platform_slug(party) == clip.platform:
            days = clip.retention_days if clip.retention_days is not None else platform_retention_days
            return days is None or at - clip.recorded_at <= timedelta(days=days)
        return False

    def parent_of(self, clip_id: str, party: str) -> tuple[str | None, int]:
        """(the hand-over by which ``party`` got the clip, its hop count); ``(None, 0)`` at the owner."""
        clip = self.clips.get(clip_id)
        got = clip.entry(party) if clip is not None and clip.got else None
        return (got[1], got[2]) if got else (None, 0)

    def hand_over(self, clip_id: str, from_party: str, to_party: str, at: datetime, event_id: str) -> None:
        """Record that ``to_party`` holds the clip from ``at`` on (and by which hand-over)."""
        clip = self.clips.get(clip_id)
        if clip is None:
            return
        since = clip.since(to_party)
        if since is None or at < since:
            clip.set_entry(to_party, at, event_id, self.parent_of(clip_id, from_party)[1] + 1)

    def add_request(self, ev: FootageRequest, blocked: bool, *, request: bool = True, requester: bool = True) -> None:
        """Keep a request (and whether the platform blocked it) for the decisions and deliveries after it;
        count it for its requester when accepted. ``request``/``requester`` choose which of the two keys
        to change (both by default)."""
        if request:
            if ev.request_id not in self.requests:
                w, a = ev.window, ev.area
                self.requests[ev.request_id] = RequestInfo(ev.request_id, intern(ev.requester), w.start, w.end, a.lat,
                                                           a.lon, a.radius_m)
            if blocked:
                self.blocked_requests.add(ev.request_id)
        if requester and not blocked:
            self.accepted_requests.setdefault(intern(ev.requester), []).append(ev.occurred_at)

    def requests_since(self, requester: str, since: datetime) -> int:
        """How many accepted requests ``requester`` made at or after ``since``."""
        return sum(1 for t in self.accepted_requests.get(requester, ()) if t >= since)

    def add_consent(self, ev: ConsentDecision) -> None:
        """An owner's answer to a request (a later answer replaces an earlier one)."""
        shared = tuple(intern(c) for c in ev.clip_ids) if ev.decision == "share" else ()
        answers = self.consents.get(ev.request_id)
        if answers is None:
            answers = self.consents[ev.request_id] = {}
        answers[intern(ev.owner)] = Consent(intern(ev.decision), shared, ev.occurred_at)

    def consent(self, request_id: str, owner: str) -> Consent | None:
        """The owner's latest answer to a request so far (None: never answered)."""
        answers = self.consents.get(request_id)
        return answers.get(owner) if answers else None

    def apply(self, ev: Any, gated: bool, only: Iterable[StateKey] | None = None) -> None:
        """Apply what a judged event changes (a gated hand-over changes nothing); with ``only``, just the
        part under those keys."""
        kind = ev.type
        keys = None if only is None else set(only)
        if kind == "transfer":
            if not gated and (keys is None or ("c", ev.clip_id) in keys):
                self.hand_over(ev.clip_id, ev.from_party, ev.to_party, ev.occurred_at, ev.event_id)
        elif kind == "consent_decision":
            if keys is None or ("q", ev.request_id) in keys:
                self.add_consent(ev)
        elif kind == "clip_recorded":
            if keys is None or ("c", ev.clip_id) in keys:
                self.record_clip(ev)
        elif kind == "footage_request":
            self.add_request(ev, gated, request=keys is None or ("q", ev.request_id) in keys,
                             requester=keys is None or ("r", ev.requester) in keys)

    def copy_key(self, key: StateKey, into: CustodyState) -> None:
        """Make ``into``'s state under ``key`` an independent copy of this one's (absent stays absent).

        >>> a, b = CustodyState(), CustodyState()
        >>> b.blocked_requests.add("q"); a.copy_key(("q", "q"), b); b.blocked_requests
        set()
        """
        kind, k = key
        if kind == "c":
            clip = self.clips.get(k)
            if clip is None:
                into.clips.pop(k, None)
            else:
                into.clips[k] = clip.copy()
        elif kind == "q":
            _put(into.requests, k, self.requests.get(k))
            if k in self.blocked_requests:
                into.blocked_requests.add(k)
            else:
                into.blocked_requests.discard(k)
            answers = self.consents.get(k)
            _put(into.consents, k, dict(answers) if answers else None)
        else:
            times = self.accepted_requests.get(k)
            _put(into.accepted_requests, k, list(times) if times else None)


def _put(d: dict[str, Any], k: str, v: Any) -> None:
    if v is None:
        d.pop(k, None)
    else:
        d[k] = v
