"""The time-blind comparison count stops at a work budget; when it does, every surface says it stopped
and none prints a count it does not have (never a 0 standing in for "not counted")."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app
from graph.trace import STATIC_BUDGET
from tests.conftest import rec, ts, write_log, xfer

runner = CliRunner()
PARTIES = [f"agency:p{i}-pd" for i in range(13)]


def dense_log(path: Path) -> Path:
    """A clip recorded on day 2 after hand-overs on day 1 among 13 agencies in every direction: no
    time-respecting path at all, and more time-blind paths than the budget lets the count visit."""
    events = [rec("r", "c", "resident:r-1", ts(2))]
    events += [xfer(f"o{i}", "c", "resident:r-1", p, ts(1)) for i, p in enumerate(PARTIES)]
    events += [xfer(f"t{i}-{j}", "c", a, b, ts(1)) for i, a in enumerate(PARTIES) for j, b in enumerate(PARTIES)
               if a != b]
    events.append(xfer("last", "c", PARTIES[-1], "agency:ice-ero", ts(1)))
    return write_log(path, events)


def test_trace_says_the_time_blind_count_stopped(tmp_path: Path) -> None:
    log = dense_log(tmp_path / "dense.jsonl")
    res = runner.invoke(app, ["trace", str(log), "--clip", "c", "--to", "agency:ice-ero", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["count"] == 0 and doc["count_exact"] is True  # the clip was recorded after every hand-over
    assert doc["static"]["count"] is None and doc["static"]["exact"] is False
    assert doc["static"]["stopped"] == f"work budget of {STATIC_BUDGET} steps"
    table = runner.invoke(app, ["trace", str(log), "--clip", "c", "--to", "agency:ice-ero"])
    assert table.exit_code == 0, table.output
    words = " ".join(table.stdout.split())
    assert f"time-blind count (overstates): not known, counting stopped at its work budget of {STATIC_BUDGET}" \
        in words


def test_a_small_clip_still_gets_its_time_blind_count(tmp_path: Path) -> None:
    log = write_log(tmp_path / "small.jsonl", [
        rec("r", "c", "resident:r-1", ts(1)),
        xfer("a", "c", "resident:r-1", "agency:a-pd", ts(3)),
        xfer("b", "c", "agency:a-pd", "agency:ice-ero", ts(2)),  # before a: time-blind only
    ])
    doc = json.loads(runner.invoke(app, ["trace", str(log), "--clip", "c", "--to", "agency:ice-ero",
                                         "--json"]).stdout)
    assert (doc["count"], doc["static"]["count"], doc["static"]["exact"]) == (0, 1, True)
    assert "stopped" not in doc["static"]
