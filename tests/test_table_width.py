"""Text tables stay within the screen: a long word in a text column (an event id, a time) never pushes a table
past the edge, where its rows and its title would be cut off, and the ids in party columns stay whole."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app
from custodiet.console import out

RUNNER = CliRunner()
SNAPSHOTS = Path(__file__).parent / "data" / "flock-portal-snapshots"


def test_diff_table_fits_the_screen(tmp_path: Path) -> None:
    log = tmp_path / "snapshots.jsonl"
    assert RUNNER.invoke(app, ["import", "flock-portal", str(SNAPSHOTS), "-o", str(log)]).exit_code == 0
    args = ["diff", str(log), "--from", "2025-01-01", "--to", "2025-06-01", "--to-party", "agency:el-cajon-ca-pd"]
    doc = json.loads(RUNNER.invoke(app, [*args, "--json"]).stdout)
    r = RUNNER.invoke(app, args)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= out.width, r.stdout
    words = " ".join(line.strip() for line in lines)
    assert f"({len(doc['grants_added'])} added, {len(doc['grants_removed'])} removed;" in words, r.stdout
    for row in doc["grants_added"] + doc["grants_removed"]:
        for party in (row["grantor"], row["grantee"]):  # each id whole on a line of its own
            assert any(party in line for line in lines), party


def _grants(tmp_path: Path, n: int) -> Path:
    log = tmp_path / "grants.jsonl"
    log.write_text("".join(json.dumps({"event_id": f"g{i}", "type": "access_grant", "grantor": f"agency:town-{i}-nc-pd",
                                       "occurred_at": "2024-04-26T00:00:00Z", "grantee": "agency:fbi",
                                       "system": "flock", "scope": "alpr"}) + "\n" for i in range(n)), encoding="utf-8")
    return log


def test_diff_shows_forty_rows_and_says_how_many_it_left_out(tmp_path: Path) -> None:
    log = _grants(tmp_path, 45)
    args = ["diff", str(log), "--from", "2024-01-01", "--to", "2024-06-01"]

    def rows_shown(*more: str) -> tuple[int, str]:
        r = RUNNER.invoke(app, [*args, *more])
        assert r.exit_code == 0, r.output
        return sum(1 for i in range(45) if f"agency:town-{i}-nc-pd" in r.stdout), " ".join(r.stdout.split())

    n, words = rows_shown()
    assert n == 40 and "(45 added, 0 removed;" in words and "the first 40 of 45; 5 left out" in words, words
    assert rows_shown("--limit", "3")[0] == 3
    n, words = rows_shown("--all")
    assert n == 45 and "left out" not in words
    assert len(json.loads(RUNNER.invoke(app, [*args, "--json"]).stdout)["grants_added"]) == 45  # JSON: every row
