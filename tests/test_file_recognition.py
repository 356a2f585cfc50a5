"""Input recognition is declared once per importer (importers.kinds): the events-log check of the command
line and the importers' own check give the same answer for every file; a log with a line of binary garbage
among its first lines is judged, the garbage a dead letter."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from custodiet.file_kinds import what_it_is
from importers import IMPORTERS
from importers.kinds import recognisers
from importers.sniff import looks_like

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data"

SAMPLES: dict[str, bytes] = {
    "sharing.csv": b"src_agency,external_agency\nA PD,B PD\n",
    "grantor-grantee.csv": b"grantor,grantee\nA PD,B PD\n",
    "org-page.csv": b"Page,Organization Name,Networks Shared With Me,Networks I'm Sharing\n1,A PD,A PD,\n",
    "network-audit.csv": b"Name,Org Name,Total Networks Searched,Total Devices Searched,Time Frame,License Plate,"
                         b"Reason,Case #,Filters,Search Time,Search Type,Text Prompt,Moderation\n",
    "network-audit-underscores.csv": b"Name,Org_Name,Total_Networks_Searched,Reason,Search_Time\n",
    "portal-audit.csv": b"id,userId,searchDate,cameraCount,reason\n",
    "atlas.csv": b"Agency,City,State,Type of LEA,Summary\n",
    "portal.json": json.dumps({"slug": "a-pd", "sharing_outbound": ["B PD"]}).encode(),
    "portal-list.json": json.dumps({"records": [{"name": "A PD", "sharing_inbound": []}]}).encode(),
    "audit.json": json.dumps({"agency": "A PD", "searches": [{"searchDate": "2025-01-01", "reason": "x"}]}).encode(),
    "audit.jsonl": json.dumps({"id": "1", "searchDate": "2025-01-01", "reason": "x"}).encode() + b"\n",
    "tabs-utf16.txt": "src_agency\texternal_agency\nA PD\tB PD\n".encode("utf-16"),
    "other.csv": b"id,name\n1,x\n",
}


def _files(tmp_path: Path) -> list[Path]:
    made = []
    for name, data in SAMPLES.items():
        p = tmp_path / name
        p.write_bytes(data)
        made.append(p)
    shipped = [p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".csv", ".json", ".jsonl", ".txt")]
    return made + shipped


def test_every_importer_declares_its_recognition() -> None:
    assert {r.kind for r in recognisers()} == set(IMPORTERS)


def test_the_two_recognisers_agree_on_every_file(tmp_path: Path) -> None:
    """importers.sniff (a file given to the wrong importer) and custodiet.file_kinds (a file given where an
    events log belongs) name the same import command for every sample and shipped fixture."""
    disagree = []
    for p in _files(tmp_path):
        _, command = looks_like(p)
        by_sniff = command.rsplit(" ", 1)[-1] if command and command.startswith("custodiet import") else None
        said = what_it_is(p) or ""
        m = re.search(r"use `custodiet import ([a-z-]+)`", said)
        by_file_kinds = m[1] if m else None
        if by_sniff != by_file_kinds:
            disagree.append((p.name, by_sniff, by_file_kinds, said))
    assert not disagree
    assert looks_like(tmp_path / "network-audit.csv")[1] == "custodiet import flock-audit"
    assert looks_like(tmp_path / "grantor-grantee.csv")[1] == "custodiet import flock-sharing"
    assert "flock-sharing" in (what_it_is(tmp_path / "tabs-utf16.txt") or "")


EVENT = {"type": "clip_recorded", "occurred_at": "2025-01-01T00:00:00Z", "clip_id": "c1",
         "owner": "resident:r-1", "platform": "ring"}


@pytest.mark.parametrize("at", [0, 1, 2])
def test_a_line_of_binary_garbage_in_the_head_is_a_dead_letter(tmp_path: Path, at: int) -> None:
    lines = [json.dumps({**EVENT, "event_id": f"e{i}", "clip_id": f"c{i}"}).encode() for i in range(5)]
    garbage = bytes(b for b in os.urandom(400) if b not in b"\r\n") + b"\x00\xff"
    lines.insert(at, garbage)
    log = tmp_path / "log.jsonl"
    log.write_bytes(b"\n".join(lines) + b"\n")
    res = runner.invoke(app, ["check", str(log), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert (doc["events_in"], doc["processed"], doc["dead_letters"]) == (6, 5, 1)
    assert [d["line"] for d in doc["dead_letter_list"]] == [at + 1]


def test_a_file_of_only_binary_is_still_refused(tmp_path: Path) -> None:
    p = tmp_path / "noise.jsonl"
    p.write_bytes(bytes(range(256)) * 64)
    assert "binary" in (what_it_is(p) or "")


def test_a_utf16_events_log_is_read(tmp_path: Path) -> None:
    lines = [json.dumps({**EVENT, "event_id": f"e{i}", "clip_id": f"c{i}", "owner": "resident:r-\u00e9"})
             for i in range(3)]
    utf8, utf16 = tmp_path / "log8.jsonl", tmp_path / "log16.jsonl"
    utf8.write_text("\n".join(lines) + "\n", encoding="utf-8")
    utf16.write_bytes(("\n".join(lines) + "\n").encode("utf-16"))
    docs = []
    for log in (utf8, utf16):
        res = runner.invoke(app, ["check", str(log), "--json"])
        assert res.exit_code == 0, res.output
        docs.append({k: v for k, v in json.loads(res.stdout).items() if k != "source"})
    assert docs[0] == docs[1] and docs[1]["processed"] == 3
