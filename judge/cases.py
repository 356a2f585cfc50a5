"""Rule sets proven by cases: each rule set's cases are data beside it (``policies/cases/<set>.toml``),
events in and the expected verdicts out, run by ``custodiet rules test`` and by the test suite.

A case judges its events with its rule set alone, applied to every event whatever its era (as
``custodiet check --rules SET`` does). Each event named under ``expect`` must get that outcome and exactly
those violations (rule ids), and the evidence given must be in the violation's evidence; every other event
must be judged ok, with no violation. A rule is covered when a passing case makes it fire and a passing
case has it compare an event it governs without firing.

>>> report = run_cases(load_rule_set("core"))
>>> report.passed, [(r["rule_id"], r["covered"]) for r in report.coverage()]
(True, [('core.custody-continuity', True)])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from classify.registry import default_registry
from judge.engine import Judge
from judge.explain import judge_with_looks
from judge.rulesets import RuleSet, RuleSetError, field_problem, load_rule_set, read_toml
from policies import POLICY_DIR
from schemas.events import EVENT_ADAPTER, Event
from schemas.parties import Party, PartyRegistry

__all__ = ["CaseFile", "CaseResult", "SetReport", "cases_path", "load_cases", "run_cases"]


class Expect(BaseModel):
    """The verdict expected for one event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: Literal["ok", "flagged", "gated"]
    violations: list[str] = Field(default_factory=list, description="rule ids, in any order")
    evidence: dict[str, dict[str, Any]] = Field(default_factory=dict, description="rule id -> facts it must hold")


class Case(BaseModel):
    """One case: events in, expected verdicts out; ``params`` sets rule parameters for this case only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    events: list[dict[str, Any]] = Field(min_length=1)
    expect: dict[str, Expect] = Field(default_factory=dict)
    params: dict[str, dict[str, Any]] = Field(default_factory=dict, description="rule id -> parameter values")

    @model_validator(mode="after")
    def _known_events(self) -> Case:
        ids = [e.get("event_id") for e in self.events]
        dup = sorted({i for i in ids if ids.count(i) > 1 and i is not None})
        if dup:
            raise ValueError(f"two events with the id {dup[0]!r}")
        unknown = sorted(set(self.expect) - set(ids))
        if unknown:
            raise ValueError(f"expect names {unknown[0]!r}, which is not one of the case's events")
        return self


class CaseFile(BaseModel):
    """A rule set's cases, and the parties they name (others are classified from their ids)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_set: str | None = None
    parties: list[Party] = Field(default_factory=list)
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> CaseFile:
        names = [c.name for c in self.cases]
        dup = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if dup is not None:
            raise ValueError(f"two cases named {dup!r}")
        return self


def cases_path(rule_set: str | Path) -> Path:
    """Where a rule set's cases live: ``cases/<name>.toml`` in the rule set's folder, or beside the rule
    set as ``<name>.cases.toml`` when only that exists.

    >>> cases_path("ca-sb34").relative_to(POLICY_DIR).as_posix()
    'cases/ca-sb34.toml'
    >>> cases_path("mine/strict.toml").as_posix()
    'mine/cases/strict.toml'
    """
    p = Path(rule_set)
    folder, stem = (POLICY_DIR, str(rule_set)) if not p.suffix else (p.parent, p.stem)
    main, beside = folder / "cases" / f"{stem}.toml", folder / f"{stem}.cases.toml"
    return beside if beside.is_file() and not main.is_file() else main


def load_cases(path: Path, rule_set: RuleSet) -> tuple[CaseFile, list[list[Event]]]:
    """Read and check a cases file: its cases and each case's events (validated); one-line errors.

    >>> load_cases(Path("/nonexistent.toml"), load_rule_set("core"))
    Traceback (most recent call last):
    ...
    judge.rulesets.RuleSetError: /nonexistent.toml: no such file
    """
    data = read_toml(path, "cases file")
    try:
        cf = CaseFile.model_validate(data)
    except ValidationError as err:
        raise RuleSetError(f"{path}: {field_problem(err, data)}") from err
    if cf.rule_set is not None and cf.rule_set != rule_set.id:
        raise RuleSetError(f"{path}: holds cases of {cf.rule_set!r}, not of {rule_set.id!r}")
    ids = {r.id for r in rule_set.rules}
    events: list[list[Event]] = []
    for n, case in enumerate(cf.cases, 1):
        where = f"{path}: case {n} ({case.name})"
        named = [r for exp in case.expect.values() for r in (*exp.violations, *exp.evidence)] + list(case.params)
        unknown = [r for r in named if r not in ids]
        if unknown:
            raise RuleSetError(f"{where}: {unknown[0]!r} is not a rule of {rule_set.id}")
        parsed = []
        for i, raw in enumerate(case.events, 1):
            try:
                parsed.append(EVENT_ADAPTER.validate_python(raw))
            except ValidationError as err:
                first = err.errors()[0]
                loc = ".".join(str(p) for p in first["loc"][1:]) or "event"
                raise RuleSetError(f"{where}: event {i} ({raw.get('event_id')}): field '{loc}': "
                                   f"{first['msg']}") from err
        events.append(parsed)
        _with_params(rule_set, case, where)  # a bad parameter is an error of the file, not a failed case
    return cf, events


