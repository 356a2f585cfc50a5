"""``custodiet rules list``: every shipped rule set, read back from the TOML files themselves."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app

RUNNER = CliRunner()
POLICIES = Path(__file__).resolve().parent.parent / "policies"


def test_rules_list_matches_the_files() -> None:
    r = RUNNER.invoke(app, ["rules", "list", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    files = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in POLICIES.glob("*.toml")}
    assert doc["count"] == len(files) == len(doc["rule_sets"])
    for row in doc["rule_sets"]:
        data = files[row["id"]]
        assert row["description"] == data["description"]
        assert row["applies_in"] == data.get("applies_in", [])
        assert [x["id"] for x in row["rules"]] == [x["id"] for x in data["rules"]]
    text = RUNNER.invoke(app, ["rules", "list"], env={"COLUMNS": "200"}, terminal_width=200).stdout
    for name in files:
        assert name in text
    one = json.loads(RUNNER.invoke(app, ["rules", "list", "ca-sb54", "--json"]).stdout)
    assert [x["id"] for x in one["rule_sets"]] == ["ca-sb54"]
    bad = RUNNER.invoke(app, ["rules", "list", "ca-sb45"])
    assert bad.exit_code == 2 and "did you mean" in bad.stderr
