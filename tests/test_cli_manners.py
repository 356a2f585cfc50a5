"""Command-line manners: --version, flags shown as flags, --json where results are printed, the export format
from the file suffix, suggestions for unknown names, 80 columns without cutting what must be typed, a path
named once in import errors, progress on stderr."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.main import get_command
from typer.testing import CliRunner

from custodiet.cli import app
from tests.conftest import ev, rec, ts, write_log, xfer

runner = CliRunner()

EVENTS = [
    ev("access_grant", "g1", ts(1), grantor="agency:el-cajon-ca-pd", grantee="agency:fbi", system="flock",
       scope="alpr-search", source="flock-sharing-nc-2024"),
    rec("r1", "c1", "resident:r-1", ts(1)),
    xfer("t1", "c1", "resident:r-1", "agency:el-cajon-ca-pd", ts(2), basis="consent"),
    xfer("t2", "c1", "agency:el-cajon-ca-pd", "agency:fbi", ts(3)),
]


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    return write_log(tmp_path / "e.jsonl", EVENTS)


def commands() -> list[list[str]]:
    group = get_command(app)
    out = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        out += [[name, sub] for sub in subs] if subs else [[name]]
    return out


def test_version():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and re.fullmatch(r"custodiet \S+\n", res.stdout)


@pytest.mark.parametrize("argv", commands(), ids=" ".join)
def test_help_shows_flags_as_flags_in_80_columns(argv: list[str]):
    res = runner.invoke(app, [*argv, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert res.exit_code == 0, res.output
    assert "<bool>" not in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80


def test_export_format_from_suffix(log: Path, tmp_path: Path):
    for name, head in (("g.graphml", b"graphml"), ("g.gexf", b"gexf"), ("p.prov.json", b"prefix"),
                       ("g.json", b"nodes")):
        res = runner.invoke(app, ["export", str(log), "-o", str(tmp_path / name), "--json"])
        assert res.exit_code == 0, res.output
        doc = json.loads(res.stdout)
        assert doc["output"] == str(tmp_path / name) and doc["format"] in name
        assert head in (tmp_path / name).read_bytes()[:2000], name
    res = runner.invoke(app, ["export", str(log), "-o", str(tmp_path / "g.txt")])
    assert res.exit_code == 2 and "give --format" in res.output


@pytest.mark.parametrize(("argv", "hint"), [
    (["reach", "{log}", "--to", "FBl"], "did you mean agency:fbi?"),
    (["trace", "{log}", "--clip", "c1", "--to", "fbii"], "did you mean agency:fbi?"),
    (["report", "{log}", "--to", "El Cajon CA PPD", "-o", "{d}/r"], "did you mean agency:el-cajon-ca-pd?"),
    (["check", "{log}", "--rules", "ca-sb43"], "did you mean ca-sb"),
    (["simulate", "--scenario", "defualt", "-o", "{d}/x.jsonl"], "did you mean default?"),
    (["demo", "--scenario", "ring-2021", "--in-process"], "did you mean ring-2021-rfa"),
    (["import", "flock-sharin", "{log}", "-o", "{d}/x.jsonl"], "did you mean flock-sharing"),
])
def test_unknown_names_get_suggestions(argv: list[str], hint: str, log: Path, tmp_path: Path):
    res = runner.invoke(app, [a.format(log=log, d=tmp_path) for a in argv])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and hint in lines[0], res.output


def test_scenarios_fit_80_columns_without_cutting_names():
    from scenarios.load import available_scenarios, load_scenario

    res = runner.invoke(app, ["scenarios"], env={"COLUMNS": "80"}, terminal_width=80)
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    cells = {c.strip() for line in lines for c in re.split(r"[│┃]", line)}
    for name in available_scenarios():
        assert name in cells, name  # whole, on one line
        for rule_set in load_scenario(name).rule_sets:
            assert rule_set in cells, rule_set
    assert "…" not in res.output


def test_import_error_names_the_path_once(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    for kind in ("flock-sharing", "flock-audit"):
        res = runner.invoke(app, ["import", kind, str(bad), "-o", str(tmp_path / "x.jsonl")])
        assert res.exit_code == 2
        assert res.output.count(str(bad)) == 1, res.output


def test_report_shows_progress_on_a_terminal(log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import custodiet.console as cli_app

    buf = io.StringIO()
    monkeypatch.setattr(cli_app, "err", Console(file=buf, force_terminal=True, width=100))
    res = runner.invoke(app, ["report", str(log), "--to", "agency:fbi", "-o", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    shown = buf.getvalue()
    assert "reading" in shown and "drawing" in shown
    assert "drawing" not in res.stdout  # progress never on stdout


def test_demo_json_and_headline_agree(tmp_path: Path):
    """The headline read against the JSON: every federal party reached is named with its clip and path
    counts, and every rule broken is there with its count."""
    from reports.names import count_of, party_name, rule_title
    from scenarios.load import load_scenario

    args = ["demo", "--in-process", "--events", "3000", "--seed", "7", "-o", str(tmp_path / "r")]
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["simulated"] is True
    for key in ("scenario", "seed", "events_in", "processed", "duplicates", "dead_letters", "violations", "reached"):
        assert key in doc, key
    human = runner.invoke(app, args, env={"COLUMNS": "400"}, terminal_width=400)
    assert human.exit_code == 0, human.output
    text = " ".join(human.stdout.split())
    assert "Simulated run" in text
    reg = load_scenario("default").registry()
    reached = [r for r in doc["reached"] if r["clips"]]
    assert reached, "the default scenario sends clips to federal parties"
    for r in reached:
        name = party_name(r["party"], reg)
        assert f"{count_of(r['clips'], 'clip')} reached {name}, by {count_of(r['paths'], 'time-respecting path')}" \
            in text, name
        for v in r["via"]:
            assert f"{party_name(v['party'], reg)} ({count_of(v['clips'], 'clip')})" in text
    for rule, n in doc["violations"].items():
        assert f"{rule_title(rule)} ({n})" in text, rule
    assert f"{count_of(sum(doc['violations'].values()), 'violation')} of {count_of(len(doc['violations']), 'rule')}" \
        in text
    assert "agency:" not in text and "resident:" not in text
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "Simulated." in page
    for r in reached:
        assert f"into-{r['party'].split(':', 1)[1]}.png" in page  # one picture per federal party reached


def test_tables_name_parties_and_keep_ids_whole_in_80_columns(log: Path):
    for argv in (["reach", str(log), "--to", "agency:fbi", "--attempts"],
                 ["conduits", str(log), "--to", "agency:fbi", "--attempts"],
                 ["check", str(log), "--rules", "ca-sb34"]):
        res = runner.invoke(app, argv, env={"COLUMNS": "80"}, terminal_width=80)
        assert res.exit_code == 0, res.output
        lines = res.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80, argv
        assert "…" not in res.stdout
        cells = {c.strip() for line in lines for c in re.split(r"[│┃]", line)}
        if argv[0] == "check":
            assert "California plate data shared out of state or with a federal" in cells  # the title, wrapped
            assert "ca-sb34.public-agencies-only" in cells  # the id, whole
        else:
            assert "El Cajon CA PD" in cells and "agency:el-cajon-ca-pd" in cells
