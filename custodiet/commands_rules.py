"""``custodiet rules test [SET ...]`` (run each rule set's cases, coverage per rule) and
``custodiet explain EVENTS EVENT_ID`` (every rule that looked at an event, what it compared, what it decided).

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["rules", "test", "core"]).exit_code
0
>>> CliRunner().invoke(app, ["rules", "test", "no-such-set"]).exit_code
2
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from custodiet.app import EVENTS_ARG, JSON_OPT, REGISTRY_OPT, app, sub_app
from custodiet.console import emit_json, err, out
from custodiet.errors import CliError, guarded

__all__ = ["rules_app", "test_cmd", "explain"]

rules_app = sub_app(help="Rule sets: prove each rule with its cases.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

RULES_OPT = typer.Option("--rules", help="rule set name or TOML file (repeatable); default: every set, each "
                                         "within its era")


@rules_app.command("test")
@guarded
def test_cmd(
    sets: Annotated[list[str] | None, typer.Argument(help="rule set names or TOML files; default: every "
                                                          "shipped set", show_default=False)] = None,
    cases: Annotated[str | None, typer.Option("--cases", help="the cases file (with one SET; default: "
                                                               "cases/<set>.toml beside the set)")] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
) -> None:
    """Run each rule set's cases (cases/<set>.toml beside the set): exit 1 when a case fails or a rule
    has no case that makes it fire or none that it passes."""
    from pathlib import Path

    from judge.cases import run_cases
    from judge.rulesets import available_rule_sets

    if cases is not None and len(sets or []) != 1:
        raise CliError("--cases goes with exactly one rule set (e.g. custodiet rules test my.toml --cases c.toml)")
    if cases is not None and not Path(cases).is_file():
        raise CliError(f"{cases}: no such cases file")
    reports = [run_cases(name, Path(cases) if cases else None) for name in (sets or available_rule_sets())]
    doc: dict[str, Any] = {
        "rule_sets": [r.document() for r in reports],
        "cases": sum(len(r.results) for r in reports),
        "failed": sum(1 for r in reports for c in r.results if not c.passed),
        "rules": sum(len(r.rule_set.rules) for r in reports),
        "uncovered": [rule for r in reports for rule in r.uncovered()],
        "passed": all(r.passed for r in reports),
    }
    if as_json:
        emit_json(doc)
    else:
        for r in reports:
            _print_report(r.document())
        out.print(f"{doc['cases']} case(s), {doc['failed']} failed; {doc['rules']} rule(s), "
                  f"{len(doc['uncovered'])} without a case that fires and one that passes")
    if not doc["passed"]:
        raise typer.Exit(1)


def _print_report(d: dict[str, Any]) -> None:
    if d["missing_cases_file"]:
        out.print(f"[bold]{d['rule_set']}[/bold]: no cases file (expected at {d['cases_file']})", highlight=False)
    t = Table(title=f"{d['rule_set']}: cases per rule")
    t.add_column("rule", no_wrap=True)
    t.add_column("case", overflow="fold")
    t.add_column("rule", no_wrap=True)
    t.add_column("case result", no_wrap=True)
    fired = {c["name"]: c["fires"] for c in d["cases"]}
    for row in d["rules"]:
        lines = [(name, "fires", "pass") for name in row["fires"]]
        lines += [(name, "passes", "pass") for name in row["passes"]]
        lines += [(name, "fires" if row["rule_id"] in fired.get(name, ()) else "passes", "[red]FAIL[/red]")
                  for name in row["failing"]]
        if not row["covered"]:
            missing = " and ".join(k for k in ("fires", "passes") if not row[k])
            lines.append((f"[red]no case where it {missing}[/red]", "", ""))
        for i, (name, role, result) in enumerate(lines):
            t.add_row(row["rule_id"] if i == 0 else "", name, role, result, end_section=i == len(lines) - 1)
    out.print(t)
    for case in d["cases"]:
        if not case["passed"]:
            out.print(f"FAIL {d['rule_set']}: {case['name']}", style="red", markup=False, highlight=False)
            for p in case["problems"]:
                out.print(f"  {p}", markup=False, highlight=False)
    if d["uncovered"]:
        out.print(f"rules with no case that fires and one that passes: {', '.join(d['uncovered'])}",
                  style="red", markup=False, highlight=False)


@app.command()
@guarded
def explain(
    events: Annotated[str, EVENTS_ARG],
    event_id: Annotated[str, typer.Argument(help="the event to explain")],
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    max_lateness: Annotated[str, typer.Option("--max-lateness", help="as for check: how far behind the newest "
                                              "event to wait for late events (30m, 12h, 7d; none)")] = "7d",
) -> None:
    """Why EVENT_ID got its verdict: every rule that looked at it, what it compared and what it decided
    (the log is judged as check judges it)."""
    from custodiet.inputs import check_events_file, load_registry
    from judge.engine import default_judge
    from judge.explain import UnknownEvent, render
    from judge.explain import explain as do_explain
    from judge.logread import read_lines
    from judge.timeline import parse_lateness

    try:
        lateness = parse_lateness(max_lateness)
    except ValueError as e:
        raise CliError(f"--max-lateness: {e}") from e
    judge = default_judge(rules, load_registry(registry))  # an unknown rule set fails before the log is read
    if events != "-":
        check_events_file(events)
    try:
        doc = do_explain(read_lines(events), event_id, judge, late_after=lateness, source=events)
    except UnknownEvent as e:
        raise CliError(f"{events}: {e}") from e
    if doc["dead_letters"]:
        err.print(f"{events}: {doc['dead_letters']} bad line(s) set aside as dead letters (see: custodiet check)",
                  style="yellow", markup=False, highlight=False)
    if as_json:
        emit_json(doc)
        return
    for line in render(doc):
        out.print(line, markup=False, highlight=False, soft_wrap=True)
