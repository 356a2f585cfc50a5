"""Every verdict explains itself: the facts a rule compared are in its violation's evidence, and
``custodiet explain`` shows every rule that looked at an event (those that passed it too)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from judge.cases import load_cases
from judge.engine import Judge
from judge.rulesets import available_rule_sets, load_rule_set
from policies import POLICY_DIR
from tests.conftest import ev, rec, write_log, xfer

RUNNER = CliRunner()

OWNER = "resident:r-1"
OLD_CLIP = rec("rec", "c1", OWNER, "2019-01-10T08:00:00Z")
EMERGENCY = xfer("t1", "c1", "platform:ring", "agency:oakland-ca-pd", "2021-01-15T08:00:00Z", basis="emergency",
                 purpose="imminent danger")


def _explain(tmp_path: Path, events: list[dict[str, Any]], event_id: str, *rules: str) -> dict[str, Any]:
    log = write_log(tmp_path / "log.jsonl", events)
    args = ["explain", str(log), event_id, "--json"] + [a for r in rules for a in ("--rules", r)]
    res = RUNNER.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_an_emergency_disclosure_of_an_expired_clip_is_explained(tmp_path: Path) -> None:
    doc = _explain(tmp_path, [OLD_CLIP, EMERGENCY], "t1", "ring-2019-portal")
    assert doc["outcome"] == "gated" and doc["custody_edge"] is False
    rules = {r["rule_id"]: r for r in doc["rules"]}
    # Every rule of the set that looks at a transfer, in the set's order.
    assert list(rules) == ["ring-2019-portal.consent-scope", "ring-2019-portal.retention",
                           "ring-2019-portal.emergency"]
    assert rules["ring-2019-portal.consent-scope"]["decision"] == "not applicable"
    assert rules["ring-2019-portal.emergency"]["decision"] == "flagged"
    ret = rules["ring-2019-portal.retention"]
    assert ret["decision"] == "gated"
    assert ret["facts"]["clip_age_days"] == {"c1": 736.0} and ret["facts"]["retention_days"] == 60
    assert "736 days old" in ret["compared"] and "60 days" in ret["compared"] and "expired" in ret["compared"]


def test_rules_that_pass_say_what_they_compared(tmp_path: Path) -> None:
    req = ev("footage_request", "q1", "2019-05-01T12:00:00Z", request_id="q1", requester="agency:oakland-ca-pd",
             platform="ring", area={"lat": 37.8, "lon": -122.27, "radius_m": 400},
             window={"start": "2019-05-01T02:00:00Z", "end": "2019-05-01T08:00:00Z"}, investigation_code="OPD-1",
             purpose="burglary")
    doc = _explain(tmp_path, [req], "q1", "ring-2019-portal")
    assert doc["outcome"] == "ok"
    rules = {r["rule_id"].split(".")[1]: r for r in doc["rules"]}
    assert set(rules) == {"max-window", "max-radius", "case-number", "partners-only", "volume"}
    assert all(r["decision"] == "passed" for r in rules.values())
    assert rules["max-window"]["facts"] == {"window_hours": 6.0, "max_window_hours": 12.0}
    assert rules["max-window"]["compared"] == "a window of 6 h is within the limit of 12 h"
    assert rules["partners-only"]["facts"]["requester_kind"] == "local"
    assert rules["volume"]["facts"]["requests_in_period"] == 1


def test_explain_in_words(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.jsonl", [OLD_CLIP, EMERGENCY])
    res = RUNNER.invoke(app, ["explain", str(log), "t1", "--rules", "ring-2019-portal"])
    assert res.exit_code == 0, res.output
    text = res.stdout
    assert "outcome: gated" in text and "no custody edge" in text
    assert "3 rules looked at it" in text
    assert "GATED  ring-2019-portal.retention: clip c1 is 736 days old against a retention of 60 days" in text
    assert "NOT APPLICABLE  ring-2019-portal.consent-scope: an emergency hand-over, not a delivery on consent" in text


def test_unknown_event_id_is_one_line_with_close_ids(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.jsonl", [OLD_CLIP, EMERGENCY])
    res = RUNNER.invoke(app, ["explain", str(log), "t2"])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "no event 't2'" in lines[0] and "did you mean t1" in lines[0] and str(log) in lines[0]
    far = RUNNER.invoke(app, ["explain", str(log), "zzzzzz"])
    assert far.exit_code == 2 and "it holds 2 events" in far.stderr


def test_the_default_rule_sets_apply_within_their_era(tmp_path: Path) -> None:
    # In 2021 the 2019 portal rules were in force; in 2023 the Request for Assistance rules.
    doc = _explain(tmp_path, [OLD_CLIP, EMERGENCY], "t1")
    assert {r["rule_set"] for r in doc["rules"]} >= {"core", "ring-2019-portal"}
    assert "ring-2021-rfa" not in {r["rule_set"] for r in doc["rules"]}


def _case_events() -> list[tuple[str, list[Any], Any]]:
    """(rule set, the events of each case, the case) for every shipped case."""
    out = []
    for name in available_rule_sets():
        rs = load_rule_set(name)
        cf, events = load_cases(POLICY_DIR / "cases" / f"{name}.toml", rs)
        out += [(name, evs, case) for case, evs in zip(cf.cases, events, strict=True)]
    return out


#: A limit that a rule's evidence carries under the parameter's own name, with the rule's value.
LIMITS = ("max_window_hours", "max_radius_m", "eligible_kinds", "max_requests", "per_days", "forbidden_purposes",
          "retention_days", "forbidden_destinations", "purposes")


def test_every_violation_in_the_cases_carries_its_limit_and_what_was_compared() -> None:
    seen: set[str] = set()
    for name, events, case in _case_events():
        if case.params:
            continue
        rules = {r.id: r for r in load_rule_set(name).rules}
        for verdict in Judge([load_rule_set(name)]).judge_all(events):
            for v in verdict.violations:
                seen.add(v.rule_id)
                rule = rules[v.rule_id]
                for limit in LIMITS:
                    if hasattr(rule, limit):
                        assert v.evidence.get(limit) == getattr(rule, limit), (v.rule_id, limit, v.evidence)
                # Besides the limit, the value compared with it (or the problem found).
                assert len(v.evidence) >= 2 or "investigation_code" in v.evidence, (v.rule_id, v.evidence)
    assert len(seen) >= 25


@pytest.mark.parametrize("name", ["ring-2019-portal", "il-hb3326", "flock-2025"])
def test_check_evidence_is_what_explain_shows(tmp_path: Path, name: str) -> None:
    """One comparison: a violation's evidence in ``check --json`` equals the facts ``explain`` shows."""
    for _, events, case in (c for c in _case_events() if c[0] == name and not c[2].params):
        raw = [json.loads(e.model_dump_json()) for e in events]
        log = write_log(tmp_path / "log.jsonl", raw)
        res = RUNNER.invoke(app, ["check", str(log), "--rules", name, "--json"])
        assert res.exit_code == 0
        for v in json.loads(res.stdout)["violation_list"]:
            doc = _explain(tmp_path, raw, v["event_id"], name)
            shown = {r["rule_id"]: r for r in doc["rules"]}[v["rule_id"]]
            assert shown["decision"] == v["verdict"] and shown["facts"] == v["evidence"], case.name


