"""Why an event got its verdict: every rule that looked at it, what the rule compared and what it decided,
the rules that passed it included.

The comparison shown is the very one the judge made (the check's :class:`~judge.comparison.Comparison`,
taken on the state just before the event is judged), and the decision is read from the verdict. A log is
read and judged exactly as ``custodiet check`` does (the same reader, batches, lateness and judge): a
:class:`LookingJudge` takes the rules' looks at the event asked for as it is judged.

>>> from judge.engine import default_judge
>>> lines = enumerate([b'{"event_id":"q","type":"footage_request","occurred_at":"2019-05-01T00:00:00Z",'
...   b'"request_id":"q","requester":"agency:oakland-ca-pd","platform":"ring","area":{"lat":0,"lon":0,'
...   b'"radius_m":2000},"window":{"start":"2019-04-30T20:00:00Z","end":"2019-05-01T00:00:00Z"},'
...   b'"investigation_code":"C-1","purpose":"burglary"}'], start=1)
>>> doc = explain(lines, "q", default_judge(["ring-2019-portal"]))
>>> doc["outcome"], [(r["rule_id"].split(".")[1], r["decision"]) for r in doc["rules"]][:2]
('gated', [('max-window', 'passed'), ('max-radius', 'gated')])
>>> doc["rules"][1]["compared"]
'a radius of 2000 m is larger than the limit of 805 m'
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from classify.assists import with_inferred_assist
from judge.comparison import Comparison, a, json_ready
from judge.engine import Judge, event_order
from judge.logread import DEFAULT_MAX_EVENT_BYTES
from judge.pipeline import run_check
from judge.timeline import DEFAULT_LATE_AFTER
from judge.where import check_for
from schemas.events import Event
from schemas.records import Verdict

__all__ = ["RuleLook", "LookingJudge", "judge_with_looks", "explain", "UnknownEvent", "render"]


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


class LookingJudge(Judge):
    """A fresh judge like ``base`` that, for each event ``want`` accepts, also keeps every rule's look at it
    (taken on the state the event is judged against): ``looks[event_id] = (event, verdict, looks)``.
    ``seen`` lists the ids of the events it judged.

    >>> from schemas.events import parse_event
    >>> from judge.engine import default_judge
    >>> j = LookingJudge(default_judge(["core"]))
    >>> v = j.judge(parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z",'
    ...   '"clip_id":"c","from_party":"agency:a","to_party":"agency:b","basis":"lookup","purpose":"x"}'))
    >>> [(lk.rule.id, lk.decision) for lk in j.looks["t"][2]]
    [('core.custody-continuity', 'flagged')]
    """

    def __init__(self, base: Judge, want: Callable[[Event], bool] | None = None) -> None:
        super().__init__(base.rule_sets, base.registry, era_bound=base.era_bound)
        self.want = want
        self.looks: dict[str, tuple[Event, Verdict, list[RuleLook]]] = {}
        self.seen: list[str] = []

    def judge(self, event: Event, *, late: bool = False) -> Verdict:
        """Judge ``event`` (see :meth:`Judge.judge`), keeping the rules' looks at it when wanted."""
        self.seen.append(event.event_id)
        if self.want is not None and not self.want(event):
            return super().judge(event, late=late)
        ctx = self.ctx
        event = with_inferred_assist(event)  # as the judge reads it
        comparisons = [(rs.id, rule, check_for(rule)(rule, event, ctx)) for rs, rule in self.rules_for(event)]
        verdict = super().judge(event, late=late)
        self.looks[event.event_id] = (event, verdict, _looks(event, verdict, comparisons))
        return verdict


def _looks(ev: Event, verdict: Verdict, comparisons: list[tuple[str, Any, Comparison]]) -> list[RuleLook]:
    found = {v.rule_id: v.verdict for v in verdict.violations}
    looks = []
    for rs_id, rule, c in comparisons:
        if c.fired != (rule.id in found):  # one comparison for both: a mismatch is a bug, not a verdict
            raise AssertionError(f"{rule.id} on {ev.event_id}: the comparison and the verdict disagree")
        decision = found[rule.id] if c.fired else ("passed" if c.applies else "not applicable")
        looks.append(RuleLook(rs_id, rule, c, decision))
    return looks


def judge_with_looks(judge: Judge, events: Iterable[Event]) -> Iterator[tuple[Event, Verdict, list[RuleLook]]]:
    """Judge ``events`` in event-time order with a judge like ``judge``; each with the rules' looks at it.

    >>> from schemas.events import parse_event
    >>> from judge.engine import default_judge
    >>> t = parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
    ...                 '"from_party":"agency:a","to_party":"agency:b","basis":"lookup","purpose":"x"}')
    >>> [(ev.event_id, v.outcome, len(looks)) for ev, v, looks in judge_with_looks(default_judge(["core"]), [t])]
    [('t', 'flagged', 1)]
    """
    looking = LookingJudge(judge)
    for ev in sorted(events, key=event_order):
        looking.judge(ev)
        yield looking.looks.pop(ev.event_id)


def explain(
    lines: Iterable[tuple[int, bytes]],
    event_id: str,
    judge: Judge,
    *,
    late_after: timedelta | None = DEFAULT_LATE_AFTER,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
) -> dict[str, Any]:
    """The explanation of one event of a log (``(line number, raw bytes)`` pairs) as a document
    (``custodiet explain --json``), judged as ``custodiet check`` judges the log.

    >>> explain([], "x", Judge([]))
    Traceback (most recent call last):
    ...
    judge.explain.UnknownEvent: no event 'x' in the log (it holds 0 events)
    """
    looking = LookingJudge(judge, lambda e: e.event_id == event_id)
    res = run_check(lines, source=source, max_bytes=max_bytes, late_after=late_after, judge_with=looking)
    if event_id not in looking.looks:
        ids = looking.seen
        close = difflib.get_close_matches(event_id, ids, n=3, cutoff=0.5)
        close += [i for i in ids if event_id.lower() in i.lower() and i not in close][:3 - len(close)]
        hint = f"; did you mean {', '.join(close)}?" if close else f" (it holds {len(ids)} events)"
        raise UnknownEvent(f"no event {event_id!r} in the log{hint}")
    ev, verdict, looks = looking.looks[event_id]
    edge = verdict.edge
    return {
        "event_id": ev.event_id, "event_type": ev.type, "occurred_at": ev.occurred_at.isoformat(),
        "parties": ev.parties(), "outcome": verdict.outcome, "late": verdict.late,
        "custody_edge": edge is not None and edge.kind != "origin",
        "rule_sets": [rs.id for rs in judge.rule_sets], "era_bound": judge.era_bound,
        "dead_letters": res.document()["dead_letters"],
        "rules": [look.document() for look in looks],
        "event": ev.model_dump(mode="json"),
    }


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
    if doc.get("late"):
        lines.append("late: it came after the run stopped waiting for events before it, and was judged against "
                     "the state as it then stood")
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
