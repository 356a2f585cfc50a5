"""The reason classifier on hand-labelled strings and on the real Eugene audit."""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from classify.purposes import FORBIDDEN_PURPOSE_TERMS, PURPOSES, classify_reason, is_real_reason

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
    "Police service call": "unspecified",
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
