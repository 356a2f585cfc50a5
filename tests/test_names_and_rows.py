"""``--json`` documents carry names beside ids (names carried on events first, with or without a registry);
text tables say how many rows they left out and show them all with ``--all``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app
from tests.conftest import rec, ts, write_log, xfer

RUNNER = CliRunner()
ICE = "agency:ice-ero"


def _log(tmp_path: Path, n: int = 5) -> Path:
    events = []
    for i in range(n):
        events += [rec(f"r{i}", f"c{i}", f"resident:r-{i}", ts(1)),
                   xfer(f"a{i}", f"c{i}", f"resident:r-{i}", f"agency:pd-{i}", ts(2), to_party_name=f"Town {i} Police"),
                   xfer(f"b{i}", f"c{i}", f"agency:pd-{i}", ICE, ts(3))]
    events.append(xfer("x", "c0", "agency:pd-0", "agency:ncric", ts(4)))
    return write_log(tmp_path / "l.jsonl", events)


def test_json_names_beside_ids(tmp_path: Path) -> None:
    log = _log(tmp_path)
    for args in (["reach", str(log), "--to", ICE], ["conduits", str(log), "--to", ICE],
                 ["trace", str(log), "--clip", "c1", "--to", ICE]):
        r = RUNNER.invoke(app, [*args, "--json"])
        assert r.exit_code == 0, r.output
        doc = json.loads(r.stdout)
        ids = {p for p in r.stdout.split('"') if p.startswith(("agency:", "resident:"))}
        assert ids <= set(doc["names"]), (args, ids - set(doc["names"]))
        assert doc["names"][ICE] == "ICE ERO"
    names = json.loads(RUNNER.invoke(app, ["reach", str(log), "--to", ICE, "--json"]).stdout)["names"]
    assert names["agency:pd-3"] == "Town 3 Police"  # the name the event carried, not one rebuilt from the id
    names = json.loads(RUNNER.invoke(app, ["reach", str(log), "--to", "agency:ncric", "--json"]).stdout)["names"]
    assert names["agency:ncric"].startswith("NCRIC")


def test_tables_say_what_they_leave_out(tmp_path: Path) -> None:
    log = _log(tmp_path)
    wide = {"env": {"COLUMNS": "300"}, "terminal_width": 300}
    some = RUNNER.invoke(app, ["reach", str(log), "--to", ICE, "--limit", "2"], **wide).stdout  # type: ignore[arg-type]
    assert "the first 2 of 10; 8 left out: --all or --limit N shows more" in " ".join(some.split())
    every = RUNNER.invoke(app, ["reach", str(log), "--to", ICE, "--all"], **wide).stdout  # type: ignore[arg-type]
    assert "left out" not in every
    assert all(f"agency:pd-{i}" in every and f"resident:r-{i}" in every for i in range(5))
    default = RUNNER.invoke(app, ["reach", str(_log(tmp_path, 45)), "--to", ICE], **wide).stdout  # type: ignore[arg-type]
    assert "the first 40 of 90; 50 left out" in " ".join(default.split())
