"""Exports parse back: GraphML and GEXF with networkx, PROV-JSON with the prov package, plain JSON."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from prov.model import ProvActivity, ProvAgent, ProvDocument, ProvEntity
from typer.testing import CliRunner

from custodiet.cli import app
from graph.custody import CustodyGraph
from graph.export import FORMATS, to_json, to_prov, writable_graph, write_export
from schemas.events import parse_event
from tests.conftest import ev, rec, ts, write_log, xfer

EVENTS = [
    rec("r1", "c1", "resident:r-1", ts(1)),
    xfer("t1", "c1", "resident:r-1", "agency:o'brien-ca-pd", ts(2), basis="consent", purpose="burglary"),
    xfer(
        "t1b", "c1", "resident:r-1", "agency:o'brien-ca-pd", ts(2, 1), basis="consent"
    ),  # parallel hand-over
    xfer("t2", "c1", "agency:o'brien-ca-pd", "agency:ice-hsi", ts(3), purpose="<script>x</script>"),
    xfer("t3", "c2", "agency:o'brien-ca-pd", "agency:fbi", ts(3)),  # never recorded
    ev(
        "access_grant",
        "g1",
        ts(1),
        grantor="agency:o'brien-ca-pd",
        grantee="agency:fbi",
        system="flock",
        scope="alpr-search",
    ),
]


@pytest.fixture()
def graph() -> CustodyGraph:
    from custodiet.inputs import load_registry

    return CustodyGraph.from_events([parse_event(json.dumps(e)) for e in EVENTS], load_registry(None))


def test_writable_graph_has_no_none_and_iso_times(graph: CustodyGraph):
    w = writable_graph(graph)
    for _, _, d in w.edges(data=True):
        assert None not in d.values()
        assert d["time"].endswith("Z")
    for _, d in w.nodes(data=True):
        assert None not in d.values()
    assert w.edges["agency:o'brien-ca-pd", "agency:fbi", "g1"]["kind"] == "grant"


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_read_back(graph: CustodyGraph, tmp_path: Path, fmt, reader):
    back = reader(write_export(graph, fmt, tmp_path / f"g.{fmt}"))
    assert back.is_directed() and back.is_multigraph()
    assert back.number_of_nodes() == graph.graph.number_of_nodes() == 4
    assert back.number_of_edges() == graph.graph.number_of_edges() == 5
    events = sorted(d["event_id"] for _, _, d in back.edges(data=True))
    assert events == ["g1", "t1", "t1b", "t2", "t3"]
    assert back.nodes["agency:ice-hsi"]["kind"] == "federal"


def test_prov_json_reads_back_with_derivation_chain(graph: CustodyGraph, tmp_path: Path):
    path = write_export(graph, "prov", tmp_path / "prov.json")
    doc = ProvDocument.deserialize(str(path), format="json")
    assert len(list(doc.get_records(ProvAgent))) == 4  # parties
    assert len(list(doc.get_records(ProvActivity))) == 5  # hand-overs and the grant
    # c1, the copies made by t1, t1b, t2, and c2 (hand-over without a recording) and its copy
    assert len(list(doc.get_records(ProvEntity))) == 6
    data = json.loads(path.read_text())
    derived = {(d["prov:generatedEntity"], d["prov:usedEntity"]) for d in data["wasDerivedFrom"].values()}
    ice_copy = "clip:c1@agency/ice-hsi/t2"
    first_copy = next(u for g, u in derived if g == ice_copy)
    assert (first_copy, "clip:c1") in derived  # ICE's copy <- O'Brien's copy <- the owner's clip
    assert to_prov(graph).serialize(format="json") == to_prov(graph).serialize(format="json")


def test_plain_json(graph: CustodyGraph, tmp_path: Path):
    doc = json.loads(write_export(graph, "json", tmp_path / "g.json").read_text())
    assert doc == to_json(graph)
    assert len(doc["nodes"]) == 4 and len(doc["edges"]) == 5
    assert doc["edges"][0]["key"] == "g1" and doc["edges"][0]["time"] == "2024-05-01T00:00:00Z"


def test_export_cli(tmp_path: Path):
    log = write_log(tmp_path / "e.jsonl", EVENTS)
    for fmt in FORMATS:
        res = CliRunner().invoke(app, ["export", str(log), "--format", fmt, "-o", str(tmp_path / f"x.{fmt}")])
        assert res.exit_code == 0, res.output
        assert (tmp_path / f"x.{fmt}").stat().st_size > 0
    assert nx.read_graphml(tmp_path / "x.graphml").number_of_edges() == 5
    for bad in (
        ["--format", "xml", "-o", str(tmp_path / "x")],
        ["--format", "json", "-o", str(tmp_path)],
        ["--format", "json", "-o", str(tmp_path / "no" / "x.json")],
    ):
        res = CliRunner().invoke(app, ["export", str(log), *bad])
        assert res.exit_code == 2 and "Traceback" not in res.output
