"""``custodiet searches AUDIT`` reads an audit as ``import flock-audit`` does, and says what it assumed as the
import says it: each assumption on stderr as ``assumed: ...`` (with ``--json`` too), and under ``assumptions``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodiet.cli import app

RUNNER = CliRunner()
AUDITS = Path(__file__).parent / "data" / "flock-audit"


@pytest.mark.parametrize("name,more", [("network-audit.csv", []), ("messy-audit.csv", ["--agency", "Eugene OR PD"]),
                                       ("portal-audit.json", ["--agency", "Eugene OR PD"])])
def test_searches_of_an_audit_says_what_the_import_assumed(tmp_path: Path, name: str, more: list[str]) -> None:
    audit = str(AUDITS / name)
    imp = RUNNER.invoke(app, ["import", "flock-audit", audit, *more, "-o", str(tmp_path / "e.jsonl"), "--json"])
    assert imp.exit_code == 0, imp.output
    said = [line.removeprefix("assumed: ") for line in imp.stderr.splitlines() if line.startswith("assumed: ")]
    assert said and any("--tz" in s for s in said)  # the audit's times carry no zone
    for args in ([], ["--json"]):
        r = RUNNER.invoke(app, ["searches", audit, *more, *args])
        assert r.exit_code == 0, r.output
        assert [line.removeprefix("assumed: ") for line in r.stderr.splitlines()
                if line.startswith("assumed: ")] == said, r.stderr
    assert json.loads(RUNNER.invoke(app, ["searches", audit, *more, "--json"]).stdout)["assumptions"] == said
    given = RUNNER.invoke(app, ["searches", audit, *more, "--tz", "America/New_York"])
    assert "--tz" not in given.stderr  # a zone given is not assumed
    log = RUNNER.invoke(app, ["searches", str(tmp_path / "e.jsonl")])
    assert log.exit_code == 0 and "assumed:" not in log.stderr  # a log of events was read as written
