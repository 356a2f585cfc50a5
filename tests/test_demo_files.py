"""The demo keeps its event log and says where; ``simulate``, ``serve --simulate`` and ``demo`` share one
default seed and size, so the demo's log is what ``simulate`` writes without options."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from custodiet.cli import app
from world.defaults import DEFAULT_EVENTS, DEFAULT_SEED

RUNNER = CliRunner()


def test_shared_defaults() -> None:
    cmds = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for name in ("simulate", "serve", "demo"):
        params = {p.name: p.default for p in cmds[name].params}
        assert params["seed"] == DEFAULT_SEED, name
        assert params["n_events" if name == "serve" else "events"] == DEFAULT_EVENTS, name


def test_demo_keeps_its_log(tmp_path: Path) -> None:
    r = RUNNER.invoke(app, ["demo", "--in-process", "-o", str(tmp_path / "report")],
                      env={"COLUMNS": "400"}, terminal_width=400)
    assert r.exit_code == 0, r.output
    log = tmp_path / "report.events.jsonl"
    assert str(log.resolve()) in r.stdout.replace("\n", "")
    sim = tmp_path / "sim.jsonl"
    assert RUNNER.invoke(app, ["simulate", "-o", str(sim)]).exit_code == 0
    assert log.read_bytes() == sim.read_bytes()
    lines = log.read_text().splitlines()
    assert len(lines) == DEFAULT_EVENTS
    assert all(json.loads(x)["source"].startswith("sim:") for x in lines)  # every line says it is simulated
    check = json.loads(RUNNER.invoke(app, ["check", str(log), "--json"]).stdout)
    text = " ".join(r.stdout.split())
    assert f"events in {check['events_in']} = processed {check['processed']}" in text
    # --json writes no file unless asked where
    doc = json.loads(RUNNER.invoke(app, ["demo", "--in-process", "--json", "--log", str(tmp_path / "j.jsonl")]).stdout)
    assert doc["event_log"] == str((tmp_path / "j.jsonl").resolve()) and (tmp_path / "j.jsonl").exists()
    assert doc["names"] and all(":" in p for p in doc["names"])


def test_a_run_where_nothing_reached_a_federal_party_says_there_is_no_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    r = RUNNER.invoke(app, ["demo", "--in-process", "--events", "300", "-o", str(out)],
                      env={"COLUMNS": "400"}, terminal_width=400)
    assert r.exit_code == 0, r.output
    doc = json.loads(RUNNER.invoke(app, ["demo", "--in-process", "--events", "300", "--json"]).stdout)
    assert not any(row["clips"] for row in doc["reached"])  # the case this test is about
    assert not out.exists()
    assert f"no report written to {out.resolve()}" in " ".join(r.stdout.split())
    assert (tmp_path / "report.events.jsonl").exists()  # the log is kept all the same


def test_every_file_the_demo_writes_says_it_is_simulated(tmp_path: Path) -> None:
    """Each file in the demo's folder, opened on its own, says its data is simulated: a ``simulated`` column
    of ``true`` in every CSV row, the word in each picture (its text, or a PNG's metadata), graph file and page."""
    import csv
    import gzip

    out = tmp_path / "report"
    r = RUNNER.invoke(app, ["demo", "--in-process", "-o", str(out)])
    assert r.exit_code == 0, r.output
    files = sorted(out.iterdir())
    assert {p.suffix for p in files} >= {".csv", ".png", ".svg", ".gz", ".html"}
    for p in files:
        raw = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        if p.suffix == ".csv":
            rows = list(csv.reader(raw.decode("utf-8").splitlines()))
            assert rows[0][-1] == "simulated" and len(rows) > 1, p.name
            assert all(row[-1] == "true" for row in rows[1:]), p.name
        else:
            assert b"simulated" in raw.lower(), p.name
    assert (tmp_path / "report.events.jsonl").exists()
