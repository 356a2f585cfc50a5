"""A hand-over of a clip whose recording the log does not hold (an officer e-mails a clip to ICE): every
surface counts it from its sender, origin unknown, as ``check`` and ``explain`` count it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app
from tests.conftest import rec, ts, write_log, xfer

RUNNER = CliRunner()
PD, ICE, FBI = "agency:riverside-ca-pd", "agency:ice-ero", "agency:fbi"


def _json(*args: str) -> dict:
    r = RUNNER.invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_emailed_clip_counts_everywhere(tmp_path: Path) -> None:
    log = write_log(tmp_path / "l.jsonl", [xfer("t1", "c9", PD, ICE, ts(2), purpose="immigration")])
    edges = _json("check", str(log))["custody_edges"]
    assert edges == 1
    assert "custody edge made" in RUNNER.invoke(app, ["explain", str(log), "t1"]).output
    doc = _json("reach", str(log), "--to", ICE)
    assert (doc["clip_count"], doc["path_count"]) == (edges, edges)
    clip = doc["clips"][0]
    assert (clip["owner"], clip["origin_known"]) == (PD, False) and "unknown" in clip["origin"]
    assert [(p["party"], p["by"]) for p in doc["parties"]] == [(PD, ["hand-over"])]
    # The sender passed the clip on; nothing in the log says the clip is its own.
    assert doc["conduits"] == [{"party": PD, "clips": 1, "own": 0}]
    t = _json("trace", str(log), "--clip", "c9", "--to", ICE)
    assert (t["count"], t["paths"], t["origin_known"]) == (1, [{"parties": [PD, ICE], "events": ["t1"]}], False)
    text = RUNNER.invoke(app, ["reach", str(log), "--to", ICE]).output
    assert "origin unknown" in text and "holds no hand-over" not in text
    rep = RUNNER.invoke(app, ["report", str(log), "--to", ICE, "-o", str(tmp_path / "r"), "--json"])
    assert rep.exit_code == 0, rep.output
    assert json.loads(rep.stdout)["headline"]["reached"][0]["clips"] == 1
    page = (tmp_path / "r" / "index.html").read_text()
    assert "origin unknown" in page


def test_chain_and_two_senders(tmp_path: Path) -> None:
    """PD hands the unrecorded clip to the FBI, which hands it to ICE; a second sheriff sends it to ICE on its
    own: two paths into ICE, from two senders; the FBI is no sender (it received the clip first)."""
    sheriff = "agency:riverside-county-ca-so"
    log = write_log(tmp_path / "l.jsonl", [
        xfer("t1", "c9", PD, FBI, ts(2)), xfer("t2", "c9", FBI, ICE, ts(3)), xfer("t3", "c9", sheriff, ICE, ts(4)),
        rec("r", "c1", "resident:r", ts(1)), xfer("t4", "c1", "resident:r", PD, ts(2)),
    ])
    t = _json("trace", str(log), "--clip", "c9", "--to", ICE)
    assert t["count"] == 2 and t["senders"] == [PD, sheriff]
    assert sorted(p["parties"] for p in t["paths"]) == [[PD, FBI, ICE], [sheriff, ICE]]
    doc = _json("reach", str(log), "--to", ICE)
    assert doc["path_count"] == 2
    assert {p["party"]: p["paths"] for p in doc["parties"]} == {PD: 1, FBI: 1, sheriff: 1}
    # the sender is where custody starts as far as the log knows: the clip does not "reach" it
    assert _json("trace", str(log), "--clip", "c9", "--to", PD)["count"] == 0
    # a recorded clip is untouched
    assert _json("trace", str(log), "--clip", "c1", "--to", PD)["origin_known"] is True
