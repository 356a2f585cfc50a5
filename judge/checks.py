"""One function per bound (a rule's ``check``): each looks at one event and the state, and returns the
evidence of a breach (a dict) or ``None``.

The functions read state; they never change it. Which event types each check looks at is in ``CHECKS``.

>>> from datetime import datetime, UTC
>>> from judge.rulesets import load_rule_set
>>> rule = next(r for r in load_rule_set("ring-2019-portal").rules if r.check == "request_window")
>>> from schemas.events import parse_event
>>> req = parse_event('{"event_id":"q","type":"footage_request","occurred_at":"2019-05-01T00:00:00Z",'
...   '"request_id":"q","requester":"agency:x-pd","platform":"ring","area":{"lat":0,"lon":0,"radius_m":100},'
...   '"window":{"start":"2019-04-30T00:00:00Z","end":"2019-05-01T00:00:00Z"},'
...   '"investigation_code":"C-1","purpose":"burglary"}')
>>> request_window(rule, req, Context(CustodyState(), PartyRegistry()))
{'window_hours': 24.0, 'max_window_hours': 12.0}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from classify.purposes import classify_reason
from judge.state import CustodyState, platform_slug
from schemas.events import FootageRequest, LegalProcess, Search, Transfer
from schemas.geo import distance_m
from schemas.parties import PartyRegistry

__all__ = ["Context", "CHECKS", "event_platform"]

Evidence = dict[str, Any] | None


@dataclass
class Context:
    """What a check may read: the custody state and the party registry."""

    state: CustodyState
    registry: PartyRegistry


def event_platform(ev: Any, state: CustodyState) -> str:
    """The platform an event goes through (``ring``, ``flock``, ...), or ``''`` when none.

    >>> event_platform(type("E", (), {"type": "search"})(), CustodyState())
    'flock'
    """
    kind = ev.type
    if kind in ("footage_request", "legal_process", "clip_recorded"):
        return platform_slug(ev.platform)
    if kind == "search":
        return "flock"
    if kind == "access_grant":
        return platform_slug(ev.system)
    if kind == "transfer":
        clip = state.clips.get(ev.clip_id)
        if clip is not None:
            return clip.platform
        for party in (ev.via, ev.from_party):
            if party and party.startswith("platform:"):
                return platform_slug(party)
    return ""


# --- requests -------------------------------------------------------------------------------------------

def request_window(rule: Any, ev: FootageRequest, ctx: Context) -> Evidence:
    hours = ev.window.hours
    return {"window_hours": round(hours, 3), "max_window_hours": rule.max_window_hours} \
        if hours > rule.max_window_hours else None


def request_radius(rule: Any, ev: FootageRequest, ctx: Context) -> Evidence:
    return {"radius_m": ev.area.radius_m, "max_radius_m": rule.max_radius_m} \
        if ev.area.radius_m > rule.max_radius_m else None


def investigation_code(rule: Any, ev: FootageRequest, ctx: Context) -> Evidence:
    code = ev.investigation_code
    return {"investigation_code": code} if code is None or not code.strip() else None


def eligible_requester(rule: Any, ev: FootageRequest, ctx: Context) -> Evidence:
    kinds = {p: ctx.registry.kind_of(p) for p in (ev.requester, ev.on_behalf_of) if p}
    bad = {p: k for p, k in kinds.items() if k not in rule.eligible_kinds}
    return {"ineligible": bad, "eligible_kinds": rule.eligible_kinds} if bad else None


def request_volume(rule: Any, ev: FootageRequest, ctx: Context) -> Evidence:
    since = ev.occurred_at - timedelta(days=rule.per_days)
    n = ctx.state.requests_since(ev.requester, since)
    return {"requests_in_period": n + 1, "max_requests": rule.max_requests, "per_days": rule.per_days} \
        if n + 1 > rule.max_requests else None


def request_purpose(rule: Any, ev: FootageRequest, ctx: Context) -> Evidence:
    purpose = classify_reason(ev.purpose)
    return {"purpose": ev.purpose, "classified_as": purpose} if purpose in rule.forbidden_purposes else None


# --- hand-overs -----------------------------------------------------------------------------------------

def custody_continuity(rule: Any, ev: Transfer, ctx: Context) -> Evidence:
    if ctx.state.holds(ev.clip_id, ev.from_party, ev.occurred_at):
        return None
    clip = ctx.state.clips.get(ev.clip_id)
    if clip is None:
        return {"problem": "clip not recorded at that time (none before this hand-over)", "from_party": ev.from_party}
    if ev.occurred_at < clip.recorded_at:
        return {"problem": "hand-over before the clip was recorded", "recorded_at": clip.recorded_at.isoformat()}
    return {"problem": "from_party did not hold the clip at that time", "from_party": ev.from_party}


def consent_scope(rule: Any, ev: Transfer, ctx: Context) -> Evidence:
    if ev.basis != "consent":
        return None
    st = ctx.state
    req = st.requests.get(ev.request_id or "")
    if req is None:
        return {"problem": "no request for this delivery", "request_id": ev.request_id}
    if req.request_id in st.blocked_requests:
        return {"problem": "the request was blocked", "request_id": req.request_id}
    clip = st.clips.get(ev.clip_id)
    if clip is None:
        return {"problem": "clip never recorded in this log"}
    consent = st.consent(req.request_id, clip.owner)
    if consent is None:
        return {"problem": "the owner was never asked / never answered", "owner": clip.owner}
    if consent.decision != "share" or ev.clip_id not in consent.clip_ids:
        return {"problem": "the owner did not share this clip", "decision": consent.decision}
    if consent.occurred_at > ev.occurred_at:
        return {"problem": "delivered before the owner agreed"}
    if not req.start <= clip.recorded_at <= req.end:
        return {"problem": "clip recorded outside the request's window", "recorded_at": clip.recorded_at.isoformat()}
    if clip.lat is not None and clip.lon is not None:
        d = distance_m(clip.lat, clip.lon, req.lat, req.lon)
        if d > req.radius_m:
            return {"problem": "clip recorded outside the request's area", "distance_m": round(d)}
    if ev.to_party != req.requester:
        return {"problem": "delivered to someone other than the requester", "requester": req.requester}
    return None


def _is_legal_disclosure(ev: Transfer) -> bool:
    return ev.basis in ("warrant", "subpoena") and ev.from_party.startswith("platform:")


def retention(rule: Any, ev: Transfer | LegalProcess, ctx: Context) -> Evidence:
    st = ctx.state
    if ev.type == "transfer":
        if not _is_legal_disclosure(ev):  # type: ignore[arg-type]
            return None
        clip_ids = [ev.clip_id]  # type: ignore[union-attr]
    else:
        clip_ids = list(ev.clip_ids)  # type: ignore[union-attr]
    expired = []
    for cid in clip_ids:
        clip = st.clips.get(cid)
        if clip is None:
            continue
        days = clip.retention_days if clip.retention_days is not None else rule.retention_days
        if ev.occurred_at - clip.recorded_at > timedelta(days=days):
            expired.append(cid)
    return {"expired_clips": expired, "retention_days": rule.retention_days} if expired else None


def emergency_disclosure(rule: Any, ev: Transfer, ctx: Context) -> Evidence:
    return {"basis": "emergency", "without": "consent or warrant"} if ev.basis == "emergency" else None


# --- downstream limits ----------------------------------------------------------------------------------

def _ends(ev: Any) -> tuple[str | None, str | None]:
    """(origin, recipient) of a transfer, grant or search."""
    if ev.type == "transfer":
        return ev.from_party, ev.to_party
    if ev.type == "access_grant":
        return ev.grantor, ev.grantee
    if ev.type == "search":
        return ev.searcher, ev.on_behalf_of
    return None, None


def _destination_class(origin_state: str, recipient: str, registry: PartyRegistry) -> str | None:
    party = registry.get(recipient)
    if party.kind == "federal":
        return "federal"
    if party.state and party.state != origin_state and party.kind not in ("resident", "public", "platform"):
        return "out_of_state"
    return None


def destination_limit(rule: Any, ev: Any, ctx: Context) -> Evidence:
    origin, recipient = _ends(ev)
    if not origin or not recipient:
        return None
    origin_state = ctx.registry.state_of(origin)
    if origin_state not in rule.origin_states:
        return None
    if rule.systems and event_platform(ev, ctx.state) not in rule.systems:
        return None
    dest = _destination_class(origin_state or "", recipient, ctx.registry)
    if dest in rule.forbidden_destinations and recipient not in rule.declared:
        return {"origin": origin, "origin_state": origin_state, "recipient": recipient, "recipient_class": dest,
                "recipient_state": ctx.registry.state_of(recipient)}
    return None


def _purpose_text(ev: Any) -> str:
    if ev.type == "search":
        return ev.purpose or ev.reason
    return getattr(ev, "purpose", None) or getattr(ev, "scope", "") or ""


def forbidden_purpose(rule: Any, ev: Any, ctx: Context) -> Evidence:
    origin, recipient = _ends(ev)
    if not origin or ctx.registry.state_of(origin) not in rule.states:
        return None
    text = _purpose_text(ev)
    purpose = classify_reason(text)
    if purpose in rule.purposes:
        return {"origin": origin, "purpose": text, "classified_as": purpose}
    if recipient and any(recipient == p or recipient.startswith(p + "-") for p in rule.recipients):
        return {"origin": origin, "recipient": recipient, "why": "recipient enforces immigration law"}
    return None


def federal_lookup(rule: Any, ev: Any, ctx: Context) -> Evidence:
    reg = ctx.registry
    if ev.type == "search":
        fed = [p for p in (ev.searcher, ev.on_behalf_of) if p and reg.kind_of(p) == "federal"]
    elif ev.type == "access_grant":
        fed = [ev.grantee] if reg.kind_of(ev.grantee) == "federal" else []
    elif ev.type == "transfer":
        fed = [ev.to_party] if ev.basis == "lookup" and reg.kind_of(ev.to_party) == "federal" else []
    else:
        fed = []
    return {"federal_parties": fed} if fed else None


def search_reason(rule: Any, ev: Search, ctx: Context) -> Evidence:
    purpose = classify_reason(ev.reason)
    return {"reason": ev.reason, "classified_as": purpose} if purpose == "unspecified" else None


def ccops_approval(rule: Any, ev: Any, ctx: Context) -> Evidence:
    if ev.type == "footage_request":
        user = ev.requester
    elif ev.type == "search":
        user = ev.searcher
    elif ev.type == "transfer":
        user = ev.to_party
    else:
        return None
    if user not in rule.covered:
        return None
    platform = event_platform(ev, ctx.state)
    if f"{user}|{platform}" in rule.approved:
        return None
    return {"agency": user, "platform": platform, "approved": False}


Check = Callable[[Any, Any, Context], Evidence]

#: check name -> (function, event types it looks at)
CHECKS: dict[str, tuple[Check, tuple[str, ...]]] = {
    "request_window": (request_window, ("footage_request",)),
    "request_radius": (request_radius, ("footage_request",)),
    "investigation_code": (investigation_code, ("footage_request",)),
    "eligible_requester": (eligible_requester, ("footage_request",)),
    "request_volume": (request_volume, ("footage_request",)),
    "request_purpose": (request_purpose, ("footage_request",)),
    "custody_continuity": (custody_continuity, ("transfer",)),
    "consent_scope": (consent_scope, ("transfer",)),
    "retention": (retention, ("transfer", "legal_process")),
    "emergency_disclosure": (emergency_disclosure, ("transfer",)),
    "destination_limit": (destination_limit, ("transfer", "access_grant", "search")),
    "forbidden_purpose": (forbidden_purpose, ("transfer", "access_grant", "search")),
    "federal_lookup": (federal_lookup, ("transfer", "access_grant", "search")),
    "search_reason": (search_reason, ("search",)),
    "ccops_approval": (ccops_approval, ("footage_request", "search", "transfer")),
}
