"""Conduits, min cut and what-if: hand-made graphs with answers worked out by hand, and the real data."""

from __future__ import annotations

import csv
import json
import random
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from analysis.whatif import whatif
from custodiet.cli import app
from graph.conduits import conduits
from graph.custody import CustodyGraph
from graph.cut import CutError, min_cut, select_parties
from judge.pipeline import read_lines, run_check
from schemas.events import parse_event
from tests.conftest import ev, rec, ts, write_log, xfer

RUNNER = CliRunner()


def grant(eid: str, grantor: str, grantee: str) -> dict:
    return ev(
        "access_grant",
        eid,
        "2024-04-26T00:00:00Z",
        grantor=f"agency:{grantor}",
        grantee=f"agency:{grantee}",
        system="flock",
        scope="alpr-search",
        source="flock-sharing-nc-2024",
    )


def graph_of(links: list[tuple[str, str]], hand_overs: bool = False) -> CustodyGraph:
    g = CustodyGraph()
    for i, (u, v) in enumerate(links):
        if hand_overs:
            g.add_hand_over(f"e{i}", "c", u, v, float(i))
        else:
            g.add_grant(f"e{i}", u, v, 0.0)
    return g


# --- min cut ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "links, sources, sinks, size, cut",
    [
        # two disjoint routes: both must go
        ([("s", "a"), ("s", "b"), ("a", "t"), ("b", "t")], {"s"}, {"t"}, 2, [("a", "t"), ("b", "t")]),
        # two sources funnel through one hub: the hub's single link out is the cut
        ([("s1", "h"), ("s2", "h"), ("h", "t")], {"s1", "s2"}, {"t"}, 1, [("h", "t")]),
        # a bypass around the hub adds one link
        (
            [("s1", "h"), ("s2", "h"), ("h", "t"), ("s2", "t2")],
            {"s1", "s2"},
            {"t", "t2"},
            2,
            [("h", "t"), ("s2", "t2")],
        ),
        # already separated (links run the other way)
        ([("t", "s")], {"s"}, {"t"}, 0, []),
    ],
)
def test_min_cut_by_hand(links, sources, sinks, size, cut):
    # hand-overs are transitive: what a party holds it can hand on
    doc = min_cut(graph_of(links, hand_overs=True), sources, sinks)
    assert doc["cut_size"] == size
    assert [(r["from"], r["to"]) for r in doc["links"]] == cut


@pytest.mark.parametrize(
    "links, size, cut",
    [
        # a chain of grants carries nothing: s's cameras reach a, and a's grant carries a's own cameras only
        ([("s", "a"), ("a", "t")], 0, []),
        # only the direct grant carries s's cameras to t
        ([("s", "a"), ("a", "t"), ("s", "t")], 1, [("s", "t")]),
        # a hand-over from a grantee is what moves data on
        ([("s", "a"), ("a", "t")], 1, None),
    ],
)
def test_min_cut_grants_carry_one_hop(links, size, cut):
    g = graph_of(links)
    if cut is None:  # the grant s->a, then a hands a clip it holds on to t
        g = CustodyGraph()
        g.add_grant("g", "s", "a", 0.0)
        g.add_hand_over("h", "c", "a", "t", 1.0)
    doc = min_cut(g, {"s"}, {"t"})
    assert doc["cut_size"] == size
    if cut is not None:
        assert [(r["from"], r["to"]) for r in doc["links"]] == cut


def test_min_cut_unit_capacity_per_link_counts_hand_overs():
    # three hand-overs s->h over one link, one h->t: each link costs 1, so either is a minimum cut;
    # weighted by traffic only h->t (1) is.
    g = graph_of([("s", "h"), ("s", "h"), ("s", "h")], hand_overs=True)
    g.add_hand_over("x", "c", "h", "t", 9.0)
    by_link = min_cut(g, {"s"}, {"t"})
    assert by_link["cut_size"] == 1 and len(by_link["links"]) == 1
    by_count = min_cut(g, {"s"}, {"t"}, capacity="count")
    assert by_count["links"] == [{"from": "h", "to": "t", "hand_overs": 1, "grants": 0, "searches": 0}]
    s_h = min_cut(g, {"s"}, {"h"})
    assert s_h["links"] == [{"from": "s", "to": "h", "hand_overs": 3, "grants": 0, "searches": 0}]