def test_explain_judges_the_log_as_check_does(tmp_path: Path) -> None:
    """A hand-over judged before its clip's recording arrived (beyond the lateness window) is explained as
    check judged it; waiting for ever, the recording comes first and the hand-over is fine."""
    # A run holds the latest 10,000 events open whatever their age (judge.timeline.DEFAULT_HOLD), and reads
    # 1,000 lines at a time: the recording comes more than a batch after the hold is full.
    later = [rec(f"r{i}", f"c{i}", OWNER, f"2024-06-{1 + i // 1000:02d}T00:00:{i % 60:02d}Z") for i in range(2, 11_500)]
    events = [xfer("t1", "c1", OWNER, "agency:oakland-ca-pd", "2024-05-02T00:00:00Z"), *later,
              rec("r1", "c1", OWNER, "2024-05-01T00:00:00Z")]
    log = write_log(tmp_path / "log.jsonl", events)
    for lateness, outcome in (("7d", "flagged"), ("none", "ok")):
        check = RUNNER.invoke(app, ["check", str(log), "--rules", "core", "--max-lateness", lateness, "--json"])
        assert check.exit_code == 0
        flagged = {v["event_id"] for v in json.loads(check.stdout)["violation_list"]}
        res = RUNNER.invoke(app, ["explain", str(log), "t1", "--rules", "core", "--max-lateness", lateness, "--json"])
        assert res.exit_code == 0, res.output
        doc = json.loads(res.stdout)
        assert doc["outcome"] == outcome and ("t1" in flagged) is (outcome == "flagged")
        assert doc["rules"][0]["decision"] == ("flagged" if outcome == "flagged" else "passed")
    late = RUNNER.invoke(app, ["explain", str(log), "r1", "--rules", "core"])
    assert late.exit_code == 0 and "late: it came after the run stopped waiting" in late.stdout
