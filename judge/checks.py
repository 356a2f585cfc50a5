"""One function per bound (a rule's ``check``): each looks at one event and the state and returns a
:class:`~judge.comparison.Comparison` (what it compared, and whether the event breaks the rule).

The functions read state; they never change it. Each is registered once (``judge.kinds.check_kind``: its
parameters model, the event types it compares, whether it may gate); ``COMPARES`` is that registry as a table;
``CHECKS`` is the same table for the judge, giving the evidence of a breach (the comparison's facts) or
``None``: one comparison, read both when a rule fires and when it passes.

>>> from judge.rulesets import load_rule_set
>>> from judge.state import CustodyState
>>> from schemas.parties import PartyRegistry
>>> rule = next(r for r in load_rule_set("ring-2019-portal").rules if r.check == "request_window")
>>> from schemas.events import parse_event
>>> req = parse_event('{"event_id":"q","type":"footage_request","occurred_at":"2019-05-01T00:00:00Z",'
...   '"request_id":"q","requester":"agency:x-pd","platform":"ring","area":{"lat":0,"lon":0,"radius_m":100},'
...   '"window":{"start":"2019-04-30T00:00:00Z","end":"2019-05-01T00:00:00Z"},'
...   '"investigation_code":"C-1","purpose":"burglary"}')
>>> c = request_window(rule, req, Context(CustodyState(), PartyRegistry()))
>>> c.fired, c.facts, c.words
(True, {'window_hours': 24.0, 'max_window_hours': 12.0}, 'a window of 24 h is longer than the limit of 12 h')
>>> CHECKS["request_window"][0](rule, req, Context(CustodyState(), PartyRegistry()))
{'window_hours': 24.0, 'max_window_hours': 12.0}
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import judge.checks_downstream  # noqa: F401 - registers the checks on what happens downstream
from classify.purposes import classify_reason
from judge.comparison import Comparison, Context, a, breach, days, event_platform, hours, outside, passes
from judge.kinds import KINDS, Compare, check_kind, missing_kinds
from judge.rulesets import (
    ConsentScope,
    CustodyContinuity,
    EligibleRequester,
    EmergencyDisclosure,
    InvestigationCode,
    RequestPurpose,
    RequestRadius,
    RequestVolume,
    RequestWindow,
    Retention,
)
from schemas.events import FootageRequest, LegalProcess, Transfer
from schemas.geo import distance_m

__all__ = ["Context", "Comparison", "CHECKS", "COMPARES", "KINDS", "Compare", "event_platform"]

Evidence = dict[str, Any] | None


# --- requests -------------------------------------------------------------------------------------------

@check_kind(RequestWindow, ("footage_request",))
def request_window(rule: RequestWindow, ev: FootageRequest, ctx: Context) -> Comparison:
    """The request's time window against ``max_window_hours``."""
    asked = round(ev.window.hours, 3)
    limit = rule.max_window_hours
    facts = {"window_hours": asked, "max_window_hours": limit}
    if asked > limit:
        return breach(facts, lambda: f"a window of {hours(asked)} is longer than the limit of {hours(limit)}")
    return passes(facts, lambda: f"a window of {hours(asked)} is within the limit of {hours(limit)}")


@check_kind(RequestRadius, ("footage_request",))
def request_radius(rule: RequestRadius, ev: FootageRequest, ctx: Context) -> Comparison:
    """The request's radius against ``max_radius_m``."""
    r = ev.area.radius_m
    facts = {"radius_m": r, "max_radius_m": rule.max_radius_m}
    if r > rule.max_radius_m:
        return breach(facts, lambda: f"a radius of {r:g} m is larger than the limit of {rule.max_radius_m:g} m")
    return passes(facts, lambda: f"a radius of {r:g} m is within the limit of {rule.max_radius_m:g} m")


@check_kind(InvestigationCode, ("footage_request",))
def investigation_code(rule: InvestigationCode, ev: FootageRequest, ctx: Context) -> Comparison:
    """The request names a case / investigation code (not blank)."""
    code = ev.investigation_code
    if code is None or not code.strip():
        return breach({"investigation_code": code}, lambda: "the request names no investigation code")
    return passes({"investigation_code": code}, lambda: f"the request names investigation code {code!r}")


@check_kind(EligibleRequester, ("footage_request",))
def eligible_requester(rule: EligibleRequester, ev: FootageRequest, ctx: Context) -> Comparison:
    """The kinds of the requester (and of whoever it asks on behalf of) against ``eligible_kinds``."""
    reg = ctx.registry
    facts: dict[str, Any] = {"requester": ev.requester, "requester_kind": reg.kind_of(ev.requester)}
    if ev.on_behalf_of:
        facts.update(on_behalf_of=ev.on_behalf_of, on_behalf_of_kind=reg.kind_of(ev.on_behalf_of))
    kinds = {p: reg.kind_of(p) for p in (ev.requester, ev.on_behalf_of) if p}
    bad = {p: k for p, k in kinds.items() if k not in rule.eligible_kinds}
    facts.update(ineligible=bad, eligible_kinds=rule.eligible_kinds)
    def said() -> str:
        return ", ".join(f"{p} is {k}" for p, k in kinds.items())

    if bad:
        return breach(facts, lambda: f"{said()}; only {', '.join(rule.eligible_kinds)} agencies may request")
    return passes(facts, lambda: f"{said()}, one of the eligible kinds ({', '.join(rule.eligible_kinds)})")