def test_min_cut_drops_a_source_that_is_a_sink_and_rejects_empty_sets():
    g = graph_of([("a", "b")])
    assert min_cut(g, {"a", "b"}, {"b"})["sources"] == 1
    with pytest.raises(CutError):
        min_cut(g, {"b"}, {"b"})
    with pytest.raises(CutError):
        min_cut(g, {"nobody"}, {"b"})


@pytest.mark.parametrize("seed", range(8))
def test_min_cut_matches_networkx_edge_cut_and_disconnects(seed):
    rnd = random.Random(seed)
    nodes = [f"n{i}" for i in range(9)]
    links = [(u, v) for u in nodes for v in nodes if u != v and rnd.random() < 0.25]
    g = graph_of(links + links[:3], hand_overs=True)  # a few parallel links: still one link each
    d = nx.DiGraph(links)
    d.add_nodes_from(nodes)
    g.graph.add_nodes_from(nodes)
    doc = min_cut(g, {"n0"}, {"n8"})
    expected = len(nx.minimum_edge_cut(d, "n0", "n8")) if nx.has_path(d, "n0", "n8") else 0
    assert doc["cut_size"] == expected == len(doc["links"])
    d.remove_edges_from((r["from"], r["to"]) for r in doc["links"])
    assert not nx.has_path(d, "n0", "n8")


@pytest.mark.parametrize("seed", range(4))
def test_min_cut_of_grants_is_the_direct_grants(seed):
    # grants only: what connects sources to sinks is exactly the direct source -> sink grants
    rnd = random.Random(seed)
    nodes = [f"n{i}" for i in range(12)]
    links = [(u, v) for u in nodes for v in nodes if u != v and rnd.random() < 0.3]
    sources, sinks = set(nodes[:4]), set(nodes[8:])
    doc = min_cut(graph_of(links + links[:5]), sources, sinks)
    direct = sorted({(u, v) for u, v in links if u in sources and v in sinks})
    assert doc["cut_size"] == len(direct)
    assert [(r["from"], r["to"]) for r in doc["links"]] == direct


# --- conduits --------------------------------------------------------------------------------------------


def clip_graph() -> CustodyGraph:
    evs = [
        rec("r1", "c1", "resident:r1", ts(1)),
        rec("r2", "c2", "resident:r1", ts(1)),
        rec("r3", "c3", "resident:r1", ts(1)),
        xfer("t1", "c1", "resident:r1", "agency:a-pd", ts(2)),
        xfer("t2", "c2", "resident:r1", "agency:a-pd", ts(2)),
        xfer("t3", "c1", "agency:a-pd", "agency:b-pd", ts(3)),
        xfer("t4", "c1", "agency:b-pd", "agency:fbi", ts(4)),
        xfer("t5", "c2", "agency:a-pd", "agency:fbi", ts(5)),
        # c3 reaches a-pd only after a-pd "sent" it on: no time-respecting path to the FBI
        xfer("t6", "c3", "resident:r1", "agency:a-pd", ts(9)),
        xfer("t7", "c3", "agency:a-pd", "agency:fbi", ts(8)),
        grant("g1", "x-pd", "a-pd"),
    ]
    return CustodyGraph.from_events([parse_event(json.dumps(e)) for e in evs])


def test_conduits_overall_by_hand():
    rows = [(r["party"], r["clips"], r["recipients"], r["grants"]) for r in conduits(clip_graph())]
    assert rows == [
        ("agency:a-pd", 3, 2, 0),
        ("resident:r1", 3, 1, 0),
        ("agency:b-pd", 1, 1, 0),
        ("agency:x-pd", 0, 1, 1),
    ]


