"""The agency classifier on tricky names (expected answers worked out by hand) and on the real name list."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from classify.agencies import (
    CATEGORY_KINDS,
    agency_party_id,
    agency_slug,
    classify_agency,
    load_overrides,
    make_resolver,
    name_from_slug,
    normalise_name,
    resolve_party,
    state_of_name,
)
from schemas.parties import PartyRegistry

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NC = DATA / "flock-sharing-nc-2024"


def _need_data() -> None:
    if not DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing at {DATA} (CI is set)")
        pytest.skip("shared data not present")


# name -> (category, kind, state)
TRICKY = {
    "Dearborn MI PD": ("local police", "local", "MI"),
    "Foothill-DeAnza CA PD": ("local police", "local", "CA"),
    "MS Office of Homeland Security": ("state", "state", "MS"),
    "US Postal Inspection Service": ("federal", "federal", None),
    "ATF Nashville TN": ("federal", "federal", None),
    "ATF Louisville KY": ("federal", "federal", None),
    "FBI": ("federal", "federal", None),
    "USMS": ("federal", "federal", None),
    "United States Border Control - Grand Forks Sector MN": ("federal", "federal", None),
    "Chattahoochee River N.R.A. - Law Enforcement": ("federal", "federal", None),
    "Indiana Dunes National Park IN PD": ("federal", "federal", None),
    "Roudebush Medical Center Veterans Affairs IN PD": ("federal", "federal", None),
    "Tennessee Valley Authority Police": ("federal", "federal", None),
    "National City CA PD": ("local police", "local", "CA"),
    "Fort Bragg CA PD": ("local police", "local", "CA"),
    "Fort Eustis VA US Army": ("military", "federal", None),
    "Langley VA US Air Force": ("military", "federal", None),
    "Ohio National Guard": ("military", "state", "OH"),
    "Marine City MI PD": ("local police", "local", "MI"),
    "Alabama Drug Enforcement Task Force Region G": ("task force", "local", "AL"),
    "MEDWAY Drug Enforcement Agency OH PD": ("task force", "local", "OH"),
    "Los Angeles County CA SD": ("sheriff", "sheriff", "CA"),
    "LA County CA Sheriff": ("sheriff", "sheriff", "CA"),
    "Wagoner CO SO OK": ("sheriff", "sheriff", "OK"),
    "Reeves CO TX SO": ("sheriff", "sheriff", "TX"),
    "Madison TWP (Franklin CO) OH PD": ("local police", "local", "OH"),
    "CO - Fort Collins PD": ("local police", "local", "CO"),
    "UT Health - Tyler (TX)": ("university", "local", "TX"),
    "Georgia Department of Natural Resources - NOT IN USE": ("state", "state", "GA"),
    "Lake In The Hills IL PD": ("local police", "local", "IL"),
    "Truth or Consequences NM PD": ("local police", "local", "NM"),
    "Crestview Fl PD": ("local police", "local", "FL"),
    "La Mesa CA PD": ("local police", "local", "CA"),
    "Kansas City MO PD": ("local police", "local", "MO"),
    "Michigan City IN PD": ("local police", "local", "IN"),
    "Wyoming Police Department": ("local police", "local", None),
    "Ohio DPS": ("state", "state", "OH"),
    "Sikeston MO DPS": ("local police", "local", "MO"),
    "Texas Department of Public Safety": ("state", "state", "TX"),
    "Benton Harbor Department of Public Safety MI": ("local police", "local", "MI"),
    "Kentucky State Police KY PD": ("state", "state", "KY"),
    "Little Flock AR PD": ("local police", "local", "AR"),
    "Flock Safety - Sales": ("private", "unknown", None),
    "Union Pacific Railroad PD": ("private", "unknown", None),
    "University Park IL PD": ("local police", "local", "IL"),
    "College Park GA PD": ("local police", "local", "GA"),
    "Ohio State University OH PD": ("university", "local", "OH"),
    "Northeast Ohio Regional Fusion Center": ("fusion center", "fusion", "OH"),
    "MAGLOCLEN RISS": ("multistate center", "fusion", None),
    "Wake County NC SO": ("sheriff", "sheriff", "NC"),
    "Clark Co. IL Sheriff's Dept.": ("sheriff", "sheriff", "IL"),
    "Cobb County GA DA": ("prosecutor", "local", "GA"),
    "Will County State Attorney's Office (IL)": ("prosecutor", "local", "IL"),
    "Illinois Attorney General": ("state", "state", "IL"),
    "Austin Texas PD": ("local police", "local", "TX"),
    "Hamilton GA": ("local police", "local", "GA"),
    "Delete - Don't Use": ("unknown", "unknown", None),
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_names(name: str) -> None:
    category, kind, state = TRICKY[name]
    got = classify_agency(name)
    assert (got.category, got.kind, got.state) == (category, kind, state), got.rule


def test_federal_field_office_keeps_location() -> None:
    assert classify_agency("ATF Nashville TN").located_in == "TN"
    assert classify_agency("FBI").located_in is None


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("Sylvania OH PD", "OH"),
        ("Waterford Township PD- MI", "MI"),
        ("Allen Park PD MI", "MI"),
        ("Tooele City PD UT", "UT"),
        ("Winston Count MS CO", "MS"),
        ("Bureau Co. IL SO", "IL"),
        ("De Pere WI PD", "WI"),
        ("Mt. Zion IL PD", "IL"),
        ("18th Judicial District DA's Office- LA PD", "LA"),
        ("Forsyth County GA SO - Mobile (Not in Use)", "GA"),
        ("Cincinnati/Northern Kentucky Intl Airport PD", "KY"),
        ("Oregon OH PD", "OH"),
        ("Oregon City Police Department", "OR"),
        ("Maryland Heights MO PD", "MO"),
        ("Eugene OR PD", "OR"),
        ("Portland ME PD", "ME"),
        ("Gary IN PD", "IN"),
        ("PD", None),
        ("", None),
    ],
)
def test_state_of_name(name: str, state: str | None) -> None:
    assert state_of_name(name) == state


def test_names_and_ids() -> None:
    assert normalise_name("  Aurora OH PD \u00a0") == "Aurora OH PD"
    assert normalise_name("Waterford Township PD\u2013 MI") == "Waterford Township PD- MI"
    assert normalise_name("Sheriff\u2019s  Office") == "Sheriff's Office"
    assert agency_slug("Miami-Dade FL PD") == agency_slug("Miami Dade FL PD") == "miami-dade-fl-pd"
    assert agency_party_id("El Cajon CA PD") == "agency:el-cajon-ca-pd"
    assert agency_party_id("FBI") == "agency:fbi"
    assert agency_party_id("US Postal Inspection Service") == "agency:us-postal-inspection-service"
    assert agency_party_id("Clark Co. IL Sheriff's Dept.") == "agency:clark-co-il-sheriff-s-dept"


@pytest.mark.parametrize(
    ("party_id", "kind", "state"),
    [
        ("agency:fbi", "federal", None),
        ("agency:dearborn-mi-pd", "local", "MI"),
        ("agency:atf-nashville-tn", "federal", None),
        ("agency:ms-office-of-homeland-security", "state", "MS"),
        ("agency:los-angeles-county-ca-sd", "sheriff", "CA"),
        ("agency:la-mesa-ca-pd", "local", "CA"),
        ("agency:us-postal-inspection-service", "federal", None),
        ("agency:wake-county-nc-so", "sheriff", "NC"),
    ],
)
def test_resolver(party_id: str, kind: str, state: str | None) -> None:
    registry = PartyRegistry(resolver=resolve_party)
    assert registry.kind_of(party_id) == kind
    assert registry.state_of(party_id) == state
    assert registry.get(party_id).id == party_id


def test_resolver_ignores_other_ids() -> None:
    assert resolve_party("platform:ring") is None
    assert resolve_party("resident:r-1") is None
    assert PartyRegistry(resolver=resolve_party).kind_of("platform:ring") == "platform"


def test_name_from_slug() -> None:
    assert name_from_slug("el-cajon-ca-pd") == "El Cajon CA PD"
    assert name_from_slug("wagoner-co-so-ok") == "Wagoner Co SO OK"  # "co" (county) is not the state slot


def test_overrides_csv_and_json(tmp_path: Path) -> None:
    csv_file = tmp_path / "ov.csv"
    csv_file.write_text(
        "agency,kind,state,category\n"
        "Tennessee Valley Authority Police,state,TN,\n"
        "agency:hamilton-ga,,,private\n"
        "FBI,,none,\n",
        encoding="utf-8",
    )
    ov = load_overrides(csv_file)
    tva = classify_agency("Tennessee Valley Authority Police", ov)
    assert (tva.kind, tva.state, tva.category, tva.rule) == ("state", "TN", "federal", "override")
    ham = classify_agency("Hamilton GA", ov)
    assert (ham.category, ham.kind, ham.state) == ("private", "unknown", "GA")
    json_file = tmp_path / "ov.json"
    json_file.write_text(json.dumps({"Dearborn MI PD": {"kind": "federal", "category": "federal"}}))
    ov2 = load_overrides(json_file)
    assert classify_agency("Dearborn MI PD", ov2).kind == "federal"
    reg = PartyRegistry(resolver=make_resolver(ov2))
    assert reg.kind_of("agency:dearborn-mi-pd") == "federal"
    assert reg.kind_of("agency:fbi") == "federal"
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,kind\nX PD,alien\n")
    with pytest.raises(ValueError):
        load_overrides(bad)


def test_every_category_has_a_kind() -> None:
    from schemas.parties import PARTY_KINDS

    assert set(CATEGORY_KINDS.values()) <= set(PARTY_KINDS) - {"resident", "platform", "public"}


def test_kind_lists_agree() -> None:
    """Kinds are listed once (schemas.parties.PartyKind); every table keyed by kind covers them all."""
    import json

    from reports.figures import KIND_COLOURS
    from reports.names import _KINDS
    from schemas.generate import JSON_DIR
    from schemas.parties import _PREFIX_KINDS, AGENCY_KINDS, PARTY_KINDS, STATE_BOUND_KINDS

    assert set(_KINDS) == set(PARTY_KINDS)
    assert set(KIND_COLOURS) <= set(PARTY_KINDS)  # a kind without a colour of its own is drawn grey
    assert set(_PREFIX_KINDS.values()) | AGENCY_KINDS | STATE_BOUND_KINDS <= set(PARTY_KINDS)
    schema = json.loads((JSON_DIR / "party-registry.schema.json").read_text())
    assert set(schema["$defs"]["Party"]["properties"]["kind"]["enum"]) == set(PARTY_KINDS)


def test_real_nc_names() -> None:
    _need_data()
    with open(NC / "agency20240426.csv", encoding="utf-8", newline="") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    assert len(names) == 5152
    classes = {n: classify_agency(n) for n in names}
    # hand-checked federal bodies in the list
    federal = sorted(n for n, c in classes.items() if c.kind == "federal")
    for expected in [
        "FBI",
        "ATF Nashville TN",
        "ATF Louisville KY",
        "US Postal Inspection Service",
        "USMS",
        "US - GSA Inspector General",
        "National Park Service (TN)",
        "Fort Eustis VA US Army",
        "Langley VA US Air Force",
    ]:
        assert expected in federal
    # nothing that merely contains DEA/ICE/US letters is federal
    for n in federal:
        assert not n.endswith((" PD", " SO")) or "National Park" in n or "Veterans Affairs" in n, n
    # every name ending in " SO" (sheriff's office) with a state is a sheriff
    for n, c in classes.items():
        if n.endswith(" SO") and "Task Force" not in n:
            assert c.kind == "sheriff", n
    # almost every name gets a category
    unknown = [n for n, c in classes.items() if c.category == "unknown"]
    assert len(unknown) < 15, unknown


# ---- measured on real names labelled by hand ------------------------------------------------------


def test_agency_classifier_measured_on_labelled_nc_names(capsys: pytest.CaptureFixture[str]) -> None:
    """530 names of the NC sharing data (200 at random, 330 drawn from the hard ones: universities,
    federal, task forces, names without a state token, ...), each read and labelled by hand."""
    import csv
    from collections import Counter

    path = Path(__file__).resolve().parent / "data" / "agencies-nc-labelled.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 500
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    state_given = state_right = state_known = state_found = 0
    for r in rows:
        c = classify_agency(r["name"])
        predicted[c.category] += 1
        actual[r["category"]] += 1
        tp[c.category] += c.category == r["category"]
        if c.state:
            state_given += 1
            state_right += c.state == r["state"]
        if r["state"]:
            state_known += 1
            state_found += c.state == r["state"]
    with capsys.disabled():
        print(f"\nagency classifier on {len(rows)} hand-labelled NC names")
        print(f"{'category':20} {'precision':>9} {'recall':>7} {'n':>4}")
        for cat in sorted(set(actual) | set(predicted)):
            p = tp[cat] / predicted[cat] if predicted[cat] else float("nan")
            r_ = tp[cat] / actual[cat] if actual[cat] else float("nan")
            print(f"{cat:20} {p:9.3f} {r_:7.3f} {actual[cat]:4d}")
        print(f"state: precision {state_right / state_given:.3f} ({state_given} given), "
              f"recall {state_found / state_known:.3f} ({state_known} with a state)")
    assert state_right / state_given >= 0.99  # a state given is right
    assert state_found / state_known >= 0.95
    for cat in actual:
        if predicted[cat]:
            assert tp[cat] / predicted[cat] >= 0.9, cat


# ---- names as other Flock pages write them (issue 19) ---------------------------------------------

@pytest.mark.parametrize("name", ["(Federal) US Postal Inspection Service", "US Postal Inspection Service (Federal)",
                                  "[Federal] US Postal Inspection Service", "[Federal] - US Postal Inspection Service"])
def test_flock_federal_mark_is_the_agency_itself(name: str) -> None:
    c = classify_agency(name)
    assert (c.party_id, c.name, c.kind, c.state) == (
        "agency:us-postal-inspection-service", "US Postal Inspection Service", "federal", None)


def test_flock_federal_mark_makes_federal_and_a_federal_word_does_not() -> None:
    assert classify_agency("(Federal) Wright Patterson OH Air Force Base").kind == "federal"
    assert classify_agency("[Federal] Gulf Coast HIDTA Task Force").kind == "federal"
    town = classify_agency("Federal Way WA PD")  # a town in Washington
    assert (town.party_id, town.kind, town.state) == ("agency:federal-way-wa-pd", "local", "WA")


@pytest.mark.parametrize(("name", "state"), [("The Town of Los Gatos", "CA"), ("Town of Los Gatos", "CA"),
                                             ("City of Los Gatos", "CA"), ("The City of Fort Collins", "CO"),
                                             ("The Colony TX PD", "TX")])
def test_town_of_and_city_of_take_the_place_state(name: str, state: str) -> None:
    assert classify_agency(name).state == state


@pytest.mark.parametrize(("name", "state"), [("Knoxville Fire Dept TN", "TN"), ("Ukiah Fire CA FD", "CA"),
                                             ("St. George LA Fire Protection", "LA"), ("Cal Fire", None),
                                             ("Orange County Fire Authority", None),
                                             ("South East Regional Emergency Services Authority (SERESA) MI", "MI")])
def test_fire_and_rescue_agencies_are_their_own_kind(name: str, state: str | None) -> None:
    c = classify_agency(name)
    assert (c.category, c.kind, c.state) == ("fire", "fire", state)


@pytest.mark.parametrize("name", ["Firestone CO PD", "Foxfire Village NC PD", "Fire and Police Dispatch OH PD"])
def test_fire_false_friends_stay_police(name: str) -> None:
    assert classify_agency(name).kind == "local"


@pytest.mark.parametrize("name", ["[DEACTIVATED] - demo", "[DEACTIVATED] Springfield IL PD", "Test Demo 1234",
                                  "Miami Dade (Duplicate don't use)", "Flock Safety PD Test Org", "DNU"])
def test_deactivated_demo_and_test_entries_are_marked(name: str) -> None:
    assert classify_agency(name).left_out


@pytest.mark.parametrize("name", ["Demopolis AL PD", "Whitestown IN PD", "Testerman County SO", "FBI"])
def test_agencies_whose_names_hold_such_letters_are_not_marked(name: str) -> None:
    assert classify_agency(name).left_out is None
