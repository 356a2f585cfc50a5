"""The checks on what flows downstream (hand-overs, access grants and searches between agencies): where
data from a state's agencies may go, for which purposes, to federal agencies, with which reasons, and
under which local ordinances. Each returns a :class:`~judge.comparison.Comparison`.

>>> from judge.comparison import Context
>>> from judge.state import CustodyState
>>> from schemas.parties import Party, PartyRegistry
>>> from judge.rulesets import load_rule_set
>>> from schemas.events import parse_event
>>> reg = PartyRegistry([Party(id="agency:s-pd", kind="local"), Party(id="agency:ice", kind="federal")])
>>> rule = load_rule_set("flock-2025").rules[0]
>>> s = parse_event('{"event_id":"s","type":"search","occurred_at":"2025-06-01T00:00:00Z",'
...   '"searcher":"agency:s-pd","on_behalf_of":"agency:ice","reason":"ICE","networks_searched":2}')
>>> c = federal_lookup(rule, s, Context(CustodyState(), reg))
>>> c.fired, c.facts["federal_parties"]
(True, ['agency:ice'])
"""

from __future__ import annotations

from typing import Any

from classify.purposes import classify_reason, search_purpose
from classify.reason_tiers import search_reading
from judge.comparison import Comparison, Context, a, breach, days, event_platform, outside, passes
from judge.kinds import check_kind
from judge.lookback import DIGITS, lookback_days
from judge.rulesets import (
    CcopsApproval,
    DestinationLimit,
    FederalLookup,
    ForbiddenPurpose,
    SearchLookback,
    SearchReason,
)
from schemas.events import Search
from schemas.parties import PartyRegistry

__all__ = ["destination_limit", "forbidden_purpose", "federal_lookup", "search_reason", "search_lookback",
           "ccops_approval"]


def _note_inferred(ev: Any, facts: dict[str, Any]) -> None:
    """Say so when a search's ``on_behalf_of`` was read from its text (``classify.assists``), and from which
    words."""
    words = getattr(ev, "on_behalf_of_inferred", None)
    if words:
        facts["on_behalf_of_inferred"] = list(words)


def _destination_class(origin_state: str, recipient: str, registry: PartyRegistry) -> str | None:
    party = registry.get(recipient)
    if party.kind == "federal":
        return "federal"
    if party.state and party.state != origin_state and party.kind not in ("resident", "public", "platform"):
        return "out_of_state"
    return None


def _state_words(state: str | None) -> str:
    return f"state {state}" if state else "no state known"


@check_kind(DestinationLimit, ("transfer", "access_grant", "search"))
def destination_limit(rule: DestinationLimit, ev: Any, ctx: Context) -> Comparison:
    """Data from an agency in ``origin_states`` (through ``systems``): the recipient's class (federal,
    out of state, or neither) against ``forbidden_destinations``, unless it signed a declaration."""
    origin, recipient = ev.ends()
    if not origin or not recipient:
        return outside(lambda: "no recipient named")
    reg = ctx.registry
    origin_state = ctx.state_of(origin)  # an agency of unknown state is noted
    if origin_state not in rule.origin_states:
        return outside(lambda: f"{origin} is not an agency of {', '.join(rule.origin_states)} "
                               f"({_state_words(origin_state)})",
                       {"origin": origin, "origin_state": origin_state, "origin_states": rule.origin_states})
    system = event_platform(ev, ctx.state)
    if rule.systems and system not in rule.systems:
        return outside(lambda: f"not through a covered system ({system or 'none'} is not one of "
                               f"{', '.join(rule.systems)})",
                       {"system": system, "systems": rule.systems})
    ctx.note_state_unknown(recipient)
    dest = _destination_class(origin_state or "", recipient, reg)
    facts: dict[str, Any] = {
        "origin": origin, "origin_state": origin_state, "recipient": recipient, "recipient_class": dest,
        "recipient_state": reg.state_of(recipient), "recipient_kind": reg.kind_of(recipient),
        "forbidden_destinations": rule.forbidden_destinations, "recipient_declared": recipient in rule.declared,
    }
    _note_inferred(ev, facts)
    def said() -> str:
        return (f"{origin} ({origin_state}) to {recipient} ({facts['recipient_kind']}, "
                f"state {facts['recipient_state'] or 'none'}): {(dest or 'in state').replace('_', ' ')}")

    if dest in rule.forbidden_destinations and recipient not in rule.declared:
        return breach(facts, lambda: f"{said()}, a forbidden destination")
    if dest in rule.forbidden_destinations:
        return passes(facts, lambda: f"{said()}, forbidden unless declared, and {recipient} signed a declaration")
    return passes(facts, lambda: f"{said()}, not one of the forbidden destinations "
                                 f"({', '.join(rule.forbidden_destinations)})")


def _purpose_text(ev: Any) -> str:
    if ev.type == "search":
        return ev.purpose or ev.reason
    return getattr(ev, "purpose", None) or getattr(ev, "scope", "") or ""


