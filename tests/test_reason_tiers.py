"""Reason tiers and federal assists, measured on hand-labelled samples (tests/data/reasons/), and what the
judge makes of them: search-reason fires on a missing reason only, an inferred federal party counts
everywhere the named one does."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from classify.assists import federal_assist, with_inferred_assist
from classify.reason_tiers import TIERS, read_reason, search_reading
from judge.engine import Judge, default_judge
from judge.rulesets import load_rule_sets
from schemas.events import parse_event
from schemas.flow import edges_of

REASONS = Path(__file__).resolve().parent / "data" / "reasons"
EUGENE = Path(__file__).resolve().parents[2] / "shared" / "data" / "flock-search-audit-eugene-2025" / \
    "EPDSearchAuditLogs.csv"


def _rows(name: str) -> list[dict[str, str]]:
    with open(REASONS / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _scores(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> dict[str, tuple[float, float, int]]:
    """label -> (precision, recall, support) over (truth, prediction) pairs."""
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    for truth, pred in pairs:
        predicted[pred] += 1
        actual[truth] += 1
        tp[truth] += truth == pred
    return {c: (tp[c] / predicted[c] if predicted[c] else 1.0, tp[c] / actual[c] if actual[c] else 1.0, actual[c])
            for c in labels if actual[c] or predicted[c]}


def test_tiers_measured_on_the_labelled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    sample = _rows("tiers-labelled.csv")
    assert len(sample) >= 300
    assert {r["tier"] for r in sample} == set(TIERS) - {"not_published"}  # a source property, not a text
    scores = _scores([(r["tier"], read_reason(r["reason"]).tier) for r in sample], TIERS)
    with capsys.disabled():
        print(f"\nreason tiers on {len(sample)} labelled reasons")
        for tier, (p, r, n) in scores.items():
            print(f"{tier:14} precision {p:.3f} recall {r:.3f} n={n}")
    missing_p, missing_r, _ = scores["missing"]
    assert missing_p >= 0.98 and missing_r >= 0.98  # the finding: nothing stated is called missing
    for tier, (p, r, n) in scores.items():
        assert p >= 0.9 and r >= 0.9, (tier, p, r, n)


def test_the_tuning_list_is_read_as_labelled() -> None:
    wrong = [(r["reason"], r["tier"], read_reason(r["reason"]).tier) for r in _rows("tiers-tuning.csv")
             if read_reason(r["reason"]).tier != r["tier"]]
    assert not wrong


def test_assists_measured_on_labelled_positives_and_false_friends(capsys: pytest.CaptureFixture[str]) -> None:
    sample = _rows("assists-labelled.csv")
    got = [(r["party"], (federal_assist(r["reason"]).party if federal_assist(r["reason"]) else "")) for r in sample]
    positives = [(t, p) for t, p in got if t]
    friends = [(t, p) for t, p in got if not t]
    assert len(positives) >= 50 and len(friends) >= 40
    found = sum(1 for t, p in positives if p)
    right = sum(1 for t, p in positives if p == t)
    false_alarms = [r["reason"] for r in sample if not r["party"] and federal_assist(r["reason"])]
    precision = right / (found + len(false_alarms))
    recall = found / len(positives)
    with capsys.disabled():
        print(f"\nassists: {len(positives)} labelled positives, {len(friends)} false friends: precision "
              f"{precision:.3f} (right agency), recall {recall:.3f}, false friends taken {len(false_alarms)}")
    assert not false_alarms
    assert recall >= 0.95 and precision >= 0.95


@pytest.mark.parametrize(("text", "tier"), [
    ("", "missing"), ("  ", "missing"), ("N/A", "missing"), ("---", "missing"), ("TBD", "missing"),
    ("459", "code_only"), ("PC 459", "code_only"), ("920", "code_only"), ("2024-00123", "code_only"),
    ("patrol", "unrecognised"), ("Admin Test", "unrecognised"),
    ("Obstructing Justice", "category"), ("Locate fugitive of justice.", "category"), ("287(g)", "category"),
])
def test_forms_real_audits_use(text: str, tier: str) -> None:
    assert read_reason(text).tier == tier


def test_not_published_and_offense_type() -> None:
    assert read_reason("", published=False).tier == "not_published"
    assert read_reason("anything", published=False).tier == "not_published"
    r = read_reason("", offense_type="Stolen Vehicle")
    assert (r.tier, r.category) == ("category", "property_crime")
    assert read_reason("", offense_type="Other").tier == "missing"


def _search(**fields: Any) -> Any:
    base = {"event_id": "s", "type": "search", "occurred_at": "2025-06-18T10:00:00Z",
            "searcher": "agency:eugene-or-pd", "reason": "", "networks_searched": 2}
    return parse_event(json.dumps({**base, **fields}))


def test_a_tier_the_event_carries_is_the_one_read() -> None:
    assert search_reading(_search(reason="459")).tier == "code_only"
    given = search_reading(_search(reason="459", reason_tier="unrecognised", reason_words=["459"]))
    assert (given.tier, given.words) == ("unrecognised", ("459",))


def test_search_reason_fires_on_missing_only() -> None:
    judge = Judge(load_rule_sets(["flock-2025"]))
    texts = {"blank": "", "na": "n/a", "code": "459", "words": "disturbance", "other": "patrol"}
    outcomes = {k: judge.judge(_search(event_id=k, reason=t)).outcome for k, t in texts.items()}
    assert outcomes == {"blank": "flagged", "na": "flagged", "code": "ok", "words": "ok", "other": "ok"}
    assert judge.judge(_search(event_id="np", reason_published=False)).outcome == "ok"


def test_an_inferred_federal_party_flows_as_a_named_one() -> None:
    named = _search(reason="bank theft", on_behalf_of="agency:fbi")
    inferred = with_inferred_assist(_search(reason="FBI ASSIST: BANK THEFT"))
    assert inferred.on_behalf_of == "agency:fbi" and inferred.on_behalf_of_inferred == ["fbi"]
    assert [(e.from_party, e.to_party) for e in edges_of(inferred)] == \
        [(e.from_party, e.to_party) for e in edges_of(named)]
    judge = default_judge(["flock-2025"])
    verdict = judge.judge(_search(reason="FBI ASSIST: BANK THEFT"))
    assert [v.rule_id for v in verdict.violations] == ["flock-2025.no-federal-lookups"]
    assert verdict.violations[0].evidence["on_behalf_of_inferred"] == ["fbi"]
    assert "agency:fbi" in verdict.violations[0].parties
    assert [link.to_party for link in verdict.links] == ["agency:fbi"]  # reach and reports count the link
    kept = _search(reason="FBI ASSIST", on_behalf_of="agency:us-marshals")  # the source's own word stands
    assert with_inferred_assist(kept) is kept


def test_eugene_missing_reasons_are_its_blank_rows(shared_data: Path) -> None:
    """On the real Eugene audit (EyesOff Eugene, CC0) the missing tier counts exactly the rows whose reason is
    blank or a stand-in for nothing, counted here with the csv module."""
    with open(EUGENE, encoding="utf-8", newline="") as fh:
        reasons = [row["reason"] for row in csv.DictReader(fh)]
    stand_ins = {"", "n/a", "na", "none", "unknown", "tbd", "x", "***", "-", "."}
    blank = sum(1 for r in reasons if r.strip().lower() in stand_ins)
    tiers = Counter(read_reason(r).tier for r in reasons)
    assert sum(tiers.values()) == len(reasons) == 4294
    assert tiers["missing"] == blank


# ---- where a rule applies ---------------------------------------------------------------------------

STATE_LAW = ("Civil Code", "ILCS", "SB ", "HB ", "Penal Code", "Revised Statutes", "Values Act")


def test_every_rule_citing_a_state_statute_says_where_it_applies() -> None:
    from judge.rulesets import available_rule_sets, load_rule_set

    for name in available_rule_sets():
        for rule in load_rule_set(name).rules:
            if any(w in rule.source for w in STATE_LAW):
                assert rule.applies_in, f"{rule.id} cites {rule.source!r} but names no state it applies in"
    assert not load_rule_set("flock-2025").applies_in  # a platform's rules, applied anywhere


def test_a_state_law_never_fires_against_another_state_and_unknown_is_not_a_violation() -> None:
    from judge.pipeline import run_check

    def line(i: str, searcher: str) -> bytes:
        return json.dumps({"event_id": i, "type": "search", "occurred_at": "2025-02-02T12:00:00Z",
                           "searcher": searcher, "reason": "deportation", "networks_searched": 4}).encode()

    lines = [line("ca", "agency:oakland-ca-pd"), line("or", "agency:eugene-or-pd"),
             line("unk", "agency:metro-task-force")]
    res = run_check(enumerate(lines, 1), ["ca-sb54", "il-hb3326"], keep=True)
    fired = {v.event_id: [x.rule_id for x in v.violations] for v in res.verdicts}
    assert fired == {"ca": ["ca-sb54.no-immigration-enforcement"], "or": [], "unk": []}
    assert any("metro-task-force" in p for p in res.state_unknown)
    assert not any("eugene" in p or "oakland" in p for p in res.state_unknown)


def test_a_rule_names_its_own_states_else_its_sets() -> None:
    from judge.rulesets import RuleSet

    rs = RuleSet.model_validate({"id": "x", "title": "t", "description": "d", "applies_in": ["OR"], "rules": [
        {"id": "x.a", "check": "search_reason", "description": "d", "source": "s"},
        {"id": "x.b", "check": "search_reason", "description": "d", "source": "s", "applies_in": ["WA"]}]})
    assert [r.applies_in for r in rs.rules] == [["OR"], ["WA"]]


def test_a_check_with_no_state_of_its_own_is_bound_by_applies_in() -> None:
    from judge.rulesets import RuleSet

    rs = RuleSet.model_validate({"id": "ca-log", "title": "t", "description": "d", "applies_in": ["CA"], "rules": [
        {"id": "ca-log.purpose", "check": "search_reason", "description": "d", "source": "Civil Code 1798.90.52"}]})
    judge = Judge([rs])
    got = {s: judge.judge(_search(event_id=s, searcher=s)).outcome
           for s in ("agency:oakland-ca-pd", "agency:eugene-or-pd", "agency:metro-task-force")}
    assert got == {"agency:oakland-ca-pd": "flagged", "agency:eugene-or-pd": "ok", "agency:metro-task-force": "ok"}
    assert judge.ctx.state_unknown == {"agency:metro-task-force"}
    assert Judge([rs.model_copy(update={"applies_in": []})]).judge(_search(searcher="agency:eugene-or-pd")).outcome \
        == "ok"  # a copy of the set keeps its rules' states: the rules carry them


@pytest.mark.parametrize("attempts", [False, True])
def test_reach_counts_a_federal_party_read_from_a_log(attempts: bool) -> None:
    """A log whose search names the FBI only in its reason: the FBI is reached from the networks searched,
    as judged and as every attempt (the event is read through the same decode)."""
    from analysis.judged import graph_of_log
    from graph.reach import reach

    line = json.dumps({"event_id": "s", "type": "search", "occurred_at": "2025-06-18T10:00:00Z",
                       "searcher": "agency:eugene-or-pd", "reason": "FBI SAFE ST TF",
                       "networks_searched": ["agency:springfield-or-pd"]}).encode()
    g, res = graph_of_log([(1, line)], ["flock-2025"], attempts=attempts)
    assert res.document()["violations"] == {"flock-2025.no-federal-lookups": 1}
    parties = {r["party"] for r in reach(g, "agency:fbi")["parties"]}
    assert "agency:springfield-or-pd" in parties


# ---- end to end: a network audit imported and checked --------------------------------------------------

_HEADER = ["Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame", "License Plate",
           "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]
_FORMAT = "%m/%d/%Y, %I:%M:%S %p UTC"


def _audit_rows() -> list[dict[str, str]]:
    """Rows in the network-audit layout: reasons in the forms real audits use, time frames reaching back from
    a day to more than a year, some rows with none."""
    reasons = ["459", "n/a", "", "FBI ASSIST: BANK THEFT", "Wanted fugitive, US Marshall assist", "patrol",
               "Stolen Vehicle", "24-012345", "ICAC", "TBD", "I.C.E.", "***", "Sex Offenses", "county DHS"]
    backs = [1, 29, 31, 45, 400, None, 12, 90, None, 2]
    ran = datetime(2025, 11, 13, 22, 0, 17, tzinfo=UTC)
    rows = []
    for i in range(70):
        back = backs[i % len(backs)]
        at = ran + timedelta(minutes=i)
        frame = "" if back is None else \
            f"{(at - timedelta(days=back)).strftime(_FORMAT)} - {at.strftime(_FORMAT)}"
        rows.append(dict(zip(_HEADER, [f"Officer {i}", "Eugene OR PD", "3", "120", frame, "", reasons[i % len(reasons)],
                                       "", "", at.strftime(_FORMAT), "License Plate", "", ""], strict=True)))
    return rows


def test_a_network_audit_imported_and_checked_counts_what_the_rows_say(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from custodiet.cli import app

    rows = _audit_rows()
    audit = tmp_path / "audit.csv"
    with audit.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, _HEADER)
        w.writeheader()
        w.writerows(rows)
    log = tmp_path / "searches.jsonl"
    runner = CliRunner()
    done = runner.invoke(app, ["import", "flock-audit", str(audit), "-o", str(log)])
    assert done.exit_code == 0, done.output
    doc = json.loads(runner.invoke(app, ["check", str(log), "--rules", "flock-2025", "--json"]).stdout)

    def back(r: dict[str, str]) -> float | None:
        if not r["Time Frame"]:
            return None
        start = datetime.strptime(r["Time Frame"].split(" - ")[0], _FORMAT)
        return (datetime.strptime(r["Search Time"], _FORMAT) - start).total_seconds() / 86400

    stand_ins = {"", "n/a", "tbd", "***"}
    federal = ("FBI", "Marshall", "I.C.E.")
    want = {
        "flock-2025.search-lookback": sum(1 for r in rows if (b := back(r)) is not None and b > 30),
        "flock-2025.search-reason": sum(1 for r in rows if r["Reason"].strip().lower() in stand_ins),
        "flock-2025.no-federal-lookups": sum(1 for r in rows if any(f in r["Reason"] for f in federal)),
    }
    assert doc["violations"] == want
    assert doc["processed"] == len(rows)
