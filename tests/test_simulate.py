"""Simulated services: determinism, exact counts, schema validity (jsonschema, not pydantic), calibration,
a path from a resident to a federal agency, federal direct requests gated, and the command line."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from graph.custody import CustodyGraph
from graph.reach import reach
from judge.pipeline import run_check
from scenarios.load import available_scenarios, load_scenario
from schemas.events import parse_event
from world.simulate import calibration, event_line, simulate

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "schemas" / "json"


@cache
def run(name: str, seed: int, n: int) -> tuple[dict, ...]:
    return tuple(simulate(load_scenario(name), seed, n))


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / "event.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    runner = CliRunner()
    outs = []
    for i, seed in enumerate((4, 4, 5)):
        p = tmp_path / f"{i}.jsonl"
        res = runner.invoke(
            app, ["simulate", "--scenario", "default", "--seed", str(seed), "--events", "3000", "-o", str(p)]
        )
        assert res.exit_code == 0, res.output
        outs.append(p.read_bytes())
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]
    assert outs[0].count(b"\n") == 3000


@pytest.mark.parametrize("name", available_scenarios())
def test_exact_count_sorted_unique_and_schema_valid(name):
    evs = run(name, 11, 4000)
    assert len(evs) == 4000
    keys = [(e["occurred_at"], e["event_id"]) for e in evs]
    assert keys == sorted(keys)
    assert len({e["event_id"] for e in evs}) == len(evs)
    v = validator()
    for e in evs:
        errors = list(v.iter_errors(json.loads(event_line(e))))
        assert not errors, (e, errors[0].message)
    assert len({e["type"] for e in evs}) >= 5


@pytest.mark.parametrize("name", available_scenarios())
def test_calibration_within_tolerance(name):
    sc = load_scenario(name)
    rows = calibration(sc, run(name, 1, 20_000))
    assert len(rows) == len(sc.calibration)
    bad = [r for r in rows if not r.ok]
    assert not bad, bad


def test_default_run_has_a_path_from_a_resident_to_a_federal_party():
    sc = load_scenario("default")
    g = CustodyGraph.from_events(
        [parse_event(event_line(e)) for e in run("default", 1, 20_000)], sc.registry()
    )
    federal = [a.id for a in sc.agencies if a.kind == "federal" and g.has_party(a.id)]
    reached = [c for f in federal for c in reach(g, f)["clips"] if c["owner"].startswith("resident:")]
    assert reached, "no resident's clip reached a federal party"
    assert any(c["intermediaries"] for c in reached)


def test_federal_direct_requests_are_gated():
    sc = load_scenario("default")
    lines = [(i, event_line(e).encode()) for i, e in enumerate(run("default", 1, 20_000), 1)]
    res = run_check(lines, sc.rule_sets, sc.registry(), keep=True)
    assert res.document()["dead_letters"] == 0
    fed = {a.id for a in sc.agencies if a.kind == "federal"}
    direct = [
        v
        for v in res.verdicts
        if v.event_type == "footage_request" and any(p in fed for vi in v.violations for p in vi.parties)
    ]
    assert direct and all(v.outcome == "gated" for v in direct)
    assert any(vi.rule_id == "ring-2019-portal.partners-only" for v in direct for vi in v.violations)


def test_unknown_scenario_is_one_line_exit_2(tmp_path):
    res = CliRunner().invoke(
        app, ["simulate", "--scenario", "nope", "--events", "10", "-o", str(tmp_path / "x")]
    )
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "unknown scenario 'nope'" in lines[0] and "ring-2019-portal" in lines[0]


def test_scenarios_command_and_calibration_json(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["scenarios", "--json"])
    assert res.exit_code == 0
    assert "ring-2019-portal" in {d["name"] for d in json.loads(res.stdout)}
    res = runner.invoke(
        app,
        [
            "simulate",
            "--scenario",
            "ring-2024-warrants-only",
            "--events",
            "2000",
            "--json",
            "--calibration",
            "-o",
            str(tmp_path / "w.jsonl"),
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["events"] == 2000 and {r["metric"] for r in doc["calibration"]} >= {"federal_search_share"}
