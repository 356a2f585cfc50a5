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

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from classify.assists import with_inferred_assist
from classify.registry import default_registry
from judge.checks import COMPARES, KINDS, Context, event_platform
from judge.rulesets import RuleSet, load_rule_sets
from judge.state import CustodyState
from judge.where import check_for
from schemas.events import EVENT_TYPES, Event
from schemas.flow import edge_values, search_links
from schemas.parties import PartyRegistry
from schemas.records import CustodyEdge, Outcome, Verdict, Violation

__all__ = ["Judge", "event_order", "TYPE_RANK"]

_M = TypeVar("_M", bound=BaseModel)

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


_Planned = tuple[RuleSet, Any, Any, bool]  # (rule set, rule, check function, may gate)


def _new(cls: type[_M], values: dict[str, Any]) -> _M:
    """Build a verdict record from values the judge made itself.

    Validating keyword arguments in pydantic's core is about twice as fast as ``model_construct`` (a Python
    loop over the fields) for these small records, and nested records already built pass through as they
    are; so the judge validates rather than constructs.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2024, 1, 1, tzinfo=UTC)
    >>> v = _new(Verdict, {"event_id": "e", "event_type": "search", "occurred_at": at, "outcome": "ok",
    ...                    "violations": [], "edge": None})
    >>> v == Verdict(event_id="e", event_type="search", occurred_at=at, outcome="ok")
    True
    """
    return cls(**values)


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
        self.registry = registry if registry is not None else default_registry()
        self.era_bound = era_bound
        self.state = CustodyState()
        self.ctx = Context(self.state, self.registry)
        # event type -> [(rule set, rule, check function)], built once.
        self._by_type: dict[str, list[tuple[RuleSet, Any, Any]]] = {t: [] for t in EVENT_TYPES}
        for rs in self.rule_sets:
            for rule in rs.rules:
                fn, types = check_for(rule), COMPARES[rule.check][1]  # limited to where the rule applies
                for t in types:
                    self._by_type[t].append((rs, rule, fn))
        # (event type, platform, era segment) -> the checks that apply, worked out once per key: which rule
        # sets cover an event time only changes at the era boundaries, so the boundaries cut time into
        # segments and bisect finds an event's segment.
        self._plans: dict[tuple[str, str, int], tuple[_Planned, ...]] = {}
        self._bounds: list[datetime] | None = []
        if era_bound:
            edges = {d for rs in self.rule_sets for d in (rs.era.start, rs.era.end) if d is not None}
            try:
                self._bounds = sorted(edges)
            except TypeError:  # naive and aware era ends mixed: no segments, decide per event as before
                self._bounds = None

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

    def _plan(self, kind: str, platform: str, at: datetime) -> tuple[_Planned, ...]:
        """The checks that apply to an event of this type, platform and time (cached per era segment)."""
        bounds = self._bounds
        if bounds is None:
            return self._make_plan(kind, platform, at)
        key = (kind, platform, bisect_right(bounds, at) if bounds else 0)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._make_plan(kind, platform, at)
        return plan

    def _make_plan(self, kind: str, platform: str, at: datetime) -> tuple[_Planned, ...]:
        return tuple(
            (rs, rule, fn, KINDS[rule.check].may_gate)
            for rs, rule, fn in self._by_type[kind]
            if not (rs.platforms and platform not in rs.platforms)
            and not (self.era_bound and not rs.era.covers(at))
        )

    def rules_for(self, event: Event) -> list[tuple[RuleSet, Any]]:
        """The rules that look at ``event`` when it is judged next (by type, platform and era), in order.

        >>> from schemas.events import parse_event
        >>> j = default_judge(["core", "ca-sb34"])
        >>> [rule.id for _, rule in j.rules_for(parse_event('{"event_id":"t","type":"transfer",'
        ...   '"occurred_at":"2024-01-01T00:00:00Z","clip_id":"c","from_party":"agency:a","to_party":"agency:b",'
        ...   '"basis":"lookup","purpose":"x"}'))]
        ['core.custody-continuity', 'ca-sb34.public-agencies-only']
        """
        ev: Any = event
        return [(rs, rule) for rs, rule, _, _ in self._plan(ev.type, event_platform(ev, self.state), ev.occurred_at)]

    def _violations(self, ev: Any) -> list[Violation]:
        found: list[Violation] = []
        if not self._by_type[ev.type]:
            return found
        at = ev.occurred_at
        plan = self._plan(ev.type, event_platform(ev, self.state), at)
        mediated: bool | None = None
        parties: list[str] = []
        ctx = self.ctx
        for rs, rule, fn, gateable in plan:
            compared = fn(rule, ev, ctx)  # the comparison explain prints; a breach's facts are its evidence
            if not compared.fired:
                continue
            if mediated is None:  # worked out once per event, when a first rule fires
                mediated = self._mediated(ev)
                parties = ev.parties()  # each violation validates its own copy
            values = {
                "rule_id": rule.id, "rule_set": rs.id, "verdict": "gated" if mediated and gateable else "flagged",
                "event_id": ev.event_id, "event_type": ev.type, "occurred_at": at, "source": rule.source,
                "description": rule.description, "parties": parties, "evidence": compared.facts,
            }
            found.append(_new(Violation, values))
        return found

    def fresh(self) -> Judge:
        """A judge with the same rule sets, registry and era handling, and empty state (for re-judging).

        >>> j = default_judge(["core"]); j.fresh().rule_sets == j.rule_sets
        True
        """
        return Judge(self.rule_sets, self.registry, era_bound=self.era_bound)

    def judge(self, event: Event, *, late: bool = False) -> Verdict:
        """Judge one event against the state so far, then apply it to the state (``late``: mark it so)."""
        ev: Any = with_inferred_assist(event)  # one of the event models; a search's federal party from its text
        self.registry.learn(ev)  # names and states the import read, for parties the registry does not list
        violations = self._violations(ev)
        gated = False
        for v in violations:
            if v.verdict == "gated":
                gated = True
                break
        outcome: Outcome = "gated" if gated else ("flagged" if violations else "ok")
        edge = None
        st = self.state
        kind = ev.type
        if kind == "clip_recorded":
            edge = _new(CustodyEdge, edge_values(ev)[0])
        elif kind == "transfer":
            if not gated:
                parent, hop = st.parent_of(ev.clip_id, ev.from_party)
                values = edge_values(ev)[0]  # what flows: schemas.flow; the judge adds its verdict
                values.update(verdict="flagged" if violations else "ok", rules=[v.rule_id for v in violations],
                              parent_event=parent, hop=hop + 1)
                edge = _new(CustodyEdge, values)
        elif kind == "access_grant" and not gated:
            values = edge_values(ev)[0]
            values.update(verdict="flagged" if violations else "ok", rules=[v.rule_id for v in violations])
            edge = _new(CustodyEdge, values)
        st.apply(ev, gated)
        values = {"event_id": ev.event_id, "event_type": kind, "occurred_at": ev.occurred_at, "outcome": outcome,
                  "violations": violations, "edge": edge, "late": late}
        if kind == "search":  # what flows: schemas.flow; a gated search lets nothing through
            values["links"] = search_links(ev, outcome, [v.rule_id for v in violations])
        return _new(Verdict, values)

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
