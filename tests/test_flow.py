"""The flow model: what each kind of link carries, asked the same way by every analysis; custody as judged
by default, every attempt on request; the demo's document agrees with check and reach; the real NC 2024
sharing network read by the flow model."""

from __future__ import annotations

import csv
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from graph.custody import CustodyGraph
from graph.reach import reach, reaching
from schemas.events import parse_event
from schemas.flow import edges_of, judged_edges
from schemas.records import Verdict
from tests.conftest import ev, rec, ts, write_log, xfer

RUNNER = CliRunner()


def cli_json(*args: str) -> dict:
    r = RUNNER.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def grant(eid: str, grantor: str, grantee: str) -> dict:
    return ev("access_grant", eid, ts(1), grantor=grantor, grantee=grantee, system="flock", scope="alpr-search")


def search(eid: str, searcher: str, networks: int | list[str], on_behalf_of: str | None = None) -> dict:
    extra = {"on_behalf_of": on_behalf_of} if on_behalf_of else {}
    return ev("search", eid, ts(3), searcher=searcher, reason="investigation", networks_searched=networks, **extra)


# --- what each event makes -------------------------------------------------------------------------------


def test_edges_of_each_kind():
    kinds = {
        json.dumps(e): [(x.kind, x.from_party, x.to_party) for x in edges_of(parse_event(json.dumps(e)))]
        for e in (
            rec("r", "c", "resident:r", ts(1)),
            xfer("t", "c", "resident:r", "public", ts(2), basis="public_post"),
            grant("g", "agency:a-pd", "agency:fbi"),
            search("s1", "agency:a-pd", ["agency:b-pd", "agency:c-pd"], "agency:fbi"),
            search("s2", "agency:a-pd", 4, "agency:fbi"),
            search("s3", "agency:a-pd", 4),
        )
    }
    assert list(kinds.values()) == [
        [("origin", "resident:r", "resident:r")],
        [("transfer", "resident:r", "public")],
        [("grant", "agency:a-pd", "agency:fbi")],
        [("search", "agency:b-pd", "agency:a-pd"), ("search", "agency:b-pd", "agency:fbi"),
         ("search", "agency:c-pd", "agency:a-pd"), ("search", "agency:c-pd", "agency:fbi")],
        [("search", "agency:a-pd", "agency:fbi")],  # networks only counted: the searcher passed results on
        [],  # nothing known beyond the searcher's own results
    ]


def test_a_gated_step_makes_no_edge_and_a_flagged_search_keeps_its_links():
    s = parse_event(json.dumps(search("s", "agency:a-pd", 2, "agency:fbi")))
    ok = Verdict(event_id="s", event_type="search", occurred_at=s.occurred_at, outcome="flagged")
    assert [(e.from_party, e.to_party, e.verdict) for e in judged_edges(s, ok)] == [
        ("agency:a-pd", "agency:fbi", "flagged")]
    assert judged_edges(s, ok.model_copy(update={"outcome": "gated"})) == []


# --- reach by the flow model -----------------------------------------------------------------------------

CHAIN = [
    rec("r1", "c1", "resident:r1", ts(1)),
    xfer("t1", "c1", "resident:r1", "agency:a-pd", ts(2)),
    xfer("t2", "c1", "agency:a-pd", "agency:b-pd", ts(3)),
    xfer("t3", "c1", "agency:b-pd", "agency:fbi", ts(4)),
    grant("g1", "agency:x-pd", "agency:fbi"),  # x's own cameras reach the FBI
    grant("g2", "agency:y-pd", "agency:x-pd"),  # y's reach x, and stop there
    grant("g3", "agency:z-pd", "agency:a-pd"),  # z's reach a; a hands on only clips it holds
    search("s1", "agency:w-pd", 3, "agency:fbi"),  # a search run for the FBI
]


def chain_graph() -> CustodyGraph:
    return CustodyGraph.from_events([parse_event(json.dumps(e)) for e in CHAIN])


def test_reach_lists_only_hand_over_paths_direct_grants_and_searches():
    doc = reach(chain_graph(), "agency:fbi")
    rows = {r["party"]: (r["by"], r["min_hops"], r["paths"]) for r in doc["parties"]}
    assert rows == {
        "agency:b-pd": (["hand-over"], 1, 1),
        "agency:a-pd": (["hand-over"], 2, 1),
        "resident:r1": (["hand-over"], 3, 1),
        "agency:x-pd": (["grant"], 1, 1),
        "agency:w-pd": (["search"], 1, 1),
    }
    assert (doc["clip_count"], doc["path_count"]) == (1, 1)
    assert set(reaching(chain_graph(), {"agency:fbi"})) == set(rows)


