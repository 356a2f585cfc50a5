"""Where a rule applies: a rule of a state's law (``applies_in``) looks only at events whose acting party is
an agency of that state. Against a party of another state it does not apply; a party whose state is not
known is noted as unknown (``Context.state_unknown``, reported by ``check``), never a violation.

The acting party is the one a finding would be against: the searcher, the requester, the party handing a
clip over, the grantor, the owner.

>>> from judge.comparison import Context
>>> from judge.state import CustodyState
>>> from judge.rulesets import load_rule_set
>>> from schemas.parties import Party, PartyRegistry
>>> from schemas.events import parse_event
>>> rule = load_rule_set("ca-sb54").rules[0]
>>> reg = PartyRegistry([Party(id="agency:eugene-or-pd", kind="local", state="OR")])
>>> s = parse_event('{"event_id":"s","type":"search","occurred_at":"2025-06-01T00:00:00Z",'
...   '"searcher":"agency:eugene-or-pd","reason":"ICE","networks_searched":2}')
>>> c = check_for(rule)(rule, s, Context(CustodyState(), reg))
>>> c.fired, c.applies, c.words
(False, False, 'agency:eugene-or-pd is an agency of OR: the law of CA does not apply to it')
"""

from __future__ import annotations

from typing import Any

from judge.checks import COMPARES, Compare
from judge.comparison import Comparison, Context, outside
from schemas.events import MODEL_OF

__all__ = ["check_for", "acting_party", "ACTING_FIELD"]

#: event type -> the field naming the party a finding on it is against (the event models' ``ACTOR``).
ACTING_FIELD: dict[str, str] = {t: m.ACTOR for t, m in MODEL_OF.items()}


def acting_party(ev: Any) -> str | None:
    """The party a finding on ``ev`` is against.

    >>> acting_party(type("E", (), {"type": "transfer", "from_party": "agency:a"})())
    'agency:a'
    """
    name = ACTING_FIELD.get(ev.type)
    return getattr(ev, name, None) if name else None


def check_for(rule: Any) -> Compare:
    """The comparison a rule makes (``COMPARES``), limited to the states it ``applies_in`` when it names any:
    the one function the judge and ``explain`` both call.

    >>> from judge.rulesets import load_rule_set
    >>> rule = load_rule_set("core").rules[0]
    >>> check_for(rule) is COMPARES[rule.check][0]
    True
    """
    compare = COMPARES[rule.check][0]
    where = list(rule.applies_in)
    if not where:
        return compare

    def in_states(rule: Any, ev: Any, ctx: Context) -> Comparison:
        party = acting_party(ev)
        state = ctx.state_of(party) if party else None  # an agency of unknown state is noted
        if state in where:
            return compare(rule, ev, ctx)
        law = ", ".join(where)
        facts = {"party": party, "party_state": state or "unknown", "applies_in": where}
        if state is None:
            return outside(lambda: f"the state of {party or 'the acting party'} is unknown: the law of {law} is "
                                   "not applied (unknown, not a violation)", facts)
        return outside(lambda: f"{party} is an agency of {state}: the law of {law} does not apply to it", facts)

    return in_states
