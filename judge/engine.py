"""The judge: applies the chosen rule sets to events in event-time order and says what happened.

A platform-mediated step that breaks a bound is gated (the platform blocks it: no custody edge); an
out-of-band step cannot be blocked, so it becomes a custody edge and is flagged. Emergency disclosures
are allowed but always flagged.

>>> from schemas.events import parse_event
>>> j = Judge(load_rule_sets(["core"]))
>>> v = j.judge(parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z",'
...   '"clip_id":"c","from_party":"agency:a-pd","to_party":"agency:ice-ero","basis":"agreement","purpose":"x"}'))
>>> v.outcome, v.violations[0].rule_id, v.edge is not None
('flagged', 'core.custody-continuity', True)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from judge.checks import CHECKS, Context, event_platform
from judge.rulesets import RuleSet, load_rule_sets
from judge.state import CustodyState
from judge.verdicts import CustodyEdge, Outcome, Verdict, Violation
from schemas.events import EVENT_TYPES, Event
from schemas.parties import PartyRegistry

__all__ = ["Judge", "event_order", "TYPE_RANK"]

#: At equal event times, what happens first (a clip exists before it is handed over, a request before
#: the answers to it, the answers before the deliveries).
TYPE_RANK = {name: i for i, name in enumerate(EVENT_TYPES)}


def event_order(ev: Event) -> tuple[datetime, int, str]:
    """Sort key that makes verdicts independent of arrival order.

    >>> from schemas.events import parse_event
    >>> event_order(parse_event('{"event_id":"z","type":"search","occurred_at":"2025-01-01T00:00:00Z",'
    ...   '"searcher":"agency:a","reason":"x","networks_searched":1}'))[1:]
    (5, 'z')
    """
    return (ev.occurred_at, TYPE_RANK[ev.type], ev.event_id)


def _resolver() -> Any:
    # Unlisted agency ids are classified from their slug ("agency:fbi" is federal, "agency:el-cajon-ca-pd"
    # is a California local police department).
    from schemas.agencies import resolve_party

    return resolve_party


def _parties(ev: Any) -> list[str]:
    names = ("requester", "on_behalf_of", "owner", "from_party", "to_party", "via", "searcher", "grantor", "grantee")
    return [p for p in (getattr(ev, n, None) for n in names) if p]


class Judge:
    """Stateful judge over one stream of de-duplicated events, fed in event-time order.

    ``era_bound``: apply each rule set only to events inside its era (the default when no rule set is
    named: the rules in force at the time). Explicitly chosen rule sets apply to every event (what-if).
    """

    def __init__(
        self,
        rule_sets: Iterable[RuleSet],
        registry: PartyRegistry | None = None,
        *,
        era_bound: bool = False,
    ) -> None:
        self.rule_sets = list(rule_sets)
        self.registry = registry if registry is not None else PartyRegistry(resolver=_resolver())
        self.era_bound = era_bound
        self.state = CustodyState()
        self.ctx = Context(self.state, self.registry)
        # event type -> [(rule set, rule, check function)], built once.
        self._by_type: dict[str, list[tuple[RuleSet, Any, Any]]] = {t: [] for t in EVENT_TYPES}
        for rs in self.rule_sets:
            for rule in rs.rules:
                fn, types = CHECKS[rule.check]
                for t in types:
                    self._by_type[t].append((rs, rule, fn))

    def _mediated(self, ev: Any) -> bool:
        if ev.type in ("footage_request", "legal_process"):
            return True
        if ev.type == "transfer":
            reg = self.registry
            return (
                ev.basis == "consent"
                or reg.kind_of(ev.from_party) == "platform"
                or (ev.via is not None and reg.kind_of(ev.via) == "platform")
            )
        return False

    def _violations(self, ev: Any) -> list[Violation]:
        found: list[Violation] = []
        checks = self._by_type[ev.type]
        if not checks:
            return found
        platform = event_platform(ev, self.state)
        mediated = self._mediated(ev)
        for rs, rule, fn in checks:
            if rs.platforms and platform not in rs.platforms:
                continue
            if self.era_bound and not rs.era.covers(ev.occurred_at):
                continue
            evidence = fn(rule, ev, self.ctx)
            if evidence is None:
                continue
            gated = mediated and rule.check != "emergency_disclosure"
            found.append(Violation(
                rule_id=rule.id, rule_set=rs.id, verdict="gated" if gated else "flagged", event_id=ev.event_id,
                event_type=ev.type, occurred_at=ev.occurred_at, source=rule.source, description=rule.description,
                parties=_parties(ev), evidence=evidence,
            ))
        return found

    def judge(self, event: Event) -> Verdict:
        """Judge one event against the state so far, then apply it to the state."""
        ev: Any = event  # one of the event models; dispatch is on ev.type
        violations = self._violations(ev)
        gated = any(v.verdict == "gated" for v in violations)
        outcome: Outcome = "gated" if gated else ("flagged" if violations else "ok")
        edge = None
        st = self.state
        kind = ev.type
        if kind == "clip_recorded":
            st.record_clip(ev)
            edge = CustodyEdge(event_id=ev.event_id, kind="origin", clip_id=ev.clip_id, from_party=ev.owner,
                               to_party=ev.owner, occurred_at=ev.occurred_at, basis="internal", hop=0,
                               purpose=ev.platform)
        elif kind == "footage_request":
            st.add_request(ev, blocked=gated)
        elif kind == "consent_decision":
            st.add_consent(ev)
        elif kind == "legal_process":
            st.add_legal(ev)
        elif kind == "transfer" and not gated:
            parent, hop = st.parent_of(ev.clip_id, ev.from_party)
            st.hand_over(ev.clip_id, ev.from_party, ev.to_party, ev.occurred_at, ev.event_id)
            edge = CustodyEdge(
                parent_event=parent, hop=hop + 1,
                event_id=ev.event_id, kind="transfer", clip_id=ev.clip_id, from_party=ev.from_party,
                to_party=ev.to_party, occurred_at=ev.occurred_at, basis=ev.basis, purpose=ev.purpose,
                verdict="flagged" if violations else "ok", request_id=ev.request_id, via=ev.via,
                rules=[v.rule_id for v in violations],
            )
        elif kind == "access_grant" and not gated:
            edge = CustodyEdge(
                event_id=ev.event_id, kind="grant", from_party=ev.grantor, to_party=ev.grantee,
                occurred_at=ev.occurred_at, basis="agreement", purpose=ev.scope,
                verdict="flagged" if violations else "ok", rules=[v.rule_id for v in violations],
            )
        return Verdict(event_id=ev.event_id, event_type=kind, occurred_at=ev.occurred_at, outcome=outcome,
                       violations=violations, edge=edge)

    def judge_all(self, events: Iterable[Event]) -> list[Verdict]:
        """Judge events in event-time order (whatever order they came in)."""
        return [self.judge(ev) for ev in sorted(events, key=event_order)]


def default_judge(rule_set_names: list[str] | None, registry: PartyRegistry | None = None) -> Judge:
    """A judge for the named rule sets; none named means every set, each within its era.

    >>> default_judge(None).era_bound, default_judge(["ca-sb34"]).era_bound
    (True, False)
    """
    explicit = bool(rule_set_names) and rule_set_names != ["all"]
    return Judge(load_rule_sets(rule_set_names), registry, era_bound=not explicit)
