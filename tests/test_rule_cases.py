"""Every rule of every shipped rule set proven by its cases (policies/cases/<set>.toml), and the runner
behind ``custodiet rules test``: a wrong expectation fails, a rule without cases is named, a bad cases
file is one line and exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from judge.cases import cases_path, run_cases
from judge.rulesets import available_rule_sets, load_rule_set
from policies import POLICY_DIR

RUNNER = CliRunner()


@pytest.mark.parametrize("name", available_rule_sets())
def test_every_case_passes_and_every_rule_is_covered(name: str) -> None:
    report = run_cases(name)
    assert not report.missing, f"{name}: no cases file at {report.cases_file}"
    failed = {r.name: r.problems for r in report.results if not r.passed}
    assert not failed, failed
    rows = {row["rule_id"]: row for row in report.coverage()}
    assert set(rows) == {r.id for r in load_rule_set(name).rules}
    for rule_id, row in rows.items():
        assert row["fires"], f"{rule_id}: no case makes it fire"
        assert row["passes"], f"{rule_id}: no case where it compares an event and does not fire"


def _own_set(tmp_path: Path, cases: str | bytes) -> Path:
    """A copy of ring-2019-portal as a file of its own, with the given cases beside it."""
    rs = tmp_path / "mine.toml"
    shutil.copy(POLICY_DIR / "ring-2019-portal.toml", rs)
    (tmp_path / "cases").mkdir()
    path = cases_path(rs)
    if isinstance(cases, bytes):
        path.write_bytes(cases)
    else:
        path.write_text(cases, encoding="utf-8")
    return rs


REQUEST_24H = ('{ event_id = "q1", type = "footage_request", occurred_at = 2019-05-02T12:00:00Z, request_id = "q1", '
               'requester = "agency:oakland-ca-pd", platform = "ring", area = { lat = 37.8, lon = -122.27, '
               'radius_m = 400 }, window = { start = 2019-05-01T08:00:00Z, end = 2019-05-02T08:00:00Z }, '
               'investigation_code = "C-1", purpose = "burglary" }')


def test_a_wrong_expectation_fails_and_names_the_event(tmp_path: Path) -> None:
    rs = _own_set(tmp_path, f'[[cases]]\nname = "wrongly expected ok"\nevents = [{REQUEST_24H}]\n')
    report = run_cases(str(rs))
    assert not report.passed
    (case,) = report.results
    assert case.problems == ["q1: expected ok [], got gated ['ring-2019-portal.max-window']"]
    # A failing case proves nothing: it does not count towards coverage.
    assert "ring-2019-portal.max-window" in report.uncovered()
    res = RUNNER.invoke(app, ["rules", "test", str(rs)])
    assert res.exit_code == 1
    assert "FAIL ring-2019-portal: wrongly expected ok" in res.stdout


def test_wrong_evidence_fails(tmp_path: Path) -> None:
    rs = _own_set(tmp_path, f'[[cases]]\nname = "x"\nevents = [{REQUEST_24H}]\nexpect.q1 = {{ outcome = "gated", '
                            'violations = ["ring-2019-portal.max-window"], evidence."ring-2019-portal.max-window" = '
                            '{ window_hours = 23.0 } }\n')
    (case,) = run_cases(str(rs)).results
    assert len(case.problems) == 1 and "window_hours" in case.problems[0] and "23.0" in case.problems[0]


def test_rules_without_cases_are_named_and_fail(tmp_path: Path) -> None:
    rs = _own_set(tmp_path, f'[[cases]]\nname = "too long"\nevents = [{REQUEST_24H}]\nexpect.q1 = {{ outcome = '
                            '"gated", violations = ["ring-2019-portal.max-window"] }\n')
    res = RUNNER.invoke(app, ["rules", "test", str(rs), "--json"])
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert doc["failed"] == 0 and doc["cases"] == 1
    (rsdoc,) = doc["rule_sets"]
    rows = {r["rule_id"]: r for r in rsdoc["rules"]}
    assert rows["ring-2019-portal.max-window"]["fires"] == ["too long"]
    # The request is compared by the radius, case-number, partners and volume rules, and passes them...
    assert rows["ring-2019-portal.max-radius"]["passes"] == ["too long"]
    # ...so max-window lacks a passing case, and the hand-over rules were never exercised.
    assert "ring-2019-portal.max-window" in doc["uncovered"]
    assert "ring-2019-portal.retention" in doc["uncovered"] and "ring-2019-portal.max-radius" in doc["uncovered"]


def test_a_rule_set_without_a_cases_file(tmp_path: Path) -> None:
    rs = tmp_path / "bare.toml"
    shutil.copy(POLICY_DIR / "core.toml", rs)
    res = RUNNER.invoke(app, ["rules", "test", str(rs)])
    assert res.exit_code == 1
    assert "no cases file" in res.stdout and "core.custody-continuity" in res.stdout


def test_shipped_sets_pass_on_the_command_line() -> None:
    res = RUNNER.invoke(app, ["rules", "test", "--json"])
    assert res.exit_code == 0, res.stdout
    doc = json.loads(res.stdout)
    assert doc["passed"] and doc["failed"] == 0 and doc["uncovered"] == []
    assert [d["rule_set"] for d in doc["rule_sets"]] == available_rule_sets()
    assert doc["rules"] == sum(len(load_rule_set(n).rules) for n in available_rule_sets())


@pytest.mark.parametrize("content, words", [
    (b"\xff\xfe rules", "not UTF-8 text (byte 0xff at offset 0)"),
    ("[[cases]\nname = 1", "not TOML"),
    ('[[cases]]\nname = "n"\nevents = []\n', "case 1 (n): field 'events'"),
    ('[[cases]]\nname = "n"\nevents = [{ event_id = "a", type = "search" }]\n', "case 1 (n): event 1 (a): field"),
    (f'[[cases]]\nname = "n"\nevents = [{REQUEST_24H}]\nexpect.q1 = {{ outcome = "gated", violations = ["nope"] }}\n',
     "case 1 (n): 'nope' is not a rule of ring-2019-portal"),
    (f'[[cases]]\nname = "n"\nevents = [{REQUEST_24H}]\nexpect.q9 = {{ outcome = "ok" }}\n',
     "expect names 'q9', which is not one of the case's events"),
    (f'[[cases]]\nname = "n"\nevents = [{REQUEST_24H}]\nexpect.q1 = {{ outcome = "maybe" }}\n',
     "field 'expect.q1.outcome'"),
    (f'[[cases]]\nname = "n"\nparams."ring-2019-portal.max-window" = {{ max_window_hours = -1 }}\n'
     f'events = [{REQUEST_24H}]\n', "params: rule 1 (ring-2019-portal.max-window): field 'max_window_hours'"),
    ('rule_set = "core"\n[[cases]]\nname = "n"\nevents = [{ event_id = "a", type = "search" }]\n',
     "holds cases of 'core', not of 'ring-2019-portal'"),
    (f'[[cases]]\nname = "n"\nevents = [{REQUEST_24H}]\n[[cases]]\nname = "n"\nevents = [{REQUEST_24H}]\n',
     "two cases named 'n'"),
])
def test_a_bad_cases_file_is_one_line_and_exit_2(tmp_path: Path, content: str | bytes, words: str) -> None:
    rs = _own_set(tmp_path, content)
    res = RUNNER.invoke(app, ["rules", "test", str(rs)])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and str(cases_path(rs)) in lines[0] and words in lines[0], lines


RULE = ('id = "x"\ntitle = "t"\ndescription = "d"\n[[rules]]\nid = "x.w"\ncheck = "request_window"\n'
        'description = "d"\nsource = "s"\n')


@pytest.mark.parametrize("content, words", [
    (b"id = \"x\"\n\xe9t\xe9 = 1\n", "not UTF-8 text (byte 0xe9 at offset 9); a rule set is a TOML file"),
    ("id = \n", "not TOML: Invalid value (at line 1, column 6)"),
    (RULE + "max_window_hours = -2\n", "rule 1 (x.w): field 'max_window_hours': Input should be greater than 0 "
                                       "(got -2)"),
    (RULE + "max_window_hours = \"long\"\n", "rule 1 (x.w): field 'max_window_hours': Input should be a valid "
                                             "number"),
    (RULE.replace("request_window", "window") + "max_window_hours = 2\n", "rule 1 (x.w): field 'check': unknown "
                                                                          "check 'window'"),
    (RULE + "max_window_hours = 2\n" + RULE.split("\n", 3)[3] + "max_window_hours = 3\n", "two rules with the id "
                                                                                         "'x.w'"),
    ('name = "s"\nrule_sets = ["core"]\n', "not a rule set: no [[rules]] table (it looks like a scenario"),
])
@pytest.mark.parametrize("command", ["check", "explain", "rules"])
def test_a_bad_rules_file_is_one_line_and_exit_2(tmp_path: Path, content: str | bytes, words: str,
                                                 command: str) -> None:
    bad = tmp_path / "bad.toml"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    log = tmp_path / "log.jsonl"
    log.write_text('{"event_id":"s","type":"search","occurred_at":"2025-01-01T00:00:00Z","searcher":"agency:a",'
                   '"reason":"x","networks_searched":1}\n')
    args = {"check": ["check", str(log), "--rules", str(bad)], "explain": ["explain", str(log), "s", "--rules",
                                                                           str(bad)],
            "rules": ["rules", "test", str(bad)]}[command]
    res = RUNNER.invoke(app, args)
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"custodiet: error: {bad}: ") and words in lines[0], lines


def test_cases_beside_the_rule_set_or_named_on_the_command_line(tmp_path: Path) -> None:
    rs = tmp_path / "mine.toml"
    shutil.copy(POLICY_DIR / "core.toml", rs)
    beside = tmp_path / "mine.cases.toml"
    shutil.copy(POLICY_DIR / "cases" / "core.toml", beside)
    assert cases_path(rs) == beside
    assert RUNNER.invoke(app, ["rules", "test", str(rs)]).exit_code == 0
    elsewhere = tmp_path / "elsewhere.toml"
    beside.rename(elsewhere)
    assert RUNNER.invoke(app, ["rules", "test", str(rs)]).exit_code == 1
    res = RUNNER.invoke(app, ["rules", "test", str(rs), "--cases", str(elsewhere), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["rule_sets"][0]["cases_file"] == str(elsewhere)
