"""Time questions on inputs written here, not in the repository: portal snapshots with grants added, removed
and re-added (one agency renamed between snapshots), imported as a user would and compared with a diff worked
out here from the snapshot lists; ``--max-wait`` on shapes random logs rarely make (equal times, a hop at
exactly the bound, a cycle back to an earlier party) against a brute force written from DESIGN.md's
tracing rule; ``--as-of`` given as a day, a time and a time with an offset."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from tests.conftest import rec, ts, write_log, xfer

runner = CliRunner()

# portal slug -> (name shown in that snapshot, crawled_at, agencies it shares with)
SNAPSHOTS: list[tuple[str, str, str, list[str]]] = [
    ("oakdale-ca-pd", "Oakdale CA PD", "2025-01-01T00:00:00Z", ["Fresno CA PD", "Reno NV PD"]),
    ("oakdale-ca-pd", "Oakdale CA PD", "2025-03-01T00:00:00Z", ["Fresno CA PD", "Modesto CA PD"]),
    ("oakdale-ca-pd", "Oakdale CA PD", "2025-05-01T00:00:00Z", ["Fresno CA PD", "Reno NV PD", "Modesto CA PD"]),
    ("oakdale-ca-pd", "Oakdale CA PD", "2025-07-01T00:00:00Z", ["Modesto CA PD", "Reno NV PD"]),
    ("turlock-ca-pd", "Turlock CA PD", "2025-02-01T00:00:00Z", ["Oakdale CA PD", "Reno NV PD"]),
    ("turlock-ca-pd", "Turlock Police Department", "2025-06-01T00:00:00Z", ["Oakdale CA PD"]),
]
ID = {"Fresno CA PD": "agency:fresno-ca-pd", "Reno NV PD": "agency:reno-nv-pd",
      "Modesto CA PD": "agency:modesto-ca-pd", "Oakdale CA PD": "agency:oakdale-ca-pd"}


def _t(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def _at(date: str) -> tuple[datetime, bool]:
    """A --as-of value as a moment, and whether it stands for its whole day (README: a day, to its last second)."""
    if len(date) == 10:
        return _t(date + "T00:00:00Z") + timedelta(days=1, seconds=-1), True
    return _t(date), False


def expected_state(date: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(grants in force, grants uncertain) at ``date``, from the snapshot lists by the README's rule."""
    at, whole_day = _at(date)
    counted: set[tuple[str, str]] = set()
    uncertain: set[tuple[str, str]] = set()
    for slug in {s[0] for s in SNAPSHOTS}:
        snaps = sorted((_t(c), {ID[n] for n in lst}) for p, _, c, lst in SNAPSHOTS if p == slug)
        grantees = set().union(*(g for _, g in snaps))
        before = [s for s in snaps if s[0] <= at]
        after = [s for s in snaps if s[0] > at]
        if not before:
            continue
        last = before[-1]
        on_day = whole_day and last[0].date() == at.date()
        for g in grantees:
            pair = (f"agency:{slug}", g)
            listed = g in last[1]
            if after and last[0] < at and not on_day and (g in after[0][1]) != listed:
                uncertain.add(pair)
            elif listed:
                counted.add(pair)
    return counted, uncertain


