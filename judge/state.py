"""The state a verdict needs: clips and who holds them since when, requests, consent, legal process.

Everything here is built by applying events in event-time order; nothing depends on arrival order.

>>> from schemas.events import parse_event
>>> st = CustodyState()
>>> st.record_clip(parse_event('{"event_id":"e","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...                            '"clip_id":"c","owner":"resident:r","platform":"ring"}'))
>>> st.holds("c", "resident:r", st.clips["c"].recorded_at)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from schemas.events import ClipRecorded, ConsentDecision, FootageRequest, LegalProcess

__all__ = ["ClipInfo", "CustodyState", "platform_slug"]


def platform_slug(platform: str | None) -> str:
    """``platform:ring``, ``Ring`` and ``ring`` all name the platform ``ring``.

    >>> platform_slug("platform:Ring"), platform_slug(None)
    ('ring', '')
    """
    if not platform:
        return ""
    return platform.split(":", 1)[1].lower() if platform.startswith("platform:") else platform.lower()


@dataclass
class ClipInfo:
    """One clip: its owner, platform, when and where it was recorded, and who holds it since when."""

    clip_id: str
    owner: str
    platform: str
    recorded_at: datetime
    lat: float | None = None
    lon: float | None = None
    retention_days: float | None = None
    holders: dict[str, datetime] = field(default_factory=dict)
    #: party -> (event id of the hand-over that first brought it the clip, hops from the owner)
    received: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass
class CustodyState:
    """All the state the rules read; a fold over events in event-time order."""

    clips: dict[str, ClipInfo] = field(default_factory=dict)
    requests: dict[str, FootageRequest] = field(default_factory=dict)
    blocked_requests: set[str] = field(default_factory=set)
    consents: dict[tuple[str, str], ConsentDecision] = field(default_factory=dict)
    legal: dict[str, LegalProcess] = field(default_factory=dict)
    accepted_requests: dict[str, list[datetime]] = field(default_factory=dict)

    def record_clip(self, ev: ClipRecorded) -> None:
        """Start custody with the owner (the earliest recording of a clip id wins)."""
        known = self.clips.get(ev.clip_id)
        if known is not None and known.recorded_at <= ev.occurred_at:
            return
        loc = ev.location
        self.clips[ev.clip_id] = ClipInfo(
            clip_id=ev.clip_id, owner=ev.owner, platform=platform_slug(ev.platform), recorded_at=ev.occurred_at,
            lat=loc.lat if loc else None, lon=loc.lon if loc else None, retention_days=ev.retention_days,
            holders={ev.owner: ev.occurred_at},
        )

    def holds(self, clip_id: str, party: str, at: datetime, platform_retention_days: float | None = None) -> bool:
        """Whether ``party`` held ``clip_id`` at time ``at``.

        The clip's platform holds it in its cloud from recording until its retention runs out.
        """
        clip = self.clips.get(clip_id)
        if clip is None or at < clip.recorded_at:
            return False
        since = clip.holders.get(party)
        if since is not None and since <= at:
            return True
        if party.startswith("platform:") and platform_slug(party) == clip.platform:
            days = clip.retention_days if clip.retention_days is not None else platform_retention_days
            return days is None or at - clip.recorded_at <= timedelta(days=days)
        return False

    def parent_of(self, clip_id: str, party: str) -> tuple[str | None, int]:
        """(the hand-over by which ``party`` got the clip, its hop count); ``(None, 0)`` at the owner."""
        clip = self.clips.get(clip_id)
        if clip is None:
            return None, 0
        got = clip.received.get(party)
        return (got[0], got[1]) if got else (None, 0)

    def hand_over(self, clip_id: str, from_party: str, to_party: str, at: datetime, event_id: str) -> None:
        """Record that ``to_party`` holds the clip from ``at`` on (and by which hand-over)."""
        clip = self.clips.get(clip_id)
        if clip is None:
            return
        since = clip.holders.get(to_party)
        if since is None or at < since:
            clip.holders[to_party] = at
            clip.received[to_party] = (event_id, self.parent_of(clip_id, from_party)[1] + 1)

    def add_request(self, ev: FootageRequest, blocked: bool) -> None:
        """Keep a request (and whether the platform blocked it) for the decisions and deliveries after it."""
        self.requests.setdefault(ev.request_id, ev)
        if blocked:
            self.blocked_requests.add(ev.request_id)
        else:
            self.accepted_requests.setdefault(ev.requester, []).append(ev.occurred_at)

    def requests_since(self, requester: str, since: datetime) -> int:
        """How many accepted requests ``requester`` made at or after ``since``."""
        return sum(1 for t in self.accepted_requests.get(requester, ()) if t >= since)

    def add_consent(self, ev: ConsentDecision) -> None:
        """An owner's answer to a request (a later answer replaces an earlier one)."""
        self.consents[(ev.request_id, ev.owner)] = ev

    def add_legal(self, ev: LegalProcess) -> None:
        """Keep a legal process by its request id."""
        self.legal.setdefault(ev.request_id, ev)
