"""``reach --as-of`` on data of grants says its sentences hold as of the date: a date before every grant is
"no ... as of DATE", not a claim that the data holds nothing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app

RUNNER = CliRunner()


def test_reach_as_of_says_as_of_when(tmp_path: Path) -> None:
    grants = [("agency:el-cajon-ca-pd", "agency:fbi"), ("agency:fresno-ca-pd", "agency:fbi")]
    log = tmp_path / "g.jsonl"
    log.write_text("".join(json.dumps({"event_id": f"g{i}", "type": "access_grant", "grantor": a, "grantee": b,
                                       "occurred_at": "2024-04-26T00:00:00Z", "system": "flock", "scope": "alpr"})
                           + "\n" for i, (a, b) in enumerate(grants)), encoding="utf-8")

    def words(*more: str) -> str:
        r = RUNNER.invoke(app, ["reach", str(log), "--to", "FBI", *more], env={"COLUMNS": "200"})
        assert r.exit_code == 0, r.output
        return " ".join(r.stdout.split())

    before = words("--as-of", "2024-01-01")
    assert "This data holds no hand-over, access grant or search into FBI as of 2024-01-01T23:59:59Z." in before
    after = words("--as-of", "2024-06-01")
    assert f"({len(grants)} access grants in this data as of 2024-06-01T23:59:59Z)" in after, after
    assert f"({len(grants)} access grants in this data)" in words()
