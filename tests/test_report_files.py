"""Report and export files a careful user can trust: hostile names never become spreadsheet formulas, an
interrupted report leaves its folder as it was, and every file of simulated data says it is simulated."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from reports.render import write_report
from tests.conftest import rec, ts, write_log, xfer

RUNNER = CliRunner()
FORMULA = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "@cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _cells(folder: Path) -> list[tuple[str, str]]:
    out = []
    for p in sorted(folder.glob("*.csv")):
        with p.open(encoding="utf-8", newline="") as f:
            out += [(p.name, c) for row in csv.reader(f) for c in row]
    return out


def test_hostile_names_are_text_in_every_csv(tmp_path: Path) -> None:
    ice = "agency:ice-ero"
    events = [rec("r", "c1", '=HYPERLINK("http://x")', ts(1))]
    for i, name in enumerate(HOSTILE):
        pd = f"agency:pd-{i}"
        events += [xfer(f"a{i}", "c1", '=HYPERLINK("http://x")', pd, ts(2, i), to_party_name=name),
                   xfer(f"b{i}", "c1", pd, ice, ts(3, i), from_party_name=name)]
    log = write_log(tmp_path / "l.jsonl", events)
    r = RUNNER.invoke(app, ["report", str(log), "--to", ice, "-o", str(tmp_path / "r")])
    assert r.exit_code == 0, r.output
    cells = _cells(tmp_path / "r")
    assert cells
    live = [(f, c) for f, c in cells if c.startswith(FORMULA)]
    assert live == [], live
    # every hostile name is there, as text (one quote in front), nothing lost
    text = {c for _, c in cells}
    for name in [*HOSTILE, '=HYPERLINK("http://x")']:
        assert any(c.startswith("'") and name.strip("\t\r") in c for c in text), name


def _write(g_log: Path, out: Path, **kw: object) -> Path:
    from analysis.judged import graph_of_log
    from judge.pipeline import read_lines

    g, res = graph_of_log(read_lines(str(g_log), 10**6), None)
    return write_report(g, res.document(), out, "agency:ice-ero", "t", [], **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("stop_at", ["writing tables", "writing exports"])
def test_interrupted_report_leaves_the_old_one(tmp_path: Path, stop_at: str) -> None:
    log = write_log(tmp_path / "l.jsonl", [rec("r", "c1", "resident:r", ts(1)),
                                           xfer("t", "c1", "resident:r", "agency:ice-ero", ts(2))])
    out = tmp_path / "report"
    _write(log, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def step(what: str) -> None:
        if what == stop_at:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _write(log, out, step=step)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.jsonl", "report"]  # nothing half-written beside it
    with pytest.raises(KeyboardInterrupt):  # a first report interrupted: no folder at all
        _write(log, tmp_path / "new", step=step)
    assert not (tmp_path / "new").exists()


def test_a_report_replaces_its_folder_whole(tmp_path: Path) -> None:
    log = write_log(tmp_path / "l.jsonl", [rec("r", "c1", "resident:r", ts(1)),
                                           xfer("t", "c1", "resident:r", "agency:ice-ero", ts(2))])
    out = tmp_path / "report"
    _write(log, out)
    (out / "clips-stale.csv").write_text("old")
    _write(log, out)
    assert not (out / "clips-stale.csv").exists()
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    r = RUNNER.invoke(app, ["report", str(log), "--to", "agency:ice-ero", "-o", str(other)])
    assert r.exit_code == 2 and "no report" in r.stderr
    assert (other / "notes.txt").read_text() == "keep me"


def test_every_file_of_simulated_data_says_so(tmp_path: Path) -> None:
    log = tmp_path / "sim.jsonl"
    r = RUNNER.invoke(app, ["simulate", "--scenario", "default", "--seed", "2", "--events", "3000", "-o", str(log)])
    assert r.exit_code == 0, r.output
    r = RUNNER.invoke(app, ["report", str(log), "--to", "agency:ice-hsi", "-o", str(tmp_path / "r")])
    assert r.exit_code == 0, r.output
    folder = tmp_path / "r"
    for p in sorted(folder.iterdir()):
        raw = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        if p.suffix == ".csv":
            rows = list(csv.reader(raw.decode().splitlines()))
            assert rows[0][-1] == "simulated" and all(row[-1] == "true" for row in rows[1:]), p.name
        else:
            assert b"simulated" in raw.lower() or b"Simulated" in raw, p.name
    for name, check in (("g.graphml", lambda t: '<data key="d0">True</data>' in t or "simulated" in t),
                        ("g.gexf", lambda t: "simulated events" in t),
                        ("g.json", lambda t: json.loads(t)["simulated"] is True),
                        ("g.prov.json", lambda t: "cust:simulated" in t)):
        r = RUNNER.invoke(app, ["export", str(log), "-o", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
        assert check((tmp_path / name).read_text()), name


def test_one_csv_writer() -> None:
    """Every CSV custodiet writes goes through ``reports.csv_safe`` (the one place cells are escaped)."""
    root = Path(__file__).resolve().parent.parent
    writers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if not p.is_relative_to(root / ".venv") and p.parts[len(root.parts)] not in ("tests", "bench",
                                                                                                   "scripts")
                     and ("csv.writer(" in (t := p.read_text(encoding="utf-8")) or "DictWriter(" in t))
    assert writers == ["reports/csv_safe.py"]