def test_onward_exposure_only_on_request_and_marked():
    plain = reach(chain_graph(), "agency:fbi")
    assert not any(r.get("onward") for r in plain["parties"]) and "onward_count" not in plain
    doc = reach(chain_graph(), "agency:fbi", onward=True)
    onward = {r["party"] for r in doc["parties"] if r.get("onward")}
    assert onward == {"agency:y-pd", "agency:z-pd"} and doc["onward_count"] == 2
    assert [r for r in doc["parties"] if not r.get("onward")] == plain["parties"]


def test_judged_by_default_attempts_on_request(tmp_path: Path):
    # a Ring request for a 100-hour window is gated under ring-2019-portal: the delivery through the portal
    # is never made, so custody as judged has no path; every attempt in the log has one
    evs = [
        rec("r1", "c1", "resident:r1", ts(1)),
        ev("footage_request", "q1", ts(1, 1), request_id="req1", requester="agency:a-pd", platform="ring",
           area={"lat": 37.0, "lon": -122.0, "radius_m": 500}, window={"start": ts(1), "end": ts(5, 4)},
           investigation_code="case-1", purpose="burglary", case_number="C-1"),
        ev("consent_decision", "d1", ts(1, 2), request_id="req1", owner="resident:r1", decision="share",
           clip_ids=["c1"]),
        xfer("t1", "c1", "resident:r1", "agency:a-pd", ts(1, 3), basis="consent", request_id="req1",
             via="platform:ring"),
    ]
    log = write_log(tmp_path / "log.jsonl", evs)
    check = cli_json("check", str(log), "--rules", "ring-2019-portal", "--json")
    assert check["outcomes"]["gated"] >= 1 and check["custody_edges"] == 0
    judged = RUNNER.invoke(app, ["trace", str(log), "--clip", "c1", "--to", "agency:a-pd", "--rules",
                                 "ring-2019-portal", "--json"])
    # the gates let nothing through: zero, with what the log holds for the party (it is named, so no error)
    assert judged.exit_code == 0, judged.output
    doc = json.loads(judged.stdout)
    assert (doc["basis"], doc["count"]) == ("judged", 0)
    assert doc["in_log"]["events"] == 2 and doc["in_log"]["outcomes"].get("gated", 0) >= 1
    attempts = cli_json("trace", str(log), "--clip", "c1", "--to", "agency:a-pd", "--attempts", "--json")
    assert (attempts["basis"], attempts["count"]) == ("attempts", 1)
    r = cli_json("reach", str(log), "--to", "agency:a-pd", "--attempts", "--json")
    assert (r["basis"], r["clip_count"]) == ("attempts", 1)


# --- the demo's document ---------------------------------------------------------------------------------


def test_demo_json_agrees_with_check_and_reach(tmp_path: Path):
    scenario, seed, n = "default", 7, 3000
    log = tmp_path / "sim.jsonl"
    assert RUNNER.invoke(app, ["simulate", "--scenario", scenario, "--seed", str(seed), "--events", str(n),
                               "-o", str(log)]).exit_code == 0
    demo = cli_json("demo", "--in-process", "--json", "--scenario", scenario, "--seed", str(seed),
                    "--events", str(n))
    check = cli_json("check", str(log), "--json")
    assert demo["simulated"] is True and (demo["seed"], demo["events"]) == (seed, n)
    for key in ("events_in", "processed", "duplicates", "dead_letters", "violations"):
        assert demo[key] == check[key], key
    assert demo["events_in"] == demo["processed"] + demo["duplicates"] + demo["dead_letters"] == n
    assert demo["reached"] and any(row["clips"] for row in demo["reached"])
    for row in demo["reached"]:
        r = cli_json("reach", str(log), "--to", row["party"], "--json")
        assert (row["clips"], row["paths"]) == (r["clip_count"], r["path_count"]), row["party"]
        through = Counter(p for c in r["clips"] for p in c["intermediaries"])
        assert {v["party"]: v["clips"] for v in row["via"]} == through
        owned = Counter(c["owner"] for c in r["clips"])
        assert {c["party"]: c["clips"] for c in r["conduits"]} == through + owned  # reach's conduits: both
        assert set(row) == {"party", "clips", "paths", "via", "bases"}


# --- the real NC 2024 sharing network ---------------------------------------------------------------------

