"""Names from the data that a spreadsheet or a browser would run, through every file custodiet writes: the
graph exports (GraphML, GEXF, PROV-JSON, JSON), a report's CSVs and page, and ``reach --json``.

Every CSV cell that is text opens as text (OWASP "CSV Injection": no cell begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return; quotes inside doubled, every text cell quoted), the page shows markup as
text, the graph files parse and give each name back whole; no name is lost on the way.
"""

from __future__ import annotations

import csv
import gzip
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from custodiet.cli import app

RUNNER = CliRunner()
ICE = "agency:ice-ero"

#: Names as they might come in a registry or an agency's own export.
HOSTILE = ['=HYPERLINK("http://x")', "@cmd", "+SUM(1)", "-2+3", "\t=1+1", "\r=1+1", "<script>alert(1)</script>",
           "L" * 3000, "Überwachung 監視 😀", '"quoted,comma"', "=cmd|' /C calc'!A0"]
#: Party ids themselves (no spaces in an id): no registry names them.
HOSTILE_IDS = ['agency:=HYPERLINK("http://x")', "agency:@cmd", "agency:+SUM(1)", "agency:-2+3",
               "agency:<script>alert(1)</script>"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _event(event_id: str, at: str, kind: str, **fields: Any) -> str:
    return json.dumps({"event_id": event_id, "type": kind, "occurred_at": at, **fields})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A log where each hostile name is a California agency that hands a resident's clip to ICE ERO, and
    hostile ids that hand their own clips to ICE; the registry that names them."""
    d = tmp_path_factory.mktemp("hostile")
    lines, registry = [], []
    for k, name in enumerate(HOSTILE):
        owner, agency, day = f"resident:h-{k}", f"agency:h-{k}", 1 + k % 9
        registry += [{"id": agency, "kind": "local", "state": "CA", "name": name, "jurisdiction": name},
                     {"id": owner, "kind": "resident", "name": name}]
        lines += [_event(f"r{k}", f"2020-05-0{day}T00:00:00Z", "clip_recorded", clip_id=f"clip-{k}", owner=owner,
                         platform="ring"),
                  _event(f"t{k}", f"2020-05-0{day}T01:00:00Z", "transfer", clip_id=f"clip-{k}", from_party=owner,
                         to_party=agency, basis="warrant", purpose=name),
                  _event(f"u{k}", f"2020-05-0{day}T02:00:00Z", "transfer", clip_id=f"clip-{k}", from_party=agency,
                         to_party=ICE, basis="agreement", purpose=name)]
    for k, party in enumerate(HOSTILE_IDS):
        lines += [_event(f"hr{k}", "2020-06-01T00:00:00Z", "clip_recorded", clip_id=f"hclip-{k}", owner=party,
                         platform="axon"),
                  _event(f"hu{k}", "2020-06-01T02:00:00Z", "transfer", clip_id=f"hclip-{k}", from_party=party,
                         to_party=ICE, basis="agreement", purpose="immigration enforcement")]
    log, reg = d / "hostile.jsonl", d / "registry.json"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reg.write_text(json.dumps(registry), encoding="utf-8")
    return log, reg


def _ok(*args: str) -> str:
    r = RUNNER.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


def test_every_party_is_judged(inputs: tuple[Path, Path]) -> None:
    log, reg = inputs
    doc = json.loads(_ok("check", str(log), "--registry", str(reg), "--json"))
    assert (doc["events_in"], doc["dead_letters"]) == (3 * len(HOSTILE) + 2 * len(HOSTILE_IDS), 0)


@pytest.fixture(scope="module")
def report(inputs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    log, reg = inputs
    out = tmp_path_factory.mktemp("report") / "r"
    _ok("report", str(log), "--to", ICE, "--registry", str(reg), "-o", str(out))
    return out


def test_report_csv_cells_open_as_text(report: Path) -> None:
    files = sorted(report.glob("*.csv"))
    assert files
    cells: list[str] = []
    for f in files:
        raw = f.read_text(encoding="utf-8")
        for row in csv.reader(raw.splitlines(keepends=True)):
            cells += row
        # Every text cell is quoted (a field separator or a quote inside cannot start a new cell).
        for row in csv.reader(raw.splitlines(keepends=True), quoting=csv.QUOTE_NONNUMERIC):
            assert all(isinstance(c, (str, float)) for c in row)
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    text = "\n".join(cells)
    for name in HOSTILE:  # each name is there whole (after the quote that makes it text)
        assert name.lstrip("\t\r") in text, name[:40]
    assert any(c.startswith("'") and c[1:].startswith('=HYPERLINK("http://x")') for c in cells)


def test_report_page_shows_markup_as_text(report: Path) -> None:
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for f in report.glob("*.svg"):
        assert "<script>" not in f.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "prov", "json"])
def test_graph_exports_give_names_back(inputs: tuple[Path, Path], tmp_path: Path, fmt: str) -> None:
    log, reg = inputs
    out = tmp_path / f"g.{fmt}"
    _ok("export", str(log), "--registry", str(reg), "--format", fmt, "-o", str(out))
    raw = out.read_text(encoding="utf-8")
    if fmt == "graphml":
        g = nx.read_graphml(out)
        names = {str(v) for _, d in g.nodes(data=True) for v in d.values()}
    elif fmt == "gexf":
        ET.parse(out)
        g = nx.read_gexf(out)
        names = {str(v) for n, d in g.nodes(data=True) for v in (n, *d.values())}
    else:
        doc = json.loads(raw)
        names = set()

        def walk(x: Any) -> None:
            if isinstance(x, dict):
                for k, v in x.items():
                    names.add(str(k))
                    walk(v)
            elif isinstance(x, list):
                for v in x:
                    walk(v)
            else:
                names.add(str(x))
        walk(doc)
    for name in HOSTILE:
        if name.startswith("\r"):  # XML reads a carriage return in an attribute as a space
            continue
        assert any(name in n for n in names), (fmt, name[:40])
    for party in HOSTILE_IDS:
        assert any(party in n for n in names), (fmt, party)


def test_report_graph_files_parse(report: Path) -> None:
    for f in report.glob("graph.*.gz"):
        data = gzip.decompress(f.read_bytes())
        if f.name.endswith(("graphml.gz", "gexf.gz")):
            ET.fromstring(data)
        else:
            json.loads(data)


def test_reach_json_names_every_party_whole(inputs: tuple[Path, Path]) -> None:
    log, reg = inputs
    doc = json.loads(_ok("reach", str(log), "--to", ICE, "--registry", str(reg), "--json"))
    assert doc["clip_count"] == len(HOSTILE) + len(HOSTILE_IDS)
    assert [doc["names"][f"agency:h-{k}"] for k in range(len(HOSTILE))] == [f"{n} (CA)" for n in HOSTILE]
    assert set(HOSTILE_IDS) <= {c["owner"] for c in doc["clips"]}
