"""Reason tiers and federal assists, measured on hand-labelled samples (tests/data/reasons/), and what the
judge makes of them: search-reason fires on a missing reason only, an inferred federal party counts
everywhere the named one does."""

from __future__ import annotations

import csv
import json
from collections import Counter
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


@pytest.mark.skipif(not EUGENE.is_file(), reason="the shared Eugene audit is not on this machine")
def test_eugene_missing_reasons_are_its_blank_rows() -> None:
    """On the real Eugene audit (EyesOff Eugene, CC0) the missing tier counts exactly the rows whose reason is
    blank or a stand-in for nothing, counted here with the csv module."""
    with open(EUGENE, encoding="utf-8", newline="") as fh:
        reasons = [row["reason"] for row in csv.DictReader(fh)]
    stand_ins = {"", "n/a", "na", "none", "unknown", "tbd", "x", "***", "-", "."}
    blank = sum(1 for r in reasons if r.strip().lower() in stand_ins)
    tiers = Counter(read_reason(r).tier for r in reasons)
    assert sum(tiers.values()) == len(reasons) == 4294
    assert tiers["missing"] == blank