@check_kind(RequestVolume, ("footage_request",))
def request_volume(rule: RequestVolume, ev: FootageRequest, ctx: Context) -> Comparison:
    """This request plus the requester's accepted requests in the last ``per_days`` against ``max_requests``."""
    since = ev.occurred_at - timedelta(days=rule.per_days)
    n = ctx.state.requests_since(ev.requester, since) + 1
    facts = {"requests_in_period": n, "max_requests": rule.max_requests, "per_days": rule.per_days}
    def said() -> str:
        return f"this is request {n} by {ev.requester} in {days(rule.per_days)}"

    if n > rule.max_requests:
        return breach(facts, lambda: f"{said()}, over the limit of {rule.max_requests}")
    return passes(facts, lambda: f"{said()}, within the limit of {rule.max_requests}")


@check_kind(RequestPurpose, ("footage_request",))
def request_purpose(rule: RequestPurpose, ev: FootageRequest, ctx: Context) -> Comparison:
    """The request's purpose, classified, against ``forbidden_purposes``."""
    purpose = classify_reason(ev.purpose)
    facts = {"purpose": ev.purpose, "classified_as": purpose, "forbidden_purposes": rule.forbidden_purposes}
    def said() -> str:
        return f"the purpose {ev.purpose!r} reads as {purpose}"

    if purpose in rule.forbidden_purposes:
        return breach(facts, lambda: f"{said()}, a forbidden purpose")
    return passes(facts, lambda: f"{said()}, not a forbidden purpose ({', '.join(rule.forbidden_purposes)})")


# --- hand-overs -----------------------------------------------------------------------------------------

@check_kind(CustodyContinuity, ("transfer",))
def custody_continuity(rule: CustodyContinuity, ev: Transfer, ctx: Context) -> Comparison:
    """Whether ``from_party`` held the clip when it handed it over."""
    st = ctx.state
    clip = st.clips.get(ev.clip_id)
    facts: dict[str, Any] = {"clip_id": ev.clip_id, "from_party": ev.from_party}
    if st.holds(ev.clip_id, ev.from_party, ev.occurred_at):
        assert clip is not None  # holds() is true only of a recorded clip
        got = clip.since(ev.from_party)
        if got is None or got > ev.occurred_at:  # the platform's own cloud copy
            facts["held_since"] = clip.recorded_at
            return passes(facts, lambda: f"{ev.from_party} keeps clip {ev.clip_id} in its cloud from "
                                         f"{clip.recorded_at.isoformat()} (for how long, ask the retention rules)")
        facts["held_since"] = got
        return passes(facts, lambda: f"{ev.from_party} held clip {ev.clip_id} from {got.isoformat()}")
    if clip is None:
        problem = "clip not recorded at that time (none before this hand-over)"
        facts["problem"] = problem
        return breach(facts, lambda: f"clip {ev.clip_id} was not recorded before this hand-over")
    if ev.occurred_at < clip.recorded_at:
        facts.update(problem="hand-over before the clip was recorded", recorded_at=clip.recorded_at)
        return breach(facts, lambda: f"clip {ev.clip_id} was handed over before it was recorded "
                                     f"({clip.recorded_at.isoformat()})")
    facts["problem"] = "from_party did not hold the clip at that time"
    return breach(facts, lambda: f"{ev.from_party} did not hold clip {ev.clip_id} at that time")


@check_kind(ConsentScope, ("transfer",))
def consent_scope(rule: ConsentScope, ev: Transfer, ctx: Context) -> Comparison:
    """A delivery on consent: the request, the owner's answer, and the clip's time and place against the
    request's window and area."""
    if ev.basis != "consent":
        return outside(lambda: f"{a(ev.basis)} hand-over, not a delivery on consent")
    st = ctx.state
    facts: dict[str, Any] = {"request_id": ev.request_id}
    req = st.requests.get(ev.request_id or "")

    def no(problem: str, **more: Any) -> Comparison:
        facts.update(more, problem=problem)
        return breach(facts, lambda: problem)

    if req is None:
        return no("no request for this delivery")
    if req.request_id in st.blocked_requests:
        return no("the request was blocked")
    clip = st.clips.get(ev.clip_id)
    if clip is None:
        return no("clip never recorded in this log")
    facts["owner"] = clip.owner
    consent = st.consent(req.request_id, clip.owner)
    if consent is None:
        return no("the owner was never asked / never answered")
    facts["decision"] = consent.decision
    if consent.decision != "share" or ev.clip_id not in consent.clip_ids:
        return no("the owner did not share this clip")
    if consent.occurred_at > ev.occurred_at:
        return no("delivered before the owner agreed", agreed_at=consent.occurred_at)
    facts.update(recorded_at=clip.recorded_at, window_start=req.start, window_end=req.end)
    if not req.start <= clip.recorded_at <= req.end:
        return no("clip recorded outside the request's window")
    if clip.lat is not None and clip.lon is not None:
        d = distance_m(clip.lat, clip.lon, req.lat, req.lon)
        facts.update(distance_m=round(d), radius_m=req.radius_m)
        if d > req.radius_m:
            return no("clip recorded outside the request's area")
    facts.update(requester=req.requester, to_party=ev.to_party)
    if ev.to_party != req.requester:
        return no("delivered to someone other than the requester")
    where = f", {facts['distance_m']} m from the centre" if "distance_m" in facts else ""
    return passes(facts, lambda: f"{clip.owner} shared clip {ev.clip_id} on request {req.request_id}; recorded inside "
                         f"its window{where}; delivered to the requester {req.requester}")


