"""``custodiet rules list [SET ...]`` (each rule set: what it is, where it applies, its rules),
``custodiet rules test [SET ...]`` (run each rule set's cases, coverage per rule) and
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

from custodiet.app import EVENTS_ARG, JSON_OPT, REGISTRY_OPT, RULES_OPT, app, sub_app
from custodiet.console import emit_json, err, out
from custodiet.errors import CliError, guarded

__all__ = ["rules_app", "test_cmd", "list_cmd", "rule_set_rows", "explain"]

rules_app = sub_app(help="Rule sets: list them, and prove each rule with its cases.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")



def rule_set_rows(names: list[str] | None = None) -> list[dict[str, Any]]:
    """Each rule set (default: every shipped one): id, title, description, where and when it applies, and its
    rules (id, check, title, source), as ``custodiet rules list --json`` prints them.

    >>> [r for r in rule_set_rows(["ca-sb54"])][0]["applies_in"]
    ['CA']
    """
    from judge.rulesets import available_rule_sets, load_rule_set

    rows = []
    for name in names or available_rule_sets():
        rs = load_rule_set(name)
        rows.append({
            "id": rs.id, "title": rs.title, "description": rs.description,
            "applies_in": list(rs.applies_in), "platforms": list(rs.platforms),
            "era": {"start": rs.era.start.isoformat() if rs.era.start else None,
                    "end": rs.era.end.isoformat() if rs.era.end else None},
            "rules": [{"id": r.id, "check": r.check, "title": r.title, "description": r.description,
                       "source": r.source} for r in rs.rules],
        })
    return rows


def _where(row: dict[str, Any]) -> str:
    where = ", ".join(row["applies_in"]) or "anywhere"
    if row["platforms"]:
        where += f"; on {', '.join(row['platforms'])}"
    start, end = row["era"]["start"], row["era"]["end"]
    if start or end:
        where += f"; {(start or '')[:10] or 'always'} to {(end or '')[:10] or 'now'}"
    return where


@rules_app.command("list")
@guarded
def list_cmd(
    sets: Annotated[list[str] | None, typer.Argument(help="rule set names or TOML files; default: every "
                                                          "shipped set", show_default=False)] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
) -> None:
    """Each rule set: its id (what --rules takes), what it is, where and when it applies, and its rules."""
    rows = rule_set_rows(sets)
    if as_json:
        emit_json({"count": len(rows), "rule_sets": rows})
        return
    t = Table(title=f"rule sets ({len(rows)}; --rules takes the ids, or a comma list of them)", show_lines=True)
    t.add_column("rule set", no_wrap=True)
    t.add_column("what it is", ratio=3)
    t.add_column("applies", ratio=1, min_width=10)
    t.add_column("rules (ids: SET.RULE)", ratio=2, overflow="fold")
    for row in rows:
        t.add_row(row["id"], f"{row['title']}: {row['description']}", _where(row),
                  "\n".join(r["id"].removeprefix(f"{row['id']}.") for r in row["rules"]))
    out.print(t)


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
