"""``custodiet whatif``: the difference a rule set makes when it is switched on and enforced.

The same events are judged twice (:class:`judge.engine.Judge`, event-time order): under the base rule
sets (default ``core``) and under base + the added sets. Every grant, hand-over or other step that the
added sets flag or gate is *forbidden*; the what-if enforces them: the custody graph "after" is the one
the base lets through minus every forbidden link. Reported: the forbidden steps one by one, by origin
agency and by party link, and how federal reach changes: the parties whose data reaches a federal party by
the flow model (``schemas.flow``: a clip's time-respecting hand-over path, a direct grant or a search;
chains of grants carry nothing) and the clips that reached one by a time-respecting path, both counted on
custody as judged.

>>> from schemas.events import parse_event
>>> grant = ('{{"event_id":"{0}","type":"access_grant","occurred_at":"2024-04-26T00:00:00Z",'
...          '"grantor":"agency:{1}","grantee":"agency:{2}","system":"flock","scope":"alpr-search"}}')
>>> evs = [parse_event(grant.format(*t)) for t in [("g1", "el-cajon-ca-pd", "reno-nv-pd"),
...        ("g2", "el-cajon-ca-pd", "fbi"), ("g3", "el-cajon-ca-pd", "la-mesa-ca-pd"),
...        ("g4", "la-mesa-ca-pd", "reno-nv-pd"), ("g5", "reno-nv-pd", "fbi")]]
>>> doc = whatif(evs, ["ca-sb34"])
>>> [(f["from"], f["to"]) for f in doc["forbidden"]]
[('agency:el-cajon-ca-pd', 'agency:fbi'), ('agency:el-cajon-ca-pd', 'agency:reno-nv-pd'), \
('agency:la-mesa-ca-pd', 'agency:reno-nv-pd')]
>>> doc["federal_reach"]["before"]["parties"], doc["federal_reach"]["after"]["parties"]
(2, 1)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from graph.custody import CustodyGraph
from graph.cut import select_parties
from graph.reach import clips_reaching, reaching
from judge.engine import Judge, event_order
from judge.logread import DEFAULT_MAX_EVENT_BYTES
from judge.rulesets import load_rule_sets
from judge.runner import Judging, Runner, batches
from judge.tally import CheckTally
from judge.timeline import DEFAULT_LATE_AFTER
from schemas.events import Event
from schemas.flow import judged_edges
from schemas.parties import PartyRegistry
from schemas.records import Verdict

__all__ = ["whatif", "federal_reach", "DEFAULT_BASE", "WhatIfRunner"]

#: Base rule sets of a what-if when none are named: custody continuity only.
DEFAULT_BASE = ("core",)


def federal_reach(g: CustodyGraph, kind: str = "federal") -> dict[str, Any]:
    """Parties whose data reaches a party of ``kind`` by the flow model (``graph.reach.reaching``: a
    time-respecting hand-over path of a clip, a direct grant or a search link; chains of grants carry
    nothing), those linked directly, and the clips that reached one by a time-respecting path.

    >>> g = CustodyGraph(); g.add_grant("g", "agency:a-pd", "agency:b-pd", 0.0)
    >>> g.add_grant("h", "agency:b-pd", "agency:fbi", 0.0)
    >>> r = federal_reach(g); r["parties"], r["direct"], r["party_list"]
    (1, 1, ['agency:b-pd'])
    """
    targets = select_parties(g, kinds=[kind])
    upstream = set(reaching(g, targets))
    direct = {u for t in targets for u in g.graph.predecessors(t)} - targets
    clips = sorted({c["clip"] for t in sorted(targets) for c in clips_reaching(g, t)})
    return {
        "basis": g.basis,
        "targets": sorted(targets),
        "parties": len(upstream),
        "direct": len(direct),
        "clips": len(clips),
        "party_list": sorted(upstream),
        "direct_list": sorted(direct),
        "clip_list": clips,
    }


def _step(v: Verdict, ev: Any, rules: list[str], why: str) -> dict[str, Any]:
    origin, recipient = ev.ends()  # the event model's ENDS
    return {
        "event_id": ev.event_id,
        "type": ev.type,
        "from": origin,
        "to": recipient,
        "clip": getattr(ev, "clip_id", None),
        "verdict": v.outcome,
        "rules": rules,
        "why": why,
    }


def _by_agency(forbidden: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for f in forbidden:
        origin = f["from"] or "(none)"
        r = rows.setdefault(
            origin,
            {
                "agency": origin,
                "grants": 0,
                "hand_overs": 0,
                "other": 0,
                "recipients": set(),
                "rules": Counter(),
            },
        )
        key = {"access_grant": "grants", "transfer": "hand_overs"}.get(f["type"], "other")
        r[key] += 1
        if f["to"]:
            r["recipients"].add(f["to"])
        r["rules"].update(f["rules"])
    out = [
        dict(r, recipients=sorted(r["recipients"]), rules=dict(sorted(r["rules"].items())))
        for r in rows.values()
    ]
    out.sort(key=lambda r: (-(r["grants"] + r["hand_overs"] + r["other"]), r["agency"]))
    return out


def _links(forbidden: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for f in forbidden:
        if f["from"] and f["to"] and f["type"] in ("access_grant", "transfer"):
            counts[(f["from"], f["to"])]["grants" if f["type"] == "access_grant" else "hand_overs"] += 1
    return [
        {"from": u, "to": v, "grants": c["grants"], "hand_overs": c["hand_overs"]}
        for (u, v), c in sorted(counts.items())
    ]


class WhatIfRunner(Runner):
    """The what-if as a :class:`judge.runner.Runner`: what is fed is judged twice, as ``check`` judges it
    (``judge.runner.Judging``: the same de-duplication, lateness and counts), under ``base`` and under
    ``rule_sets`` (base + the added sets; ``None``: every set). Its tally is that of the second judgement (the
    rules enforced); :meth:`result` is the what-if document.

    >>> run = WhatIfRunner(["ca-sb34"]); run.added
    ['ca-sb34']
    """

    name = "what-if"

    def __init__(self, rule_sets: list[str] | None = None, registry: PartyRegistry | None = None, *,
                 base: Sequence[str] | None = None, late_after: timedelta | None = DEFAULT_LATE_AFTER,
                 max_bytes: int = DEFAULT_MAX_EVENT_BYTES, source: str = "-") -> None:
        super().__init__(rule_sets, registry, late_after=late_after, max_bytes=max_bytes, source=source)
        self.base = list(DEFAULT_BASE if base is None else base)
        self.added = [rs.id for rs in load_rule_sets(rule_sets) if rs.id not in self.base]
        kw: dict[str, Any] = {"late_after": late_after, "max_bytes": max_bytes, "source": source}
        self.judged_base = (Judging(self.base, registry, **kw) if self.base
                            else Judging(judge=Judge([], registry), **kw))
        enforced = None if rule_sets is None else [*self.base, *self.added]  # None: every set within its era
        self.judged_with = Judging(enforced, self.judged_base.judge.judge.registry, **kw)
        self.events: dict[str, Event] = {}  # the first delivery of each event id
        self.before: dict[str, Verdict] = {}
        self.after: dict[str, Verdict] = {}

    @property
    def rule_sets(self) -> list[str]:  # noqa: D102 - Runner's
        return self.judged_with.rule_sets

    def feed(self, lines: Iterable[tuple[int, bytes]]) -> None:  # noqa: D102 - Runner's
        for batch in batches(lines):  # cut as check cuts a log
            self._judge(self.judged_with.decode(batch))

    def feed_events(self, events: Iterable[Event]) -> None:
        """Take decoded events (each counted in)."""
        evs = list(events)
        self.judged_with.tally.events_in += len(evs)
        self._judge(evs)

    def _judge(self, evs: list[Event]) -> None:
        for ev in evs:
            self.events.setdefault(ev.event_id, ev)
        self.before.update((v.event_id, v) for v, _ in self.judged_base.events(evs))
        self.after.update((v.event_id, v) for v, _ in self.judged_with.events(evs))

    def settle(self, timeout: float = 300.0) -> CheckTally:  # noqa: D102 - Runner's
        self.before.update((v.event_id, v) for v, _ in self.judged_base.flush())
        self.after.update((v.event_id, v) for v, _ in self.judged_with.flush())
        return self.judged_with.tally

    def result(self, kind: str = "federal") -> dict[str, Any]:
        """The what-if document of everything fed (see :func:`whatif`)."""
        if not self.added:
            raise ValueError("the what-if adds no rule set beyond the base")
        self.settle()
        base_ids, with_ids = self.judged_base.rule_sets, self.rule_sets
        extra_ids = set(with_ids) - set(base_ids)
        evs = sorted(self.events.values(), key=event_order)
        before_edges, after_edges, forbidden = [], [], []
        for ev in evs:
            vb, vw = self.before[ev.event_id], self.after[ev.event_id]
            rules = [x.rule_id for x in vw.violations if x.rule_set in extra_ids]
            carried_before, carried_after = judged_edges(ev, vb), judged_edges(ev, vw)  # hand-overs, grants, searches
            lost = bool(carried_before) and not carried_after
            before_edges += carried_before
            if rules or lost:
                forbidden.append(_step(vw, ev, rules, "gated by the added rules" if lost else "flagged"))
            else:
                after_edges += carried_after
        recordings = [ev for ev in evs if ev.type == "clip_recorded"]
        reg = self.judged_base.judge.judge.registry
        before = federal_reach(CustodyGraph.from_edges(recordings, before_edges, reg), kind)
        after = federal_reach(CustodyGraph.from_edges(recordings, after_edges, reg), kind)
        violations = Counter(r for f in forbidden for r in f["rules"])
        return {
            "basis": "judged",
            "base": base_ids,
            "added": sorted(extra_ids),
            "events": len(evs),
            "forbidden_count": len(forbidden),
            "violations": dict(sorted(violations.items())),
            "forbidden": sorted(forbidden, key=lambda f: (f["from"] or "", f["to"] or "", f["event_id"])),
            "by_agency": _by_agency(forbidden),
            "links": _links(forbidden),
            "federal_reach": {
                "kind": kind,
                "before": before,
                "after": after,
                "parties_losing_reach": sorted(set(before["party_list"]) - set(after["party_list"])),
                "clips_no_longer_reaching": sorted(set(before["clip_list"]) - set(after["clip_list"])),
            },
        }


def whatif(
    events: Iterable[Any],
    extra: Sequence[str],
    base: Sequence[str] | None = None,
    registry: PartyRegistry | None = None,
    *,
    kind: str = "federal",
) -> dict[str, Any]:
    """Judge ``events`` under ``base`` and under ``base + extra`` (:class:`WhatIfRunner`); return the forbidden
    steps and how reach into parties of ``kind`` (default federal) changes when they are enforced."""
    base = list(DEFAULT_BASE if base is None else base)
    added = [n for n in extra if n not in base]
    if not added:
        raise ValueError("the what-if adds no rule set beyond the base")
    run = WhatIfRunner([*base, *added], registry, base=base)
    run.feed_events(events)
    return run.result(kind)