@check_kind(Retention, ("transfer", "legal_process"))
def retention(rule: Retention, ev: Transfer | LegalProcess, ctx: Context) -> Comparison:
    """A platform's disclosure (any basis: warrant, subpoena, emergency, ...) or legal process: each clip's
    age against the retention (the clip's own, else ``retention_days``). The platform holds a clip only
    while it retains it, so what has expired cannot be disclosed, even when the log records its upload."""
    st = ctx.state
    if ev.type == "transfer":
        if not ev.from_party.startswith("platform:"):  # type: ignore[union-attr]
            return outside(lambda: f"a hand-over from {ev.from_party}, not from a platform's cloud")  # type: ignore[union-attr]
        clip_ids = [ev.clip_id]  # type: ignore[union-attr]
    else:
        clip_ids = list(ev.clip_ids)  # type: ignore[union-attr]
    ages: dict[str, float] = {}
    own: dict[str, float] = {}
    expired: list[str] = []
    unknown: list[str] = []
    for cid in clip_ids:
        clip = st.clips.get(cid)
        if clip is None:
            unknown.append(cid)
            continue
        ages[cid] = round((ev.occurred_at - clip.recorded_at).total_seconds() / 86400, 3)
        if clip.retention_days is not None:
            own[cid] = clip.retention_days
        # Age against retention, whether or not the log records the upload to the platform's cloud (a recorded
        # upload makes the platform a holder in custody terms, but its copy still expires).
        kept = clip.retention_days if clip.retention_days is not None else rule.retention_days
        if ev.occurred_at - clip.recorded_at > timedelta(days=kept):
            expired.append(cid)
    facts: dict[str, Any] = {"clip_age_days": ages, "retention_days": rule.retention_days}
    if own:
        facts["clip_retention_days"] = own
    if unknown:
        facts["unknown_clips"] = unknown
    facts["expired_clips"] = expired
    def said() -> str:
        return "; ".join(f"clip {c} is {days(a)} old against a retention of {days(own.get(c, rule.retention_days))}"
                         for c, a in ages.items()) or "no clip recorded in this log"

    if expired:
        return breach(facts, lambda: f"{said()}: expired ({', '.join(expired)})")
    return passes(facts, lambda: f"{said()}: still retained")


@check_kind(EmergencyDisclosure, ("transfer",), may_gate=False)
def emergency_disclosure(rule: EmergencyDisclosure, ev: Transfer, ctx: Context) -> Comparison:
    """A hand-over on an emergency basis (no consent, no warrant)."""
    if ev.basis == "emergency":
        return breach({"basis": "emergency", "without": "consent or warrant"},
                      lambda: "an emergency disclosure, made without consent or warrant")
    return passes({"basis": ev.basis}, lambda: f"the basis is {ev.basis}, not emergency")


Check = Callable[[Any, Any, Context], Evidence]

#: check name -> (comparison, event types it looks at), from the registry (``judge.kinds.KINDS``)
COMPARES: dict[str, tuple[Compare, tuple[str, ...]]] = {name: (k.compare, k.compares) for name, k in KINDS.items()}
_MISSING = missing_kinds()
if _MISSING:  # a rule-set model without a check, or a check without a model: the lists disagree
    raise ImportError("check kinds and rule-set models disagree: " + "; ".join(_MISSING))


def _evidence_of(compare: Compare) -> Check:
    def check(rule: Any, ev: Any, ctx: Context) -> Evidence:
        found = compare(rule, ev, ctx)
        return found.facts if found.fired else None

    check.__name__ = compare.__name__
    check.__doc__ = compare.__doc__
    return check


#: check name -> (evidence of a breach or None, event types it looks at): what the judge calls
CHECKS: dict[str, tuple[Check, tuple[str, ...]]] = {
    name: (_evidence_of(fn), types) for name, (fn, types) in COMPARES.items()
}
