"""Why an event got its verdict: every rule that looked at it, what the rule compared and what it decided,
the rules that passed it included.

The comparison shown is the very one the judge made (the check's :class:`~judge.comparison.Comparison`,
taken on the state just before the event was judged), and the decision is read from the verdict.

>>> from schemas.events import parse_event
>>> from judge.engine import default_judge
>>> evs = [parse_event('{"event_id":"q","type":"footage_request","occurred_at":"2019-05-01T00:00:00Z",'
...   '"request_id":"q","requester":"agency:oakland-ca-pd","platform":"ring","area":{"lat":0,"lon":0,'
...   '"radius_m":2000},"window":{"start":"2019-04-30T20:00:00Z","end":"2019-05-01T00:00:00Z"},'
...   '"investigation_code":"C-1","purpose":"burglary"}')]
>>> doc = explain(evs, "q", default_judge(["ring-2019-portal"]))
>>> doc["outcome"], [(r["rule_id"].split(".")[1], r["decision"]) for r in doc["rules"]][:2]
('gated', [('max-window', 'passed'), ('max-radius', 'gated')])
>>> doc["rules"][1]["compared"]
'a radius of 2000 m is larger than the limit of 805 m'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from judge.checks import COMPARES
from judge.comparison import Comparison, a, json_ready
from judge.engine import Judge, event_order
from schemas.events import Event
from schemas.records import Verdict

__all__ = ["RuleLook", "judge_with_looks", "explain", "UnknownEvent", "render"]


class UnknownEvent(LookupError):
    """No event with that id in the log (the message suggests close ids)."""


@dataclass
class RuleLook:
    """One rule's look at one event: the rule, its comparison, and the decision in the verdict."""

    rule_set: str
    rule: Any
    comparison: Comparison
    decision: str  # "gated", "flagged", "passed" or "not applicable"

    def document(self) -> dict[str, Any]:
        """This look as a JSON-ready dict."""
        r = self.rule
        return {"rule_id": r.id, "rule_set": self.rule_set, "check": r.check, "decision": self.decision,
                "compared": self.comparison.words, "facts": json_ready(self.comparison.facts),
                "description": r.description, "source": r.source}


def _looks(ev: Event, verdict: Verdict, comparisons: list[tuple[str, Any, Comparison]]) -> list[RuleLook]:
    found = {v.rule_id: v.verdict for v in verdict.violations}
    looks = []
    for rs_id, rule, c in comparisons:
        if c.fired != (rule.id in found):  # one comparison for both: a mismatch is a bug, not a verdict
            raise AssertionError(f"{rule.id} on {ev.event_id}: the comparison and the verdict disagree")
        decision = found[rule.id] if c.fired else ("passed" if c.applies else "not applicable")
        looks.append(RuleLook(rs_id, rule, c, decision))
    return looks


def judge_with_looks(judge: Judge, events: Iterable[Event], want: Any = None) -> Iterator[
        tuple[Event, Verdict, list[RuleLook] | None]]:
    """Judge ``events`` in event-time order; for each event ``want(event)`` accepts (every event when
    ``want`` is None), also the looks of the rules at it (else ``None``).

    >>> from schemas.events import parse_event
    >>> from judge.engine import default_judge
    >>> t = parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
    ...                 '"from_party":"agency:a","to_party":"agency:b","basis":"lookup","purpose":"x"}')
    >>> [(ev.event_id, v.outcome, [(lk.rule.id, lk.decision) for lk in looks])
    ...  for ev, v, looks in judge_with_looks(default_judge(["core"]), [t])]
    [('t', 'flagged', [('core.custody-continuity', 'flagged')])]
    """
    ctx = judge.ctx
    for ev in sorted(events, key=event_order):
        comparisons = None
        if want is None or want(ev):
            comparisons = [(rs.id, rule, COMPARES[rule.check][0](rule, ev, ctx)) for rs, rule in judge.rules_for(ev)]
        verdict = judge.judge(ev)
        yield ev, verdict, (None if comparisons is None else _looks(ev, verdict, comparisons))


def explain(events: list[Event], event_id: str, judge: Judge) -> dict[str, Any]:
    """The explanation of one event of a log as a document (``custodiet explain --json``).

    >>> explain([], "x", Judge([]))
    Traceback (most recent call last):
    ...
    judge.explain.UnknownEvent: no event 'x' in the log (it holds 0 events)
    """
    if not any(ev.event_id == event_id for ev in events):
        ids = [ev.event_id for ev in events]
        close = difflib.get_close_matches(event_id, ids, n=3, cutoff=0.5)
        close += [i for i in ids if event_id.lower() in i.lower() and i not in close][:3 - len(close)]
        hint = f"; did you mean {', '.join(close)}?" if close else f" (it holds {len(events)} events)"
        raise UnknownEvent(f"no event {event_id!r} in the log{hint}")
    for ev, verdict, looks in judge_with_looks(judge, events, lambda e: e.event_id == event_id):
        if looks is not None:
            edge = verdict.edge
            return {
                "event_id": ev.event_id, "event_type": ev.type, "occurred_at": ev.occurred_at.isoformat(),
                "parties": ev.parties(), "outcome": verdict.outcome,
                "custody_edge": edge is not None and edge.kind != "origin",
                "rule_sets": [rs.id for rs in judge.rule_sets], "era_bound": judge.era_bound,
                "rules": [look.document() for look in looks],
                "event": ev.model_dump(mode="json"),
            }
    raise AssertionError("unreachable: the event is in the log")


_OUTCOME_WORDS = {
    "ok": "ok: no rule fired",
    "flagged": "flagged: a rule fired, but nobody in the system could stop it",
    "gated": "gated: the platform blocks it",
}


def render(doc: dict[str, Any]) -> list[str]:
    """The explanation in words, one line per item.

    >>> render({"event_id": "t", "event_type": "search", "occurred_at": "2025-01-01T00:00:00+00:00",
    ...         "parties": ["agency:a"], "outcome": "ok", "custody_edge": False, "rule_sets": ["x"], "rules": []})
    ['search t at 2025-01-01T00:00:00+00:00 (agency:a)', 'outcome: ok: no rule fired', 'no rule of x looks at a search']
    """
    lines = [f"{doc['event_type']} {doc['event_id']} at {doc['occurred_at']} ({', '.join(doc['parties'])})"]
    edge = "" if doc["event_type"] not in ("transfer", "access_grant") else (
        "; custody edge made" if doc["custody_edge"] else "; no custody edge")
    lines.append(f"outcome: {_OUTCOME_WORDS[doc['outcome']]}{edge}")
    if not doc["rules"]:
        lines.append(f"no rule of {', '.join(doc['rule_sets'])} looks at {a(doc['event_type'].replace('_', ' '))}"
                     + (" at that time" if doc.get("era_bound") else ""))
        return lines
    n = len(doc["rules"])
    chosen = " (the rule sets in force at that time)" if doc.get("era_bound") else ""
    lines.append(f"{n} rule{'s' if n != 1 else ''} looked at it{chosen}:")
    for r in doc["rules"]:
        lines.append(f"  {r['decision'].upper():>14}  {r['rule_id']}: {r['compared']}")
        if r["decision"] in ("gated", "flagged"):
            lines.append(f"{'':>18}the rule: {r['description']} (source: {r['source']})")
    return lines