def _with_params(rule_set: RuleSet, case: Case, where: str) -> RuleSet:
    if not case.params:
        return rule_set
    data = rule_set.model_dump()
    for rule in data["rules"]:
        rule.update(case.params.get(rule["id"], {}))
    try:
        return RuleSet.model_validate(data)
    except ValidationError as err:
        raise RuleSetError(f"{where}: params: {field_problem(err, data)}") from err


@dataclass
class CaseResult:
    """One case run: whether it passed, what went wrong, and which rules fired and passed in it."""

    name: str
    problems: list[str] = field(default_factory=list)
    fired: set[str] = field(default_factory=set)
    passed_by: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        """No problem found."""
        return not self.problems


@dataclass
class SetReport:
    """A rule set's cases run: the results and the coverage of its rules."""

    rule_set: RuleSet
    cases_file: Path
    results: list[CaseResult] = field(default_factory=list)
    missing: bool = False  # no cases file at all

    @property
    def passed(self) -> bool:
        """Every case passed and every rule is covered."""
        return all(r.passed for r in self.results) and not self.uncovered()

    def coverage(self) -> list[dict[str, Any]]:
        """Per rule: the passing cases in which it fires, those in which it compares and passes, and the
        failing cases that touch it."""
        rows = []
        for rule in self.rule_set.rules:
            fires = [r.name for r in self.results if r.passed and rule.id in r.fired]
            passes = [r.name for r in self.results if r.passed and rule.id in r.passed_by]
            failing = [r.name for r in self.results if not r.passed and rule.id in r.fired | r.passed_by]
            rows.append({"rule_id": rule.id, "fires": fires, "passes": passes, "failing": failing,
                         "covered": bool(fires and passes)})
        return rows

    def uncovered(self) -> list[str]:
        """Rules without a passing case that makes them fire, or without one that they pass."""
        return [row["rule_id"] for row in self.coverage() if not row["covered"]]

    def document(self) -> dict[str, Any]:
        """This report as a JSON-ready dict."""
        return {
            "rule_set": self.rule_set.id, "cases_file": str(self.cases_file), "missing_cases_file": self.missing,
            "cases": [{"name": r.name, "passed": r.passed, "problems": r.problems, "fires": sorted(r.fired),
                       "passes": sorted(r.passed_by)} for r in self.results],
            "rules": self.coverage(), "uncovered": self.uncovered(), "passed": self.passed,
        }


def _run_case(rule_set: RuleSet, case: Case, events: list[Event], registry: PartyRegistry) -> CaseResult:
    res = CaseResult(case.name)
    judge = Judge([_with_params(rule_set, case, case.name)], registry)
    for ev, verdict, looks in judge_with_looks(judge, events):
        for look in looks or ():
            if look.comparison.fired:
                res.fired.add(look.rule.id)
            elif look.comparison.applies:
                res.passed_by.add(look.rule.id)
        want = case.expect.get(ev.event_id, Expect(outcome="ok"))
        got = sorted(v.rule_id for v in verdict.violations)
        if verdict.outcome != want.outcome or got != sorted(want.violations):
            res.problems.append(f"{ev.event_id}: expected {want.outcome} {sorted(want.violations)}, "
                                f"got {verdict.outcome} {got}")
        for rule_id, facts in want.evidence.items():
            found = next((v.evidence for v in verdict.violations if v.rule_id == rule_id), None)
            if found is None:
                continue  # already a problem: the rule did not fire
            wrong = {k: found.get(k, "(absent)") for k, v in facts.items() if found.get(k) != v}
            if wrong:
                res.problems.append(f"{ev.event_id}: {rule_id} evidence {wrong}, expected "
                                    f"{ {k: facts[k] for k in wrong} }")
    return res


def run_cases(rule_set: RuleSet | str | Path, path: Path | None = None) -> SetReport:
    """Run a rule set's cases (from ``path``, else from :func:`cases_path`); no cases file: every rule
    uncovered.

    >>> report = run_cases("ring-2019-portal")
    >>> report.passed, len(report.results) >= 15, report.uncovered()
    (True, True, [])
    """
    if not isinstance(rule_set, RuleSet):
        name = rule_set
        rule_set = load_rule_set(name)
        path = path or cases_path(name)
    path = path or cases_path(rule_set.id)
    if not path.is_file():
        return SetReport(rule_set, path, missing=True)
    cf, events = load_cases(path, rule_set)
    registry = default_registry(parties=cf.parties)
    results = [_run_case(rule_set, c, evs, registry) for c, evs in zip(cf.cases, events, strict=True)]
    return SetReport(rule_set, path, results)
