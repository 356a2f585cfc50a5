"""The time options on the command line: ``--max-wait`` on ``trace`` and ``reach``, ``--as-of`` on the
analyses; bad values are one line naming the flag. Expected numbers are worked out by hand from the logs
written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from tests.conftest import rec, ts, write_log, xfer

runner = CliRunner()

# A clip recorded on day 1 at 00:00; the police get it an hour later and pass it on to ICE 12 hours after
# that, and again two days later; the owner also hands it straight to ICE a day after recording.
WAIT_LOG = [
    rec("r", "c1", "resident:r-1", ts(1)),
    xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", ts(1, 1)),
    xfer("t2", "c1", "agency:oakland-ca-pd", "agency:ice-ero", ts(1, 13)),
    xfer("t3", "c1", "agency:oakland-ca-pd", "agency:ice-ero", ts(3)),
    xfer("t4", "c1", "resident:r-1", "agency:ice-ero", ts(2)),
]


def run_json(*args: str) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize(("wait", "paths"), [
    ("12h", [["t1", "t2"]]),
    ("1d", [["t1", "t2"], ["t4"]]),
    ("30m", []),
    (None, [["t1", "t2"], ["t1", "t3"], ["t4"]]),
])
def test_max_wait_on_trace_and_reach(tmp_path: Path, wait: str | None, paths: list[list[str]]) -> None:
    log = str(write_log(tmp_path / "w.jsonl", WAIT_LOG))
    extra = ["--max-wait", wait] if wait else []
    doc = run_json("trace", log, "--clip", "c1", "--to", "agency:ice-ero", "--attempts", *extra)
    assert sorted(p["events"] for p in doc["paths"]) == paths
    assert doc["count"] == len(paths)
    r = run_json("reach", log, "--to", "agency:ice-ero", "--attempts", *extra)
    assert r["path_count"] == len(paths)
    assert r["clip_count"] == (1 if paths else 0)
    through_police = sum(1 for p in paths if p[0] == "t1")
    rows = {row["party"]: row["paths"] for row in r["parties"]}
    assert rows.get("agency:oakland-ca-pd", 0) == through_police
    if wait:
        assert doc["max_wait_seconds"] == r["max_wait_seconds"] > 0
    else:
        assert "max_wait_seconds" not in doc


@pytest.mark.parametrize(("args", "flag"), [
    (["--max-wait", "soon"], "--max-wait"),
    (["--max-wait", "-3h"], "--max-wait"),
])
def test_bad_time_values_name_the_flag(tmp_path: Path, args: list[str], flag: str) -> None:
    log = str(write_log(tmp_path / "w.jsonl", WAIT_LOG))
    res = runner.invoke(app, ["reach", log, "--to", "agency:ice-ero", *args])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0] and "Traceback" not in res.output