@pytest.fixture(scope="module")
def grants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("portal")
    for slug, name, crawled, lst in SNAPSHOTS:
        rec_ = {"name": name, "slug": slug, "crawled_at": crawled, "sharing_outbound": lst}
        (folder / f"{slug}-{crawled[:10]}.json").write_text(json.dumps(rec_))
    out = folder / "grants.jsonl"
    res = runner.invoke(app, ["import", "flock-portal", str(folder), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def run_json(*args: str) -> dict[str, Any]:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


DATES = ["2024-12-31", "2025-01-01", "2025-01-15", "2025-02-01T12:00:00Z", "2025-03-01", "2025-03-01T00:00:00Z",
         "2025-04-01", "2025-05-01", "2025-06-01", "2025-06-15", "2025-07-01", "2025-09-01"]


@pytest.mark.parametrize(("d1", "d2"), [(a, b) for a, b in itertools.combinations(DATES, 2) if _at(a) <= _at(b)])
def test_diff_against_the_snapshot_lists(grants: Path, d1: str, d2: str) -> None:
    doc = run_json("diff", str(grants), "--from", d1, "--to", d2)
    c1, u1 = expected_state(d1)
    c2, u2 = expected_state(d2)
    added = {(r["grantor"], r["grantee"]) for r in doc["grants_added"]}
    removed = {(r["grantor"], r["grantee"]) for r in doc["grants_removed"]}
    assert added == c2 - c1
    assert removed == c1 - c2
    assert {(r["grantor"], r["grantee"]) for r in doc["uncertain_at_from"]} == u1
    assert {(r["grantor"], r["grantee"]) for r in doc["uncertain_at_to"]} == u2
    at1, _ = _at(d1)
    for r in doc["grants_added"] + doc["grants_removed"]:
        assert r["grantor_name"] and r["grantee_name"]
        ev = r["evidence"]
        slug = r["grantor"].removeprefix("agency:")
        lists = {c: {ID[n] for n in lst} for p, _, c, lst in SNAPSHOTS if p == slug}
        shown, prev = ev["snapshot"], ev["previous_snapshot"]
        assert shown in lists and _t(shown) > at1
        on = r["grantee"] in lists[shown]
        assert on == (r in doc["grants_added"])
        if prev is not None:
            assert (r["grantee"] in lists[prev]) != on
            assert max(c for c in lists if _t(c) < _t(shown)) == prev


@pytest.mark.parametrize("date", DATES)
def test_reach_as_of_against_the_snapshot_lists(grants: Path, date: str) -> None:
    counted, uncertain = expected_state(date)
    for target in sorted({g for _, g in counted}):
        doc = run_json("reach", str(grants), "--to", target, "--as-of", date)
        parties = {row["party"] for row in doc["parties"]}
        assert parties == {a for a, g in counted if g == target}
        unc = {(u["grantor"], u["grantee"]) for u in doc.get("uncertain_grants", [])}
        assert unc == {p for p in uncertain if target in p}


def test_renamed_agency_is_one_party(grants: Path) -> None:
    grantors = {json.loads(line)["grantor"] for line in grants.read_text().splitlines()}
    assert grantors == {"agency:oakdale-ca-pd", "agency:turlock-ca-pd"}


# --max-wait against a brute force: a path leaves the owner at or after the recording and within the wait of
# it, then each hand-over comes at or after the arrival before it (equal times allowed) and within the wait,
# never visiting a party twice (DESIGN.md, tracing).

def brute(events: list[dict[str, Any]], clip: str, target: str, wait: float | None) -> int:
    recd = [e for e in events if e["type"] == "clip_recorded" and e["clip_id"] == clip]
    hs = [(_t(e["occurred_at"]).timestamp(), e["from_party"], e["to_party"]) for e in events
          if e["type"] == "transfer" and e["clip_id"] == clip]
    owner, t0 = recd[0]["owner"], _t(recd[0]["occurred_at"]).timestamp()
    w = float("inf") if wait is None else wait

    def walk(p: str, t: float, seen: frozenset[str]) -> int:
        n = 0
        for (tt, a, b) in hs:
            if a == p and b not in seen and t <= tt <= t + w:
                n += 1 if b == target else walk(b, tt, seen | {b})
        return n
    return walk(owner, t0, frozenset({owner}))


OWN, P, Q, R, ICE = "resident:o-1", "agency:p", "agency:q", "agency:r", "agency:ice-ero"
SHAPES: dict[str, list[dict[str, Any]]] = {
    "equal_times": [rec("r", "c", OWN, ts(1)), xfer("a", "c", OWN, P, ts(1, 1)), xfer("b", "c", P, Q, ts(1, 1)),
                    xfer("c1", "c", Q, ICE, ts(1, 1)), xfer("d", "c", P, ICE, ts(1, 1)),
                    xfer("e", "c", Q, P, ts(1, 1))],
    "boundary": [rec("r", "c", OWN, ts(1)), xfer("a", "c", OWN, P, ts(1, 2)), xfer("b", "c", P, ICE, ts(1, 4)),
                 xfer("b2", "c", P, ICE, ts(1, 4, 1)), xfer("f", "c", OWN, ICE, ts(1, 2))],
    "cycle": [rec("r", "c", OWN, ts(1)), xfer("a", "c", OWN, P, ts(1, 1)), xfer("b", "c", P, Q, ts(1, 2)),
              xfer("back", "c", Q, P, ts(1, 3)), xfer("c2", "c", Q, OWN, ts(1, 3)), xfer("d", "c", OWN, R, ts(1, 4)),
              xfer("e", "c", R, ICE, ts(1, 5)), xfer("g", "c", P, ICE, ts(1, 4)), xfer("h", "c", Q, ICE, ts(1, 6))],
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("wait", ["0", "1h", "2h", "90m", "7200s", "1d", None])
def test_max_wait_shapes_against_brute_force(tmp_path: Path, shape: str, wait: str | None) -> None:
    events = SHAPES[shape]
    log = str(write_log(tmp_path / "w.jsonl", events))
    secs = None if wait is None else {"0": 0, "1h": 3600, "2h": 7200, "90m": 5400, "7200s": 7200, "1d": 86400}[wait]
    want = brute(events, "c", ICE, secs)
    extra = ["--max-wait", wait] if wait else []
    doc = run_json("trace", log, "--clip", "c", "--to", ICE, "--attempts", *extra)
    assert doc["count"] == want
    r = run_json("reach", log, "--to", ICE, "--attempts", *extra)
    assert r["path_count"] == want


@pytest.mark.parametrize("value", ["1d12h", "soon", "-1h", "", "nan"])
def test_bad_max_wait_is_one_line_naming_the_flag(tmp_path: Path, value: str) -> None:
    log = str(write_log(tmp_path / "w.jsonl", SHAPES["boundary"]))
    res = runner.invoke(app, ["trace", log, "--clip", "c", "--to", ICE, "--max-wait", value])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "--max-wait" in lines[0] and "Traceback" not in res.output


def test_as_of_day_time_and_offset(tmp_path: Path) -> None:
    log = str(write_log(tmp_path / "w.jsonl", SHAPES["boundary"]))
    # hand-overs at 02:00 (a, f), 04:00 (b), 04:01 (b2) on 2024-05-01
    for as_of, want in [("2024-05-01", 3), ("2024-05-01T04:00:00Z", 2), ("2024-05-01T03:59:59Z", 1),
                        ("2024-05-01T06:00:00+02:00", 2), ("2024-05-01T01:00:00-03:00", 2),
                        ("2024-05-01T04:00:59+00:00", 2), ("2024-05-01T04:01:00Z", 3)]:
        r = run_json("reach", log, "--to", ICE, "--attempts", "--as-of", as_of)
        assert r["path_count"] == want, as_of


@pytest.mark.parametrize("as_of", ["2024-04-30", "2024-05-01T01:59:59Z", "2024-05-01T03:00:00+02:00"])
def test_as_of_before_any_hand_over_is_nothing_on_the_command_and_the_live_api(tmp_path: Path,
                                                                                 as_of: str) -> None:
    """Before any hand-over into ICE nothing reaches it: zero on ``reach --as-of`` and ``/api/reach?as_of=``
    alike (not an error on one surface and an answer on the other)."""
    import urllib.request
    from urllib.parse import urlencode

    from live.server import serve
    from live.state import LiveState

    log = write_log(tmp_path / "w.jsonl", SHAPES["boundary"])
    cli = run_json("reach", str(log), "--to", ICE, "--as-of", as_of)
    assert cli["party_count"] == cli["path_count"] == cli["clip_count"] == 0
    assert cli["in_log"]["outcomes"] == {"set_aside": 3}  # b, b2 and f name ICE, all after the date
    server = serve(LiveState.from_log(log), port=0)
    try:
        url = f"{server.url}api/reach?{urlencode({'to': ICE, 'as_of': as_of})}"
        with urllib.request.urlopen(url, timeout=10) as r:
            live = json.loads(r.read())
    finally:
        server.shutdown()
    for k in ("party_count", "path_count", "clip_count", "as_of", "uncertain_grants"):
        assert live[k] == cli[k], k


def test_reach_of_a_party_whose_only_grants_are_uncertain_lists_them(grants: Path) -> None:
    """Reno NV PD on 2025-04-01: Oakdale re-lists it on 05-01 after dropping it on 03-01, Turlock drops it
    between 02-01 and 06-01; nothing counts, and both grants are listed as uncertain (not an error)."""
    doc = run_json("reach", str(grants), "--to", "agency:reno-nv-pd", "--as-of", "2025-04-01")
    counted, uncertain = expected_state("2025-04-01")
    assert not [p for p in counted if p[1] == "agency:reno-nv-pd"]
    assert doc["party_count"] == 0
    assert {(u["grantor"], u["grantee"]) for u in doc["uncertain_grants"]} == {
        p for p in uncertain if p[1] == "agency:reno-nv-pd"} == {
        ("agency:oakdale-ca-pd", "agency:reno-nv-pd"), ("agency:turlock-ca-pd", "agency:reno-nv-pd")}


@pytest.mark.parametrize(("d1", "d2"), [("2024-12-01", "2025-02-15"), ("2025-02-15", "2025-06-01"),
                                        ("2025-04-01", "2025-08-01"), ("2024-12-31", "2025-01-01")])
@pytest.mark.parametrize("party", ["agency:modesto-ca-pd", "Reno NV PD", "agency:fresno-ca-pd"])
def test_diff_to_party_against_the_snapshot_lists(grants: Path, d1: str, d2: str, party: str) -> None:
    """--to-party: the grantors that gained or lost a grant to the party, from the lists; a party whose grants
    are all uncertain or not yet listed at both dates is an answer (nothing changed, the uncertain named), not
    an error."""
    doc = run_json("diff", str(grants), "--from", d1, "--to", d2, "--to-party", party)
    pid = ID.get(party, party)
    assert doc["party"] == pid and doc["party_name"]
    c1, u1 = expected_state(d1)
    c2, u2 = expected_state(d2)
    gained = {a for a, g in c2 - c1 if g == pid}
    lost = {a for a, g in c1 - c2 if g == pid}
    rows = {r["party"]: r for r in doc["parties"]}
    assert {p for p, r in rows.items() if "grant" in r["gained"]} == gained
    assert {p for p, r in rows.items() if "grant" in r["lost"]} == lost
    assert {(u["grantor"], u["grantee"]) for u in doc["uncertain_at_from"]} == {p for p in u1 if pid in p}
    assert {(u["grantor"], u["grantee"]) for u in doc["uncertain_at_to"]} == {p for p in u2 if pid in p}


UNRECORDED = [xfer("a", "u", P, Q, ts(2, 1)), xfer("b", "u", Q, ICE, ts(2, 4)), xfer("c", "u", P, ICE, ts(2, 11)),
              xfer("d", "u", Q, R, ts(2, 4)), xfer("e", "u", R, ICE, ts(2, 4))]


@pytest.mark.parametrize("wait", ["1h", "3h", "10h", None])
def test_max_wait_on_a_clip_never_recorded(tmp_path: Path, wait: str | None) -> None:
    """No recording: the wait of the first hand-over runs from the sender's first hand-over out (README)."""
    start = rec("x", "u", P, ts(2, 1))  # the brute force's stand-in for the origin: the first sender, then
    secs = None if wait is None else {"1h": 3600, "3h": 10800, "10h": 36000}[wait]
    want = brute([start, *UNRECORDED], "u", ICE, secs)
    log = str(write_log(tmp_path / "u.jsonl", UNRECORDED))
    extra = ["--max-wait", wait] if wait else []
    doc = run_json("trace", log, "--clip", "u", "--to", ICE, "--attempts", *extra)
    assert doc["count"] == want and not doc["origin_known"]
    r = run_json("reach", log, "--to", ICE, "--attempts", *extra)
    assert r["path_count"] == want


def test_report_reach_over_time_against_the_snapshot_lists(grants: Path, tmp_path: Path) -> None:
    """The report's figure (its CSV): parties reaching Reno NV PD by a grant at each date, as the lists say."""
    import csv

    out = tmp_path / "rep"
    res = runner.invoke(app, ["report", str(grants), "--to", "agency:reno-nv-pd", "-o", str(out)])
    assert res.exit_code == 0, res.output
    with (out / "reach-over-time-reno-nv-pd.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    crawled = {c for _, _, c, _ in SNAPSHOTS}
    assert crawled <= {r["as_of"] for r in rows}
    for r in rows:
        counted, _ = expected_state(r["as_of"])
        assert int(r["parties_by_grant"]) == sum(1 for _, g in counted if g == "agency:reno-nv-pd"), r
        assert int(r["parties_by_hand_over"]) == int(r["parties_by_search"]) == 0


@pytest.mark.parametrize("seed", range(12))
def test_max_wait_on_coarse_random_logs_against_brute_force(tmp_path: Path, seed: int) -> None:
    """Random logs on whole hours among few parties, so equal times, hand-overs exactly the wait apart and
    cycles back to earlier parties are common; several clips, counted by reach and by trace."""
    import random

    rng = random.Random(seed)
    parties = [OWN, P, Q, R, ICE]
    events: list[dict[str, Any]] = []
    for c in range(3):
        clip = f"c{c}"
        events.append(rec(f"r{c}", clip, OWN, ts(1, rng.randrange(2))))
        for i in range(rng.randrange(4, 12)):
            a, b = rng.sample(parties, 2)
            events.append(xfer(f"t{c}-{i}", clip, a, b, ts(1, rng.randrange(7))))
    log = str(write_log(tmp_path / "r.jsonl", events))
    for wait, secs in [("0", 0), ("1h", 3600), ("2h", 7200), (None, None)]:
        extra = ["--max-wait", wait] if wait else []
        want = {f"c{c}": brute(events, f"c{c}", ICE, secs) for c in range(3)}
        r = run_json("reach", log, "--to", ICE, "--attempts", *extra)
        assert r["path_count"] == sum(want.values()), (wait, want)
        assert {c["clip"]: c["paths"] for c in r["clips"]} == {k: v for k, v in want.items() if v}