@check_kind(ForbiddenPurpose, ("transfer", "access_grant", "search"))
def forbidden_purpose(rule: ForbiddenPurpose, ev: Any, ctx: Context) -> Comparison:
    """Sharing or searching by an agency in ``states``: the purpose, classified, against ``purposes``, and
    the recipient against the ``recipients`` that enforce immigration law."""
    origin, recipient = ev.ends()
    origin_state = ctx.state_of(origin) if origin else None  # an agency of unknown state is noted
    if not origin or origin_state not in rule.states:
        return outside(lambda: f"{origin or 'no origin'} is not an agency of {', '.join(rule.states)} "
                       f"({_state_words(origin_state)})", {"origin": origin, "origin_state": origin_state,
                                                    "states": rule.states})
    text = _purpose_text(ev)
    purpose = classify_reason(text)
    facts: dict[str, Any] = {"origin": origin, "origin_state": origin_state, "purpose": text,
                             "classified_as": purpose, "purposes": rule.purposes, "recipient": recipient}
    _note_inferred(ev, facts)
    def said() -> str:
        return f"the purpose {text!r} reads as {purpose}"

    if purpose in rule.purposes:
        return breach(facts, lambda: f"{said()}, a forbidden purpose for {origin_state} agencies")
    if recipient and any(recipient == p or recipient.startswith(p + "-") for p in rule.recipients):
        facts["why"] = "recipient enforces immigration law"
        return breach(facts, lambda: f"{said()}, but the recipient {recipient} enforces immigration law")
    return passes(facts, lambda: f"{said()}, not a forbidden purpose ({', '.join(rule.purposes)})"
                                 + (f"; the recipient {recipient} is not an immigration enforcer" if recipient else ""))


@check_kind(FederalLookup, ("transfer", "access_grant", "search"))
def federal_lookup(rule: FederalLookup, ev: Any, ctx: Context) -> Comparison:
    """A search, grant or lookup hand-over: the kinds of the parties it serves, looking for a federal one."""
    reg = ctx.registry
    if ev.type == "search":
        looked = [p for p in (ev.searcher, ev.on_behalf_of) if p]
    elif ev.type == "access_grant":
        looked = [ev.grantee]
    elif ev.type == "transfer" and ev.basis == "lookup":
        looked = [ev.to_party]
    else:
        return outside(lambda: f"{a(ev.basis)} hand-over, not a lookup")
    kinds = {p: reg.kind_of(p) for p in looked}
    fed = [p for p, k in kinds.items() if k == "federal"]
    facts: dict[str, Any] = {"party_kinds": kinds, "federal_parties": fed}
    _note_inferred(ev, facts)
    def said() -> str:
        words = facts.get("on_behalf_of_inferred")
        read = f" (read from the text: {', '.join(words)})" if words else ""
        return ", ".join(f"{p} is {k}" + (read if p == getattr(ev, "on_behalf_of", None) else "")
                         for p, k in kinds.items())

    if fed:
        return breach(facts, lambda: f"{said()}: run by or for a federal agency")
    return passes(facts, lambda: f"{said()}: no federal agency")


@check_kind(SearchReason, ("search",))
def search_reason(rule: SearchReason, ev: Search, ctx: Context) -> Comparison:
    """A search's reason, read into its tier (``classify.reason_tiers``): only a *missing* reason (blank or a
    placeholder) is a finding; a reason the source does not publish is unknown, a code or case number alone
    and words of no known purpose are stated."""
    reading = search_reading(ev)
    facts = {"reason": ev.reason, "offense_type": ev.offense_type, "reason_tier": reading.tier,
             "reason_words": list(reading.words),
             "classified_as": search_purpose(ev.reason, ev.offense_type)}
    said = {
        "missing": "states no reason (blank or a placeholder)",
        "not_published": "is not published by the source (unknown, not missing)",
        "code_only": f"gives only a code or case number ({', '.join(reading.words)})",
        "unrecognised": "states a reason of no purpose custodiet recognises",
        "category": f"reads as {reading.category} ({', '.join(reading.words)})",
    }[reading.tier]
    if reading.tier == "missing":
        return breach(facts, lambda: f"the reason {ev.reason!r} {said}")
    if reading.tier == "not_published":
        return outside(lambda: f"the reason {said}", facts)
    return passes(facts, lambda: f"the reason {ev.reason!r} {said}")


@check_kind(SearchLookback, ("search",))
def search_lookback(rule: SearchLookback, ev: Search, ctx: Context) -> Comparison:
    """How far back a search's time frame reaches (``occurred_at`` minus ``time_frame_start``, in days)
    against ``retention_days``, how long the platform keeps what it would find; a search that gives no
    time frame start is not compared (its lookback is unknown)."""
    start = ev.time_frame_start
    if start is None:
        return outside(lambda: "the search gives no time frame start (time_frame_start): its lookback is unknown",
                       {"time_frame_start": None, "retention_days": rule.retention_days})
    back = round(lookback_days(ev.occurred_at, start) or 0.0, DIGITS)  # the one definition of a lookback
    facts = {"lookback_days": back, "retention_days": rule.retention_days, "time_frame_start": start}
    def said() -> str:
        return f"the time frame starts {days(back)} before the search"

    if back > rule.retention_days:
        return breach(facts, lambda: f"{said()}, longer than the retention of {days(rule.retention_days)}")
    return passes(facts, lambda: f"{said()}, within the retention of {days(rule.retention_days)}")


@check_kind(CcopsApproval, ("footage_request", "search", "transfer"))
def ccops_approval(rule: CcopsApproval, ev: Any, ctx: Context) -> Comparison:
    """An agency under an ordinance (``covered``) using a platform: the pair against ``approved``."""
    if ev.type == "footage_request":
        user = ev.requester
    elif ev.type == "search":
        user = ev.searcher
    elif ev.type == "transfer":
        user = ev.to_party
    else:
        return outside(lambda: f"{a(ev.type.replace('_', ' '))} is not a use of a platform")
    if user not in rule.covered:
        return outside(lambda: f"{user} is not under an ordinance in this rule set", {"agency": user, "covered": False})
    platform = event_platform(ev, ctx.state)
    approved = f"{user}|{platform}" in rule.approved
    facts = {"agency": user, "platform": platform, "approved": approved}
    use = platform or "this use"
    if approved:
        return passes(facts, lambda: f"{user} is under an ordinance and its council approved {use}")
    return breach(facts, lambda: f"{user} is under an ordinance and its council has not approved {use}")
