"""``--as-of``: custody as judged from the events up to a date, and the portal grants in force then.

Portal snapshots are made up here at random (one agency's portal seen 2 to 5 times, partners added and
removed between snapshots, outbound and inbound), imported as the importer does, and the grants in the graph
as of a date are compared with a reading of the rule written here from the snapshot lists themselves:
a grant counts at a snapshot that lists it, between two snapshots that both list it, and after the last
snapshot if that lists it; in a gap where its listing changes it does not count and is uncertain.
For events, ``--as-of D`` must answer as the whole command does on the log cut at D (cut here, by hand).
"""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.judged import graph_of_log
from classify.agencies import agency_party_id
from custodiet.cli import app
from importers.flock_portal import import_flock_portal
from judge.pipeline import read_lines
from tests.conftest import rec, ts, write_log, xfer

runner = CliRunner()
PORTAL = "El Cajon CA PD"
PARTNERS = ["Austin TX PD", "Reno NV PD", "Fresno CA PD", "FBI", "Dallas TX PD", "La Mesa CA PD"]
START = datetime(2025, 1, 1, tzinfo=UTC)


def z(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_snapshots(rng: random.Random, folder: Path) -> tuple[list[datetime], dict[tuple[str, str], set[int]]]:
    """Write the snapshot files; return their times and, per (grantor id, grantee id), the snapshots that
    list the grant."""
    n = rng.randint(2, 5)
    days = sorted(rng.sample(range(0, 300), n))
    times = [START + timedelta(days=d) for d in days]
    listed: dict[tuple[str, str], set[int]] = {}
    me = agency_party_id(PORTAL)
    for i, t in enumerate(times):
        out = [p for p in PARTNERS if rng.random() < 0.5]
        inn = [p for p in PARTNERS if rng.random() < 0.4]
        rec_ = {"name": PORTAL, "slug": "el-cajon-ca-pd", "crawled_at": z(t), "sharing_outbound": out,
                "sharing_inbound": inn}
        (folder / f"el-cajon-{t:%Y%m%d}.json").write_text(json.dumps(rec_))
        for p in out:
            listed.setdefault((me, agency_party_id(p)), set()).add(i)
        for p in inn:
            listed.setdefault((agency_party_id(p), me), set()).add(i)
    return times, listed


def expected_at(times: list[datetime], listed: set[int], at: datetime) -> tuple[bool, bool]:
    """(counts, uncertain) of one grant at ``at``, from the snapshot lists; a day (its last microsecond)
    takes a snapshot of that day as its state."""
    before = [i for i, t in enumerate(times) if t <= at]
    if not before:
        return False, False
    b = before[-1]
    whole_day = at.time() == time.max
    if times[b] == at or b == len(times) - 1 or (whole_day and times[b].date() == at.date()):
        return b in listed, False
    if (b in listed) == (b + 1 in listed):
        return b in listed, False
    return False, True


@pytest.mark.parametrize("seed", range(25))
def test_grants_in_force_as_of_a_date(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    times, listed = make_snapshots(rng, tmp_path)
    log = tmp_path / "grants.jsonl"
    import_flock_portal(sorted(tmp_path.glob("*.json"))).write_jsonl(log)
    probes = [times[0] - timedelta(days=1), *times, times[-1] + timedelta(days=30)]
    probes += [a + (b - a) / 2 for a, b in zip(times, times[1:], strict=False)]
    probes += [t + timedelta(seconds=1) for t in times]
    probes += [datetime.combine(t.date(), time.max, UTC) for t in times]  # --as-of given as the snapshot's day
    for at in probes:
        g, res = graph_of_log(read_lines(str(log)), None, attempts=True, as_of=at)
        got = {(u, v) for u, v, d in g.graph.edges(data=True) if d.get("kind") == "grant"}
        want = {pair for pair, seen in listed.items() if expected_at(times, seen, at)[0]}
        assert got == want, (seed, z(at))
        unsure = {(u["grantor"], u["grantee"]) for u in g.as_of.uncertain}
        assert unsure == {pair for pair, seen in listed.items() if expected_at(times, seen, at)[1]}, (seed, z(at))
        doc = res.document()
        # counts in = counts out: every grant event is judged or set aside
        assert doc["events_in"] == doc["processed"] + doc["duplicates"] + doc["dead_letters"] + doc["set_aside"]
        assert doc["processed"] == len(got)


@pytest.mark.parametrize("seed", range(12))
def test_diff_between_snapshot_days_against_the_snapshot_lists(tmp_path: Path, seed: int) -> None:
    from analysis.diff import custody_diff
    from judge.pipeline import read_lines

    rng = random.Random(1000 + seed)
    times, listed = make_snapshots(rng, tmp_path)
    log = tmp_path / "grants.jsonl"
    import_flock_portal(sorted(tmp_path.glob("*.json"))).write_jsonl(log)
    pairs = [(i, j) for i in range(len(times)) for j in range(i + 1, len(times))]
    for i, j in rng.sample(pairs, min(4, len(pairs))):
        start, end = (datetime.combine(times[k].date(), time.max, UTC) for k in (i, j))
        doc, _, _ = custody_diff(lambda: read_lines(str(log)), start, end, attempts=True)
        want_added = {pair for pair, seen in listed.items() if j in seen and i not in seen}
        want_removed = {pair for pair, seen in listed.items() if i in seen and j not in seen}
        assert {(r["grantor"], r["grantee"]) for r in doc["grants_added"]} == want_added
        assert {(r["grantor"], r["grantee"]) for r in doc["grants_removed"]} == want_removed
        for r in doc["grants_added"]:  # shown by the first snapshot after --from that lists it
            seen = listed[(r["grantor"], r["grantee"])]
            k = next(k for k in range(i + 1, j + 1) if k in seen and k - 1 not in seen)
            assert r["evidence"]["snapshot"] == z(times[k]) and r["evidence"]["previous_snapshot"] == z(times[k - 1])
        for r in doc["grants_removed"]:  # shown by the first snapshot after --from that no longer does
            seen = listed[(r["grantor"], r["grantee"])]
            k = next(k for k in range(i + 1, j + 1) if k not in seen and k - 1 in seen)
            assert r["evidence"]["snapshot"] == z(times[k]) and r["evidence"]["previous_snapshot"] == z(times[k - 1])
        assert doc["uncertain_at_from"] == doc["uncertain_at_to"] == []
        names = {agency_party_id(n): n for n in [PORTAL, *PARTNERS]}
        for r in doc["grants_added"] + doc["grants_removed"]:  # the names the portal records gave
            assert (r["grantor_name"], r["grantee_name"]) == (names[r["grantor"]], names[r["grantee"]])


def test_diff_command_names_parties_and_evidence(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({
        "name": PORTAL, "slug": "el-cajon-ca-pd", "crawled_at": "2025-01-01T00:00:00Z",
        "sharing_outbound": ["Austin TX PD", "Reno NV PD"], "sharing_inbound": ["Fresno CA PD"]}))
    (tmp_path / "b.json").write_text(json.dumps({
        "name": PORTAL, "slug": "el-cajon-ca-pd", "crawled_at": "2025-03-01T00:00:00Z",
        "sharing_outbound": ["Austin TX PD"], "sharing_inbound": ["Fresno CA PD", "FBI"]}))
    log = tmp_path / "grants.jsonl"
    import_flock_portal([tmp_path / "a.json", tmp_path / "b.json"]).write_jsonl(log)
    args = ["diff", str(log), "--from", "2025-01-01", "--to", "2025-03-01", "--to-party", "agency:el-cajon-ca-pd",
            "--attempts"]
    doc = _json(args)
    assert [(r["grantor"], r["grantee"]) for r in doc["grants_added"]] == [("agency:fbi", "agency:el-cajon-ca-pd")]
    assert [(r["grantor"], r["grantee"]) for r in doc["grants_removed"]] == [
        ("agency:el-cajon-ca-pd", "agency:reno-nv-pd")]
    assert [(p["party"], p["change"], p["after"]) for p in doc["parties"]] == [("agency:fbi", "gained", ["grant"])]
    assert doc["grants_removed"][0]["grantee_name"] == "Reno NV PD" and doc["parties"][0]["name"] == "FBI"
    assert doc["party_name"] == "El Cajon CA PD"
    assert doc["parties"][0]["evidence"][0]["event"] == "flock-share:fbi:el-cajon-ca-pd"
    res = runner.invoke(app, args, env={"COLUMNS": "200"}, terminal_width=200)
    assert res.exit_code == 0
    assert "Reno NV PD" in res.stdout and "FBI" in res.stdout and "2025-03-01T00:00:00Z" in res.stdout
    bad = runner.invoke(app, ["diff", str(log), "--from", "2025-03-01", "--to", "2025-01-01"])
    assert bad.exit_code == 2 and "--from" in bad.stderr


# Events: a clip handed on over three days, a search, a grant; as of each date the command must answer as
# it does on the log cut by hand at that date.
EVENTS = [
    rec("r", "c1", "resident:r-1", ts(1)),
    xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", ts(2), basis="consent"),
    xfer("t2", "c1", "agency:oakland-ca-pd", "agency:ice-ero", ts(4)),
    {"event_id": "g1", "type": "access_grant", "occurred_at": ts(3), "grantor": "agency:fresno-ca-pd",
     "grantee": "agency:ice-ero", "system": "flock", "scope": "alpr-search"},
    {"event_id": "s1", "type": "search", "occurred_at": ts(5), "searcher": "agency:ice-ero", "reason": "x",
     "networks_searched": ["agency:reno-nv-pd"]},
]


def _json(args: list[str]) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_a_party_not_yet_in_custody_as_of_a_date_is_said_so(tmp_path: Path) -> None:
    """A party the log names only after the date: nothing reaches it then (as the live view answers), and the
    events naming it are said to be set aside."""
    log = str(write_log(tmp_path / "all.jsonl", EVENTS))
    res = runner.invoke(app, ["reach", log, "--to", "agency:ice-ero", "--as-of", "2024-05-02"])
    assert res.exit_code == 0, res.output
    assert "as of 2024-05-02T23:59:59Z" in " ".join(res.stdout.split()) and "set_aside" in res.stdout
    doc = _json(["reach", log, "--to", "agency:ice-ero", "--as-of", "2024-05-02"])
    later = sum(1 for e in EVENTS if "agency:ice-ero" in json.dumps(e) and e["occurred_at"] > "2024-05-02T23:59:59Z")
    assert doc["party_count"] == doc["path_count"] == 0 and doc["in_log"]["outcomes"] == {"set_aside": later}


@pytest.mark.parametrize("day", [3, 4, 5, 6])
@pytest.mark.parametrize("attempts", [True, False])
def test_as_of_answers_as_the_log_cut_at_that_date(tmp_path: Path, day: int, attempts: bool) -> None:
    whole = str(write_log(tmp_path / "all.jsonl", EVENTS))
    cut = str(write_log(tmp_path / "cut.jsonl", [e for e in EVENTS if e["occurred_at"] <= ts(day, 23, 59)]))
    extra = ["--attempts"] if attempts else []
    when = f"2024-05-{day:02d}"
    a = _json(["reach", whole, "--to", "agency:ice-ero", "--as-of", when, *extra])
    b = _json(["reach", cut, "--to", "agency:ice-ero", *extra])
    assert a["as_of"] == f"{when}T23:59:59Z"
    later = sum(1 for e in EVENTS if e["occurred_at"] > ts(day, 23, 59))
    check = graph_of_log(read_lines(whole), None, attempts=attempts,
                         as_of=datetime.fromisoformat(f"{when}T23:59:59.999999+00:00"))[1].document()
    assert check["set_aside"] == later and check["processed"] == len(EVENTS) - later
    for key in ("clip_count", "path_count", "parties", "clips", "conduits", "party_count"):
        assert a[key] == b[key], key
    t = _json(["trace", whole, "--clip", "c1", "--to", "agency:ice-ero", "--as-of", when, *extra])
    assert t["count"] == _json(["trace", cut, "--clip", "c1", "--to", "agency:ice-ero", *extra])["count"]
    for cmd in (["conduits", "--to", "agency:ice-ero"], ["cut", "--from", "resident:r-1", "--to", "agency:ice-ero"]):
        x = _json([cmd[0], whole, *cmd[1:], "--as-of", when, *extra])
        y = _json([cmd[0], cut, *cmd[1:], *extra])
        x.pop("as_of"), x.pop("uncertain_grants")
        assert x == y, cmd[0]


def test_as_of_bad_date_is_one_line(tmp_path: Path) -> None:
    log = str(write_log(tmp_path / "all.jsonl", EVENTS))
    for cmd in (["reach", log, "--to", "agency:ice-ero"], ["conduits", log], ["export", log, "-o", "x.json"]):
        res = runner.invoke(app, [*cmd, "--as-of", "last tuesday"])
        lines = res.stderr.strip().splitlines()
        assert res.exit_code == 2 and len(lines) == 1 and "--as-of" in lines[0], res.output


def test_reach_over_time_is_reach_as_of_each_date(tmp_path: Path) -> None:
    """The report's reach-over-time points are the numbers reach --as-of lists at those dates, with portal
    grants added and removed between snapshots in the same log as hand-overs and searches."""
    from graph.reach import reach
    from reports.over_time import KINDS, reach_over_time

    rng = random.Random(7)
    times, _ = make_snapshots(rng, tmp_path)
    grants = tmp_path / "grants.jsonl"
    import_flock_portal(sorted(tmp_path.glob("*.json"))).write_jsonl(grants)
    me = agency_party_id(PORTAL)
    more = [rec("r", "c1", "resident:r-1", z(times[0] + timedelta(days=2))),
            xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", z(times[0] + timedelta(days=3))),
            xfer("t2", "c1", "agency:oakland-ca-pd", me, z(times[-1] - timedelta(days=1))),
            {"event_id": "s1", "type": "search", "occurred_at": z(times[0] + timedelta(days=40)), "searcher": me,
             "reason": "x", "networks_searched": ["agency:reno-nv-pd"]}]
    log = tmp_path / "all.jsonl"
    log.write_text(grants.read_text() + "".join(json.dumps(e) + "\n" for e in more))
    whole, _ = graph_of_log(read_lines(str(log)), None, attempts=True)
    dates = sorted({*(t.timestamp() for t in times), times[0].timestamp() + 50 * 86400,
                    times[-1].timestamp() + 86400})
    series = reach_over_time(whole, me, dates)
    for i, t in enumerate(dates):
        g, _ = graph_of_log(read_lines(str(log)), None, attempts=True, as_of=datetime.fromtimestamp(t, UTC))
        rows = reach(g, me)["parties"] if g.has_party(me) else []
        for kind in KINDS:
            assert series[kind][i] == sum(1 for r in rows if kind in r["by"]), (kind, z(datetime.fromtimestamp(t, UTC)))
    assert max(series["hand-over"]) > 0 and max(series["search"]) > 0


def test_report_draws_reach_over_time(tmp_path: Path) -> None:
    log = str(write_log(tmp_path / "all.jsonl", EVENTS))
    res = runner.invoke(app, ["report", log, "--to", "agency:ice-ero", "-o", str(tmp_path / "rep"), "--attempts"])
    assert res.exit_code == 0, res.output
    stem = tmp_path / "rep" / "reach-over-time-ice-ero"
    assert stem.with_suffix(".png").stat().st_size > 0 and stem.with_suffix(".svg").exists()
    rows = list(csv.reader(stem.with_suffix(".csv").read_text().splitlines()))
    assert rows[0] == ["as_of", "parties_by_hand_over", "parties_by_grant", "parties_by_search"]
    last = rows[-1]
    # as of the last event: resident and police by hand-over, Fresno by grant, Reno by search
    assert last[1:] == ["2", "1", "1"]
    assert "reach-over-time-ice-ero.png" in (tmp_path / "rep" / "index.html").read_text()
    res = runner.invoke(app, ["report", log, "--to", "agency:ice-ero", "-o", str(tmp_path / "rep4"), "--attempts",
                              "--as-of", "2024-05-04"])
    assert res.exit_code == 0, res.output
    assert "as of 2024-05-04T23:59:59Z" in (tmp_path / "rep4" / "index.html").read_text()
    last = list(csv.reader((tmp_path / "rep4" / "reach-over-time-ice-ero.csv").read_text().splitlines()))[-1]
    assert last[0] <= "2024-05-04T23:59:59Z" and last[1:] == ["2", "1", "0"]  # the search came on day 5


def test_whatif_as_of_is_whatif_on_the_log_cut_at_that_date(tmp_path: Path) -> None:
    whole = str(write_log(tmp_path / "all.jsonl", EVENTS))
    for day in (3, 5):
        cut = str(write_log(tmp_path / f"cut{day}.jsonl", [e for e in EVENTS if e["occurred_at"] <= ts(day, 23, 59)]))
        a = _json(["whatif", whole, "--rules", "ca-sb34", "--as-of", f"2024-05-{day:02d}"])
        b = _json(["whatif", cut, "--rules", "ca-sb34"])
        assert a.pop("as_of") == f"2024-05-{day:02d}T23:59:59Z" and a.pop("uncertain_grants") == []
        assert a == b


def test_live_api_as_of_gives_the_command_documents(tmp_path: Path) -> None:
    """/api/reach and /api/trace with as_of (and max_wait) give the documents reach/trace --as-of print, on a
    log of portal snapshots and hand-overs; a bad value is a 400 naming the parameter."""
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    from live.server import serve
    from live.state import LiveState

    rng = random.Random(3)
    times, _ = make_snapshots(rng, tmp_path)
    grants = tmp_path / "grants.jsonl"
    import_flock_portal(sorted(tmp_path.glob("*.json"))).write_jsonl(grants)
    me = agency_party_id(PORTAL)
    more = [rec("r", "c1", "resident:r-1", z(times[0])),
            xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", z(times[0] + timedelta(hours=2)),
                 basis="consent"),
            xfer("t2", "c1", "agency:oakland-ca-pd", me, z(times[0] + timedelta(days=3)))]
    log = tmp_path / "all.jsonl"
    log.write_text(grants.read_text() + "".join(json.dumps(e) + "\n" for e in more))
    server = serve(LiveState.from_log(log), port=0)
    try:
        def api(path: str, **params: str) -> tuple[int, dict]:
            try:
                with urllib.request.urlopen(f"{server.url}{path}?{urlencode(params)}", timeout=10) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read())

        for at in [z(times[0] + timedelta(days=5)), z(times[-1]), z(times[-1] + timedelta(days=1))]:
            status, doc = api("api/reach", to=me, as_of=at)
            assert status == 200
            doc.pop("labels", None), doc.pop("groups", None)
            cli = _json(["reach", str(log), "--to", me, "--as-of", at])
            cli.pop("in_log", None), cli.pop("names")  # what the command adds about the log and names for people
            assert doc == cli
            for wait in ("1h", "3d"):
                status, doc = api("api/trace", clip="c1", to=me, as_of=at, max_wait=wait)
                doc.pop("labels", None), doc.pop("groups", None)
                cli = _json(["trace", str(log), "--clip", "c1", "--to", me, "--as-of", at, "--max-wait", wait])
                cli.pop("names")
                assert doc == cli
        status, doc = api("api/reach", to=me, as_of="soon")
        assert status == 400 and "as_of" in doc["error"]
    finally:
        server.shutdown()


def test_export_as_of_says_the_date_and_holds_only_what_counted(tmp_path: Path) -> None:
    log = str(write_log(tmp_path / "all.jsonl", EVENTS))
    out = tmp_path / "g.json"
    doc = _json(["export", log, "-o", str(out), "--as-of", "2024-05-03", "--attempts"])
    assert doc["as_of"] == "2024-05-03T23:59:59Z"
    written = json.loads(out.read_text())
    assert written["as_of"] == "2024-05-03T23:59:59Z"
    # up to day 3: the recording's owner, t1 and the grant g1 (t2 on day 4 and the search on day 5 are later)
    assert sorted(e["key"] for e in written["edges"]) == ["g1", "t1"]
