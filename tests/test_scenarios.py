"""Scenario files: they load, validate against the committed (and fresh) JSON Schema, use real agencies
with credit lines, cover California, Illinois and a state without such laws, and fail clearly."""

from __future__ import annotations

import csv
import json
import tomllib

import jsonschema
import pytest

from classify.agencies import agency_party_id
from scenarios.load import (
    ALIASES,
    SCENARIO_DIR,
    SCHEMA_PATH,
    ScenarioError,
    available_scenarios,
    load_scenario,
    schema_is_stale,
)
from tests.conftest import SHARED_DATA

REQUIRED = [
    "ring-2019-portal",
    "ring-2021-rfa",
    "ring-2024-warrants-only",
    "ring-2025-community",
    "ring-flock-2025-whatif",
]
FEDERAL = [
    "agency:ice-hsi",
    "agency:ice-ero",
    "agency:cbp",
    "agency:fbi",
    "agency:atf",
    "agency:us-secret-service",
    "agency:ncis",
    "agency:us-postal-inspection-service",
]


def test_required_scenarios_ship_and_default_is_an_alias():
    assert set(REQUIRED) <= set(available_scenarios())
    assert ALIASES["default"] in available_scenarios()
    assert load_scenario("default").name == "ring-2019-portal"


def test_committed_schema_is_not_stale():
    assert not schema_is_stale(), "run: python -c 'from scenarios.load import write_schema; write_schema()'"


@pytest.mark.parametrize("name", REQUIRED)
def test_scenario_files_validate_against_the_schema(name):
    schema = json.loads(SCHEMA_PATH.read_text())
    data = tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text())
    # TOML dates are datetimes: the schema sees them as JSON text, as a JSON scenario file would carry them.
    data = json.loads(json.dumps(data, default=lambda d: d.isoformat()))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    sc = load_scenario(name)
    assert sc.credit and sc.calibration
    assert {a.id for a in sc.agencies if a.kind == "federal"} >= set(FEDERAL)


def test_jurisdictions_cover_california_illinois_and_a_state_without_such_laws():
    states = {a.state for n in REQUIRED for a in load_scenario(n).agencies}
    assert {"CA", "IL"} <= states and states & {"TX", "NC"}
    assert {a.state for a in load_scenario("default").agencies if a.state} == {"CA", "IL", "TX"}


def test_party_ids_follow_agency_party_id():
    for n in REQUIRED:
        for a in load_scenario(n).agencies:
            if a.source.startswith("ring-partnerships") and a.state and not a.flock_cameras:
                assert a.id == agency_party_id(f"{a.name} {a.state}")
            elif a.source.startswith("flock-sharing"):
                assert a.id == agency_party_id(a.name)


def test_agencies_are_real(shared_data):
    with open(
        SHARED_DATA / "ring-partnerships-2020" / "atlas_ring_neighbors_2020-10-07.csv", encoding="utf-8"
    ) as f:
        ring = {(r["Agency"].strip(), r["State"].strip()) for r in csv.DictReader(f)}
    with open(SHARED_DATA / "flock-sharing-nc-2024" / "agency_access20240426.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    flock = {r["src_agency"].strip() for r in rows} | {r["external_agency"].strip() for r in rows}
    edges = {
        (agency_party_id(r["src_agency"].strip()), agency_party_id(r["external_agency"].strip()))
        for r in rows
    }
    for n in REQUIRED:
        sc = load_scenario(n)
        for a in sc.agencies:
            if a.source == "ring-partnerships-2020":
                assert (a.name, a.state) in ring, a.name
            elif a.source.startswith("flock-sharing"):
                assert a.name in flock, a.name
        for g in sc.flock_grants:
            assert (g.grantor, g.grantee) in edges


def test_unknown_and_broken_scenarios_name_file_and_field(tmp_path):
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'.*ring-2019-portal"):
        load_scenario("nope")
    bad = tmp_path / "bad.toml"
    text = (
        (SCENARIO_DIR / "ring-2019-portal.toml")
        .read_text()
        .replace("share_rate = 0.3", "share_rate = 3.0", 1)
    )
    bad.write_text(text)
    with pytest.raises(ScenarioError, match=r"bad.toml: field 'behaviour.share_rate'"):
        load_scenario(bad)
    bad.write_text(text.replace("share_rate = 3.0", "share_rate = 0.3").replace('"ca-sb54"', '"ca-sb99"'))
    with pytest.raises(ScenarioError, match=r"bad.toml: field 'rule_sets.3': unknown rule set 'ca-sb99'"):
        load_scenario(bad)
    bad.write_text("name = [")
    with pytest.raises(ScenarioError, match="bad.toml: not TOML"):
        load_scenario(bad)