def test_conduits_towards_a_party_and_a_kind_by_hand():
    g = clip_graph()
    rows = [(r["party"], r["clips"], r["direct"]) for r in conduits(g, to="agency:fbi")]
    # x-pd's grant to a-pd carries x-pd's cameras to a-pd and no further: not a conduit to the FBI
    assert rows == [
        ("agency:a-pd", 2, 2),
        ("resident:r1", 2, 0),
        ("agency:b-pd", 1, 1),
    ]
    assert conduits(g, to_kind="federal") == conduits(g, to="agency:fbi")


# --- what-if ---------------------------------------------------------------------------------------------

SHARING = [
    grant("g1", "el-cajon-ca-pd", "reno-nv-pd"),
    grant("g2", "el-cajon-ca-pd", "fbi"),
    grant("g3", "el-cajon-ca-pd", "la-mesa-ca-pd"),
    grant("g4", "reno-nv-pd", "fbi"),
    grant("g5", "raleigh-nc-pd", "fbi"),
    grant("g6", "la-mesa-ca-pd", "el-cajon-ca-pd"),
]


def test_whatif_ca_sb34_forbids_exactly_the_out_of_state_and_federal_links():
    doc = whatif([parse_event(json.dumps(e)) for e in SHARING], ["ca-sb34"])
    assert [(f["event_id"], f["from"], f["to"]) for f in doc["forbidden"]] == [
        ("g2", "agency:el-cajon-ca-pd", "agency:fbi"),
        ("g1", "agency:el-cajon-ca-pd", "agency:reno-nv-pd"),
    ]
    assert doc["by_agency"][0]["agency"] == "agency:el-cajon-ca-pd" and doc["by_agency"][0]["grants"] == 2
    fr = doc["federal_reach"]
    # before: el-cajon, reno, raleigh (direct grants; la-mesa's grant to el-cajon carries nothing on);
    # after: reno and raleigh only
    assert (fr["before"]["parties"], fr["after"]["parties"]) == (3, 2)
    assert fr["parties_losing_reach"] == ["agency:el-cajon-ca-pd"]


