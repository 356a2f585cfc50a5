"""The check document, accumulated as verdicts stream past: counts by rule, outcome and type, and the records.

A verdict that replaces an earlier one for the same event (a re-judgement) takes the earlier one's place:
``take(verdict, previous)``. The in-process runner and the collector of a streaming run both count here, so
the same verdicts give the same document. ``beyond_lateness`` counts the verdicts marked late (events that
came after the judge stopped waiting for them).

What is held: counts, and the violation and dead-letter records the document lists (a few per hundred
events in practice). A violation record is kept as compact JSON text without the rule's description and
source, which are kept once per rule and put back when the document is made; the lists are sorted then.
Verdicts themselves are not held.

>>> from datetime import datetime, UTC
>>> from schemas.records import Verdict
>>> t = CheckTally()
>>> v = Verdict(event_id="e", event_type="search", occurred_at=datetime(2024, 1, 1, tzinfo=UTC), outcome="ok")
>>> t.take(v); t.take(v.model_copy(update={"outcome": "flagged"}), v)
>>> d = t.document(["core"]); d["processed"], d["outcomes"]
(1, {'ok': 0, 'flagged': 1, 'gated': 0})
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from schemas.records import DeadLetter, Verdict, Violation

__all__ = ["CheckTally", "summarise"]

_PER_RULE_ORDER = ("rule_set", "source", "description")
_PER_RULE = frozenset(_PER_RULE_ORDER)
_FIELDS = tuple(Violation.model_fields)


class CheckTally:
    """Counts and records of a run, updated one verdict (or replacement) at a time."""

    def __init__(self) -> None:
        self.events_in = 0
        self.duplicates = 0
        self.processed = 0
        self.late = 0
        self.custody_edges = 0
        self.violations: Counter[str] = Counter()
        self.by_rule: Counter[tuple[str, str]] = Counter()  # (rule id, gated or flagged) -> count
        self.rule_about: dict[str, tuple[str, str, str]] = {}  # rule id -> (rule set, description, source)
        self.outcomes: Counter[str] = Counter()
        self.by_type: Counter[str] = Counter()
        self._records: dict[str, tuple[datetime, list[tuple[int, str]]]] = {}  # event id -> (time, [(rule, JSON)])
        self._rules: dict[tuple[str, str, str], int] = {}  # (rule set, source, description) -> index
        self._dead: list[tuple[int, str, str | None]] = []

    def dead(self, d: DeadLetter) -> None:
        """Count a dead letter (its line, reason and field are listed in the document)."""
        self._dead.append((d.line if d.line is not None else -1, d.reason, d.field))

    @property
    def dead_letters(self) -> int:
        """How many dead letters were counted."""
        return len(self._dead)

    def take(self, v: Verdict, previous: Verdict | None = None) -> None:
        """Count a verdict; with ``previous``, the verdict it replaces is taken out first."""
        if previous is not None:
            self._count(previous, -1)
        else:
            self.processed += 1
            self.by_type[v.event_type] += 1
        self._count(v, 1)

    def _count(self, v: Verdict, sign: int) -> None:
        self.outcomes[v.outcome] += sign
        self.late += sign * v.late
        if v.edge is not None and v.edge.kind != "origin":
            self.custody_edges += sign
        if not v.violations:
            return
        for vi in v.violations:
            self.violations[vi.rule_id] += sign
            self.by_rule[(vi.rule_id, vi.verdict)] += sign
            if sign > 0:
                self.rule_about.setdefault(vi.rule_id, (vi.rule_set, vi.description, vi.source))
        if sign > 0:
            rows = []
            for vi in v.violations:
                rule = self._rules.setdefault((vi.rule_set, vi.source, vi.description), len(self._rules))
                rows.append((rule, vi.model_dump_json(exclude=set(_PER_RULE))))
            self._records[v.event_id] = (v.occurred_at, rows)
        else:
            self._records.pop(v.event_id, None)

    def counts(self) -> dict[str, Any]:
        """The accounting, without the lists: inputs and their buckets (``events_in = processed + duplicates +
        dead_letters`` once every input is judged), verdicts beyond lateness, violations by rule, outcomes,
        custody edges and events by type.

        >>> CheckTally().counts()["outcomes"]
        {'ok': 0, 'flagged': 0, 'gated': 0}
        """
        return {
            "events_in": self.events_in,
            "processed": self.processed,
            "duplicates": self.duplicates,
            "dead_letters": len(self._dead),
            "beyond_lateness": self.late,
            "violations": {k: n for k, n in sorted(self.violations.items()) if n},
            "outcomes": {k: self.outcomes.get(k, 0) for k in ("ok", "flagged", "gated")},
            "custody_edges": self.custody_edges,
            "by_type": {k: n for k, n in sorted(self.by_type.items()) if n},
        }

    def dead_list(self) -> list[DeadLetter]:
        """The dead letters counted, in line order (where and why; their raw bytes are not kept).

        >>> t = CheckTally(); t.dead(DeadLetter(reason="not JSON", raw="{", line=3)); t.dead_list()[0].line
        3
        """
        return [DeadLetter(reason=reason, raw="", line=line if line >= 0 else None, field=field)
                for line, reason, field in sorted(self._dead, key=lambda d: (d[0], d[1]))]

    def rules(self) -> list[dict[str, Any]]:
        """Each rule broken: its set, description and source, and how many verdicts it gated and flagged;
        the most broken first.

        >>> from datetime import datetime, UTC
        >>> from schemas.records import Verdict, Violation
        >>> t = CheckTally(); at = datetime(2024, 1, 1, tzinfo=UTC)
        >>> vi = Violation(rule_id="r", rule_set="s", verdict="flagged", event_id="e", event_type="search",
        ...                occurred_at=at, source="src", description="d")
        >>> t.take(Verdict(event_id="e", event_type="search", occurred_at=at, outcome="flagged", violations=[vi]))
        >>> [(r["rule"], r["gated"], r["flagged"]) for r in t.rules()]
        [('r', 0, 1)]
        """
        rows: list[dict[str, Any]] = []
        for rule, n in self.violations.items():
            if n:
                rule_set, description, source = self.rule_about[rule]
                rows.append({"rule": rule, "rule_set": rule_set, "gated": self.by_rule[(rule, "gated")],
                             "flagged": self.by_rule[(rule, "flagged")], "description": description,
                             "source": source})
        rows.sort(key=lambda r: (-(r["gated"] + r["flagged"]), r["rule"]))
        return rows

    def document(self, rule_sets: list[str]) -> dict[str, Any]:
        """The ``custodiet check --json`` document (identical in-process and on Kafka); lists in canonical
        order."""
        per_rule = {i: dict(zip(_PER_RULE_ORDER, k, strict=True)) for k, i in self._rules.items()}
        records = [{name: (per_rule[rule] if name in _PER_RULE else d)[name] for name in _FIELDS}
                   for _, (_, rows) in sorted(self._records.items(), key=lambda kv: (kv[1][0], kv[0]))
                   for rule, text in rows for d in (json.loads(text),)]
        return {
            **self.counts(),
            "rule_sets": rule_sets,
            "dead_letter_list": [{"line": line if line >= 0 else None, "reason": reason, "field": field}
                                 for line, reason, field in sorted(self._dead, key=lambda d: (d[0], d[1]))],
            "violation_list": records,
        }


def summarise(
    events_in: int, duplicates: int, dead: Iterable[DeadLetter], verdicts: Iterable[Verdict], rule_sets: list[str]
) -> dict[str, Any]:
    """The check document from its parts (each verdict the final one for its event).

    >>> summarise(2, 1, [], [], ["core"])["events_in"]
    2
    """
    t = CheckTally()
    t.events_in, t.duplicates = events_in, duplicates
    for d in dead:
        t.dead(d)
    for v in verdicts:
        t.take(v)
    return t.document(rule_sets)
