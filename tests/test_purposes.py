"""The reason classifier on hand-labelled strings and on the real Eugene audit."""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from classify.purposes import FORBIDDEN_PURPOSE_TERMS, PURPOSES, classify_reason, is_real_reason, search_purpose

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
EUGENE = DATA / "flock-search-audit-eugene-2025" / "EPDSearchAuditLogs.csv"

LABELLED = {
    # immigration, and words that only contain "ice"
    "ICE": "immigration",
    "ICE WARRANT": "immigration",
    "ICE+ERO": "immigration",
    "ero": "immigration",
    "HSI request": "immigration",
    "immigration": "immigration",
    "Deportation": "immigration",
    "assist hsi/ero": "immigration",
    "police": "unspecified",
    "juice": "unspecified",
    "service": "unspecified",
    "device theft": "property_crime",
    "Police service call": "investigation",  # a call for service, like "CFS"; not ICE
    "ice cream truck theft": "property_crime",
    # reproductive care
    "abortion": "reproductive_care",
    "Reproductive health investigation": "reproductive_care",
    # crimes
    "Person Crime": "violent_crime",
    "Person+Crime": "violent_crime",
    "Felony Peron Crime": "violent_crime",
    "Feld9ony Person Crime": "violent_crime",
    "Homicide Suspect": "violent_crime",
    "SHOOTING": "violent_crime",
    "UUV": "property_crime",
    "uuv": "property_crime",
    "Property+Crime": "property_crime",
    "FELONY PROEPRTY CRIME": "property_crime",
    "PROPERT": "property_crime",
    "BURG": "property_crime",
    "satg+burg+251402": "property_crime",
    "Stolen car": "property_crime",
    "BI MART THEFTS": "property_crime",
    "FORGERY CASE": "property_crime",
    "Other image search from alerts page associated with Alert: Stolen Vehicle 857PDN - 2025-08-17": (
        "property_crime"
    ),
    "Missing Person": "missing_person",
    "misper": "missing_person",
    "AMBER alert": "missing_person",
    "endangered runaway": "missing_person",
    "Welfare Check": "missing_person",
    "DUII / Reckless Driving": "traffic",
    "HIT & RUN": "traffic",
    "expired license": "traffic",
    "fentanyl dealing": "drugs",
    "narcotics": "drugs",
    # generic
    "inv": "investigation",
    "INVESTIGATIOM": "investigation",
    "investigtion": "investigation",
    "IVESTIGATIONS": "investigation",
    "Warrant": "investigation",
    "Suspicious Vehicle": "investigation",
    "2514277": "investigation",
    "Investigation, 2510494": "investigation",
    "CFS": "investigation",
    # junk
    "": "unspecified",
    "***": "unspecified",
    "——": "unspecified",
    "na": "unspecified",
    "NA": "unspecified",
    "test": "unspecified",
    "Administrative Test": "unspecified",
    "x": "unspecified",
    "?": "unspecified",
    "Daytime search for best result": "unspecified",
    "419DHN": "unspecified",
    "Taylor": "unspecified",
}


@pytest.mark.parametrize("reason", sorted(LABELLED))
def test_labelled(reason: str) -> None:
    assert classify_reason(reason) == LABELLED[reason]


def test_none_and_real() -> None:
    assert classify_reason(None) == "unspecified"
    assert not is_real_reason("   ")
    assert is_real_reason("ICE")
    assert set(FORBIDDEN_PURPOSE_TERMS) == {"immigration", "reproductive_care"}
    assert set(LABELLED.values()) <= set(PURPOSES)


# Every Eugene reason that says nothing about why (listed by hand from the distinct values).
EUGENE_JUNK = {
    "Daytime search for best result",
    "Administrative Test",
    "Camera Test",
    "Test",
    "Training",
    "Admin Test",
    "admin test",
    "Admin test",
    "ST2",
    "ST2.",
    "More Like This: ST2",
    "police",
    "POLICE",
    "Taylor",
    "",
    "LCSO",
    "pattern of life",
    "Drag",
    "Dragnet",
    "589hpm",
    "419DHN",
}


