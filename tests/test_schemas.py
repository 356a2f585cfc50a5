"""The committed JSON Schemas are what the models generate, and they accept/refuse what the models do."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from schemas.events import EVENT_ADAPTER, parse_event
from schemas.generate import JSON_DIR, generated, stale, write
from tests.conftest import ev, rec, ts, xfer


def test_committed_schema_files_are_not_stale() -> None:
    assert stale() == [], "run: custodiet schemas --write"


def test_stale_check_notices_a_changed_file(tmp_path: Path) -> None:
    write(tmp_path)
    assert stale(tmp_path) == []
    (tmp_path / "transfer.schema.json").write_text("{}")
    assert stale(tmp_path) == ["transfer.schema.json"]


EXAMPLES = [
    rec("r", "c", "resident:r-1", ts(1), location={"lat": 37.8, "lon": -122.2}),
    xfer("t", "c", "resident:r-1", "agency:oakland-ca-pd", ts(2), basis="consent", request_id="q", via="platform:ring"),
    ev("footage_request", "q", ts(1), request_id="q", requester="agency:oakland-ca-pd", platform="ring",
       area={"lat": 37.8, "lon": -122.2, "radius_m": 300}, window={"start": ts(1), "end": ts(1, 6)},
       investigation_code=None, purpose="burglary"),
    ev("consent_decision", "d", ts(2), request_id="q", owner="resident:r-1", decision="share", clip_ids=["c"]),
    ev("search", "s", ts(3), searcher="agency:eugene-or-pd", reason="UUV", networks_searched=3, cameras_searched=2510),
    ev("legal_process", "l", ts(3), request_id="w", requester="agency:fbi", platform="ring", kind="warrant",
       clip_ids=["c"]),
    ev("access_grant", "g", ts(3), grantor="agency:el-cajon-ca-pd", grantee="agency:fbi", system="flock",
       scope="alpr-search"),
]
BROKEN = [
    {**EXAMPLES[0], "owner": "has space"},
    {**EXAMPLES[1], "basis": "bribe"},
    {k: v for k, v in EXAMPLES[2].items() if k != "investigation_code"},
    {**EXAMPLES[3], "decision": "maybe"},
    {**EXAMPLES[4], "networks_searched": "many"},
    {**EXAMPLES[5], "kind": "letter"},
    {**EXAMPLES[0], "occurred_at": "2024-05-01T00:00:00"},  # no offset
    {**EXAMPLES[0], "type": "clip_deleted"},
]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((JSON_DIR / "event.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: e["type"])
def test_valid_examples_pass_both(event: dict, validator: jsonschema.Draft202012Validator) -> None:
    validator.validate(event)
    assert parse_event(json.dumps(event)).event_id == event["event_id"]


@pytest.mark.parametrize("event", BROKEN, ids=range(len(BROKEN)))
def test_broken_examples_fail_both(event: dict, validator: jsonschema.Draft202012Validator) -> None:
    assert not validator.is_valid(event)
    with pytest.raises(ValidationError):
        EVENT_ADAPTER.validate_json(json.dumps(event))


def test_every_event_type_has_a_schema_file() -> None:
    names = set(generated())
    for t in ("clip_recorded", "footage_request", "consent_decision", "transfer", "search", "legal_process",
              "access_grant"):
        assert f"{t}.schema.json" in names


def test_registry_keeps_a_learned_state_when_a_later_event_names_the_party_without_one() -> None:
    from schemas.parties import PartyRegistry

    reg = PartyRegistry()

    def grant(**hints: str) -> object:
        return type("Grant", (), {"PARTY_FIELDS": ("grantor",), "grantor": "agency:x-pd", **hints})()

    reg.learn(grant(grantor_name="X PD", grantor_state="CO"))
    reg.learn(grant(grantor_name="X Police Department"))
    assert (reg.state_of("agency:x-pd"), reg.get("agency:x-pd").name) == ("CO", "X Police Department")
    reg.learn(grant(grantor_state="WY"))
    assert (reg.state_of("agency:x-pd"), reg.get("agency:x-pd").name) == ("WY", "X Police Department")