def test_whatif_cli_agrees_with_check(tmp_path: Path):
    log = write_log(tmp_path / "s.jsonl", SHARING)
    res = RUNNER.invoke(app, ["whatif", str(log), "--rules", "ca-sb34", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    check = run_check(read_lines(log), ["ca-sb34"]).document()
    assert doc["violations"] == check["violations"] == {"ca-sb34.public-agencies-only": 2}
    assert RUNNER.invoke(app, ["whatif", str(log), "--rules", "core"]).exit_code == 2  # adds nothing
    assert RUNNER.invoke(app, ["whatif", str(log), "--rules", "no-such-set"]).exit_code == 2


def test_cut_and_conduits_cli(tmp_path: Path):
    log = write_log(tmp_path / "s.jsonl", SHARING)
    res = RUNNER.invoke(app, ["cut", str(log), "--from-state", "CA", "--to-kind", "federal", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    # one grant connects CA cameras to the FBI; Reno's grant to the FBI carries Reno's own cameras only
    assert [(r["from"], r["to"]) for r in doc["links"]] == [("agency:el-cajon-ca-pd", "agency:fbi")]
    assert doc["basis"] == "judged"
    res = RUNNER.invoke(app, ["cut", str(log), "--from-state", "CA", "--to-kind", "out-of-state", "--json"])
    assert json.loads(res.stdout)["links"] == [
        {"from": "agency:el-cajon-ca-pd", "to": "agency:reno-nv-pd", "hand_overs": 0, "grants": 1, "searches": 0}
    ]
    res = RUNNER.invoke(app, ["conduits", str(log), "--to-kind", "federal", "--json"])
    assert json.loads(res.stdout)["conduits"][0]["party"] == "agency:el-cajon-ca-pd"
    for bad in (
        ["cut", str(log), "--to-kind", "federal"],
        ["cut", str(log), "--from-state", "CA"],
        ["cut", str(log), "--from-kind", "martian", "--to-kind", "federal"],
        ["cut", str(log), "--from-state", "CA", "--to", "agency:nobody"],
        ["conduits", str(log), "--to", "agency:nobody"],
        ["conduits", str(tmp_path), "--json"],
    ):
        res = RUNNER.invoke(app, bad)
        assert res.exit_code == 2, bad
        assert "Traceback" not in res.output


# --- the real data ---------------------------------------------------------------------------------------

STATES = set(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
    "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC".split()
)


def _name(raw: str) -> str:
    return " ".join(raw.split())


def _slug(name: str) -> str:
    return "agency:" + re.sub(r"[^a-z0-9]+", "-", _name(name).lower()).strip("-")


def _state(name: str) -> str | None:
    found = [
        t for t in name.split() if t in STATES
    ]  # the first two-letter token ("Los Angeles County CA SD")
    return found[0] if found else None


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    path = shared_data / "flock-sharing-nc-2024" / "agency_access20240426.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [(_name(r["src_agency"]), _name(r["external_agency"])) for r in csv.DictReader(f)]
    from importers import IMPORTERS

    log = tmp_path_factory.mktemp("real") / "flock.jsonl"
    IMPORTERS["flock-sharing"](path).write_jsonl(log)
    return rows, log


def test_real_fbi_direct_sources_and_el_cajon(real):
    rows, log = real
    fbi_sources = {_slug(s) for s, e in rows if e == "FBI"}
    assert len(fbi_sources) == 30
    out_of_state: Counter[str] = Counter()
    ca_pairs = set()
    for s, e in set(rows):
        if _state(s) == "CA" and _state(e) not in (None, "CA"):
            out_of_state[s] += 1
            ca_pairs.add((_slug(s), _slug(e)))
    assert out_of_state.most_common(1)[0][0] == "El Cajon CA PD"

    res = RUNNER.invoke(app, ["whatif", str(log), "--rules", "ca-sb34", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["by_agency"][0]["agency"] == "agency:el-cajon-ca-pd"
    forbidden = {(f["from"], f["to"]) for f in doc["forbidden"]}
    assert ca_pairs <= forbidden  # every CA -> out-of-state grant the csv shows is forbidden
    assert all(
        f["from"] and _state(f["from"].split(":")[1].upper().replace("-", " ")) == "CA"
        for f in doc["forbidden"]
    )
    check = run_check(read_lines(log), ["ca-sb34"]).document()
    assert check["violations"] == doc["violations"]
    per_origin = Counter(v["evidence"]["origin"] for v in check["violation_list"])
    assert per_origin.most_common(1)[0][0] == "agency:el-cajon-ca-pd"
    g = CustodyGraph.from_events([parse_event(line) for _, line in read_lines(log)])
    assert set(g.graph.predecessors("agency:fbi")) == fbi_sources
    direct = [r for r in conduits(g, to="agency:fbi") if r["direct"]]
    assert len(direct) == 30
    assert set(doc["federal_reach"]["before"]["direct_list"]) >= fbi_sources
    cut = min_cut(g, select_parties(g, state="CA"), select_parties(g, kinds=["federal"]))
    assert 0 < cut["cut_size"] == len(cut["links"])


def test_whatif_counts_search_links_into_federal_parties() -> None:
    """A lookup run for a federal agency carries results to it; a rule set that forbids it removes that reach."""
    from analysis.whatif import whatif
    from schemas.events import parse_event

    search = parse_event(json.dumps({
        "event_id": "s1", "type": "search", "occurred_at": "2025-06-01T12:00:00Z", "searcher": "agency:danville-il-pd",
        "reason": "ICE ERO case", "networks_searched": ["agency:oak-lawn-il-pd"], "on_behalf_of": "agency:ice-ero"}))
    doc = whatif([search], ["flock-2025"], base=["core"])
    reach = doc["federal_reach"]
    assert reach["before"]["party_list"] == ["agency:oak-lawn-il-pd"]  # the network searched reaches ICE ERO
    assert doc["forbidden_count"] == 1 and reach["after"]["party_list"] == []
    assert reach["parties_losing_reach"] == ["agency:oak-lawn-il-pd"]
