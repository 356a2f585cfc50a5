"""What a check compared on one event, and what it decided: the one record that both a violation's
evidence and an explanation of a passed rule are read from.

Every check is a function ``(rule, event, context) -> Comparison``. The judge keeps the facts of the
comparisons that fired (a violation's ``evidence``); ``custodiet explain`` prints every comparison, fired or
not. Facts use one naming scheme across checks: a limit carries the rule parameter's own name
(``max_window_hours``, ``retention_days``, ``eligible_kinds``, ``forbidden_destinations``, ...), and the
value compared with it says what it measures (``window_hours``, ``clip_age_days``, ``requester_kind``,
``recipient_class``, ...).

>>> c = breach({"window_hours": 24.0, "max_window_hours": 12.0}, lambda: "a 24 h window is longer than 12 h")
>>> c.fired, c.applies, c.facts["max_window_hours"], c.words
(True, True, 12.0, 'a 24 h window is longer than 12 h')
>>> outside(lambda: "not a consent delivery").applies
False
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from classify.agency_words import STATELESS_CATEGORIES
from judge.state import CustodyState, platform_slug
from schemas.parties import STATE_BOUND_KINDS, PartyRegistry

__all__ = ["Context", "Comparison", "event_platform", "breach", "passes", "outside", "json_ready", "a", "hours", "days"]


_STATEFUL_KINDS = STATE_BOUND_KINDS


@dataclass
class Context:
    """What a check may read: the custody state and the party registry."""

    state: CustodyState
    registry: PartyRegistry
    #: Agencies a rule that needs a state looked at without knowing their state (reported, never silent).
    state_unknown: set[str] = field(default_factory=set)

    def state_of(self, party_id: str) -> str | None:
        """The two-letter state of a party, if the registry knows it; an agency whose state it does not know
        is remembered (businesses, vendor test organisations and multistate centers have none to know).

        >>> ctx = Context(CustodyState(), PartyRegistry())
        >>> ctx.state_of("agency:x-pd"), ctx.state_of("resident:r"), sorted(ctx.state_unknown)
        (None, None, ['agency:x-pd'])
        """
        party = self.registry.get(party_id)
        state = party.state
        if (state is None and party_id not in self.state_unknown and party.kind in _STATEFUL_KINDS
                and party.subkind not in STATELESS_CATEGORIES):
            self.state_unknown.add(party_id)
        return state

    def note_state_unknown(self, *parties: str | None) -> None:
        """Remember the agencies among ``parties`` whose state the registry does not know (``state_of``)."""
        for p in parties:
            if p:
                self.state_of(p)


def event_platform(ev: Any, state: CustodyState) -> str:
    """The platform an event goes through (``ring``, ``flock``, ...), or ``''`` when none: the one its model
    names (``PLATFORM_FIELD``, ``PLATFORM``), for a hand-over its clip's.

    >>> from schemas.events import parse_event
    >>> event_platform(parse_event('{"event_id":"s","type":"search","occurred_at":"2024-01-01T00:00:00Z",'
    ...                            '"searcher":"agency:a","reason":"x","networks_searched":1}'), CustodyState())
    'flock'
    """
    field_name = ev.PLATFORM_FIELD
    if field_name is not None:
        return platform_slug(getattr(ev, field_name))
    if ev.type == "transfer":
        clip = state.clips.get(ev.clip_id)
        if clip is not None:
            return clip.platform
        for party in (ev.via, ev.from_party):
            if party and party.startswith("platform:"):
                return platform_slug(party)
    return str(ev.PLATFORM)


@dataclass(slots=True)
class Comparison:
    """One rule's look at one event.

    ``fired``: the event breaks the rule. ``applies``: the event is of the kind the rule governs (a rule that
    does not apply passes without comparing anything, e.g. consent scope on a warrant). ``facts``: what was
    compared (a violation's evidence). ``words``: the comparison and the decision in one sentence (put into
    words only when asked: the judge never needs them).
    """

    fired: bool
    say: Callable[[], str]
    facts: dict[str, Any]
    applies: bool = True

    @property
    def words(self) -> str:
        """The comparison and its decision in one sentence."""
        return self.say()


def json_ready(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as evidence: times as RFC 3339 text, the rest as it is.

    >>> from datetime import UTC, datetime
    >>> json_ready({"recorded_at": datetime(2024, 5, 1, tzinfo=UTC), "n": 1})
    {'recorded_at': '2024-05-01T00:00:00+00:00', 'n': 1}
    """
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in facts.items()}


def breach(facts: dict[str, Any], say: Callable[[], str]) -> Comparison:
    """The event breaks the rule: ``facts`` become the violation's evidence (times as RFC 3339 text).

    >>> from datetime import UTC, datetime
    >>> breach({"recorded_at": datetime(2024, 5, 1, tzinfo=UTC)}, lambda: "too early").facts
    {'recorded_at': '2024-05-01T00:00:00+00:00'}
    """
    return Comparison(True, say, json_ready(facts))


def passes(facts: dict[str, Any], say: Callable[[], str]) -> Comparison:
    """The rule compared and the event is within it.

    >>> passes({"radius_m": 300.0, "max_radius_m": 805.0}, lambda: "300 m is within 805 m").fired
    False
    """
    return Comparison(False, say, facts)


def outside(say: Callable[[], str], facts: dict[str, Any] | None = None) -> Comparison:
    """The rule does not govern this event (it passes without a comparison).

    >>> c = outside(lambda: "a warrant hand-over, not a delivery on consent")
    >>> c.fired, c.applies, c.facts
    (False, False, {})
    """
    return Comparison(False, say, facts or {}, applies=False)


def a(word: str) -> str:
    """The word with its indefinite article.

    >>> a("emergency"), a("warrant")
    ('an emergency', 'a warrant')
    """
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def hours(value: float) -> str:
    """A number of hours in words.

    >>> hours(12.0), hours(1.5)
    ('12 h', '1.5 h')
    """
    return f"{value:g} h"


def days(value: float) -> str:
    """A number of days in words.

    >>> days(60.0), days(730.25)
    ('60 days', '730.25 days')
    """
    return f"{value:g} days"