#: Federal agencies in the sharing CSV, by name (read off the file's distinct names; no classifier).
FEDERAL_NAME = re.compile(r"^(FBI|ATF |USMS|US )|National Park|US Army|US Air Force|Veterans Affairs|"
                          r"Tennessee Valley Authority|N\.R\.A\.")
STATE_CODE = re.compile(r"\b([A-Z]{2})\b")


def _name(raw: str) -> str:
    return " ".join(raw.split())


def _slug(name: str) -> str:
    return "agency:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@pytest.fixture(scope="module")
def nc(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[str, str]], Path]:
    path = shared_data / "flock-sharing-nc-2024" / "agency_access20240426.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [(_name(r["src_agency"]), _name(r["external_agency"])) for r in csv.DictReader(f)]
    log = tmp_path_factory.mktemp("nc") / "flock.jsonl"
    done = RUNNER.invoke(app, ["import", "flock-sharing", str(path), "-o", str(log)])
    assert done.exit_code == 0, done.output
    return rows, log


def test_nc_fbi_is_reached_only_by_its_direct_grantors(nc):
    rows, log = nc
    grantors = {_slug(s) for s, e in rows if e == "FBI"}
    assert len(grantors) == 30
    doc = cli_json("reach", str(log), "--to", "agency:fbi", "--json")
    assert {r["party"] for r in doc["parties"]} == grantors
    assert all(r["by"] == ["grant"] and r["min_hops"] == 1 for r in doc["parties"])
    onward = cli_json("reach", str(log), "--to", "agency:fbi", "--onward", "--json")
    added = [r for r in onward["parties"] if r.get("onward")]
    assert added and {r["party"] for r in onward["parties"] if not r.get("onward")} == grantors
    assert "agency:el-cajon-ca-pd" in {r["party"] for r in added}  # two grants away: onward exposure only


def test_nc_min_cut_from_california_to_federal_is_the_direct_grants(nc):
    rows, log = nc

    def state(name: str) -> str | None:
        codes = STATE_CODE.findall(name)
        return codes[0] if codes else None

    # An account marked switched off ("USMS (inactive)") is left out of counts, with the import saying so.
    direct = {(_slug(s), _slug(e)) for s, e in rows
              if state(s) == "CA" and FEDERAL_NAME.search(e) and "(inactive)" not in e.lower()}
    assert len(direct) == 27
    doc = cli_json("cut", str(log), "--from-state", "CA", "--to-kind", "federal", "--json")
    assert doc["cut_size"] == len(direct) == len(doc["links"])
    assert {(r["from"], r["to"]) for r in doc["links"]} == direct
    assert ("agency:el-cajon-ca-pd", "agency:anoka-county-mn-so") not in {(r["from"], r["to"]) for r in doc["links"]}


@pytest.mark.parametrize("seed", range(60))
def test_paths_through_each_party_match_enumeration(seed):
    # per-party path counts and fewest hops (dynamic programming, or walking where walks could revisit)
    # against every path listed one by one
    from graph.paths import enumerate_paths

    rnd = random.Random(seed)
    parties = ["o", "a", "b", "c", "d", "x"]
    g = CustodyGraph()
    g.add_recording("clip", "o", 0.0)
    for i in range(rnd.randint(3, 14)):
        u, v = rnd.sample(parties, 2)
        g.add_hand_over(f"h{i}", "clip", u, v, float(rnd.randint(1, 6)))
    if "x" not in g.graph:
        return
    expected: dict[str, list[int]] = {}
    for path in enumerate_paths(g.clip_hand_overs("clip"), "o", 0.0, "x", limit=10**6):
        chain = ["o", *(h.dst for h in path[:-1])]
        for i, p in enumerate(chain):
            row = expected.setdefault(p, [0, 99])
            row[0] += 1
            row[1] = min(row[1], len(path) - i)
    rows = {r["party"]: [r["paths"], r["min_hops"]] for r in reach(g, "x")["parties"]}
    assert rows == expected


def test_reach_on_grants_alone_says_what_the_data_holds(tmp_path: Path):
    log = write_log(tmp_path / "grants.jsonl", [grant("g1", "agency:el-cajon-ca-pd", "agency:fbi"),
                                                grant("g2", "agency:cabot-ar-pd", "agency:fbi"),
                                                grant("g3", "agency:cabot-ar-pd", "agency:anoka-county-mn-so")])
    r = RUNNER.invoke(app, ["reach", str(log), "--to", "agency:fbi"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    first = r.stdout.splitlines()[0]
    assert first.startswith("2 agencies in 2 states gave FBI access to search"), first
    assert "0 clips" not in r.stdout and "No clip in this log reached FBI" in r.stdout