def test_eugene_distribution() -> None:
    if not DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail("shared data missing (CI is set)")
        pytest.skip("shared data not present")
    with open(EUGENE, encoding="utf-8", newline="") as fh:
        reasons = [row["reason"] for row in csv.DictReader(fh)]
    assert len(reasons) == 4294
    purposes = Counter(classify_reason(r) for r in reasons)
    assert sum(purposes.values()) == len(reasons)
    assert purposes["unspecified"] == sum(1 for r in reasons if r.strip() in EUGENE_JUNK)
    assert purposes["immigration"] == 0
    assert purposes["reproductive_care"] == 0
    # the big families, counted by hand-written predicates independent of the classifier's tables
    uuv = sum(1 for r in reasons if r.lower().startswith("uuv"))
    assert all(classify_reason(r) == "property_crime" for r in reasons if r.lower().startswith("uuv"))
    person = sum(1 for r in reasons if r.strip().lower() in ("person crime", "person+crime"))
    assert purposes["violent_crime"] >= person == 832
    assert purposes["property_crime"] >= uuv + 768
    assert purposes["missing_person"] == sum(
        1 for r in reasons if "missing" in r.lower() or "welfare" in r.lower() or r == "misper"
    )


# ---- measured on reasons labelled by hand -----------------------------------------------------------

LABELLED_DIR = Path(__file__).resolve().parent / "data" / "reasons"


def _labelled() -> list[tuple[str, str, int, str]]:
    """(reason, label, rows, source) for every labelled reason."""
    import csv

    out = []
    for name, source in (("eugene-2025-labelled.csv", "eugene"), ("constructed-labelled.csv", "constructed")):
        with open(LABELLED_DIR / name, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                out.append((r["reason"], r["label"], int(r.get("rows") or 1), source))
    return out


def _scores(pairs: list[tuple[str, str, int]]) -> dict[str, tuple[float, float, int]]:
    """label -> (precision, recall, support) over (truth, prediction, weight)."""
    from collections import Counter

    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    for truth, pred, weight in pairs:
        predicted[pred] += weight
        actual[truth] += weight
        if truth == pred:
            tp[truth] += weight
    return {
        c: (tp[c] / predicted[c] if predicted[c] else 1.0, tp[c] / actual[c] if actual[c] else 1.0, actual[c])
        for c in PURPOSES
        if actual[c] or predicted[c]
    }


def test_reason_classifier_measured_on_labelled_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    sample = _labelled()
    assert len(sample) >= 500
    assert sum(rows for _, _, rows, source in sample if source == "eugene") == 4294
    by_reason = _scores([(label, classify_reason(reason), 1) for reason, label, _, _ in sample])
    by_row = _scores([(label, classify_reason(reason), rows) for reason, label, rows, src in sample
                      if src == "eugene"])
    with capsys.disabled():
        print(f"\nreason classifier on {len(sample)} labelled reasons (each once) | Eugene audit rows (4,294)")
        print(f"{'class':18} {'precision':>9} {'recall':>7} {'n':>5} | {'precision':>9} {'recall':>7} {'rows':>5}")
        for c in PURPOSES:
            if c not in by_reason:
                continue
            p, r, n = by_reason[c]
            rp, rr, rn = by_row.get(c, (float("nan"), float("nan"), 0))
            print(f"{c:18} {p:9.3f} {r:7.3f} {n:5d} | {rp:9.3f} {rr:7.3f} {rn:5d}")
    assert by_reason["immigration"][0] == 1.0  # nothing that is not immigration is called immigration
    assert by_reason["immigration"][1] >= 0.95
    for c, (p, r, n) in by_reason.items():
        assert p >= 0.9 and r >= 0.85, (c, p, r, n)
    for c, (p, r, n) in by_row.items():
        assert p >= 0.95 and r >= 0.95, (c, p, r, n)


@pytest.mark.parametrize(
    ("reason", "offense", "purpose"),
    [
        ("", "Burglary", "property_crime"),
        ("***", "Stolen Vehicle", "property_crime"),
        ("investigation", "Homicide", "violent_crime"),
        ("ICE", "Theft", "immigration"),
        ("", None, "unspecified"),
        ("", "Other", "unspecified"),
        ("UUV", "Assault", "property_crime"),
    ],
)
def test_offense_type_gives_the_purpose_a_reason_lacks(reason: str, offense: str | None, purpose: str) -> None:
    assert search_purpose(reason, offense) == purpose


def test_penal_codes_and_case_numbers_are_not_blank() -> None:
    for reason in ["245(a)(2)PC", "211PC", "10851(a)CVC", "459PC", "GTA", "susp veh", "20260332", "2026-0380"]:
        assert is_real_reason(reason), reason
    assert classify_reason("20260332") == classify_reason("2026-0380") == "investigation"
