"""``reach`` and ``conduits --to`` count the clips each party passed on towards a party the same way: owners
and intermediaries alike, recomputed here from the clip rows."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app
from tests.conftest import rec, ts, write_log, xfer

RUNNER = CliRunner()


def _json(*args: str) -> dict:
    r = RUNNER.invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_owner_that_is_also_an_intermediary(tmp_path: Path) -> None:
    """The PD hands on a resident's clip and its own camera's clip: two clips passed on, one its own."""
    pd, ice = "agency:a-pd", "agency:ice-ero"
    log = write_log(tmp_path / "l.jsonl", [
        rec("r1", "c1", "resident:r", ts(1)), xfer("t1", "c1", "resident:r", pd, ts(2), basis="consent"),
        xfer("t2", "c1", pd, ice, ts(3)),
        rec("r2", "c2", pd, ts(1), platform="axon"), xfer("t3", "c2", pd, ice, ts(3)),
    ])
    reach = _json("reach", str(log), "--to", ice)
    cond = _json("conduits", str(log), "--to", ice)
    expected = Counter(p for c in reach["clips"] for p in {c["owner"], *c["intermediaries"]})
    assert expected == {pd: 2, "resident:r": 1}
    assert {r["party"]: r["clips"] for r in reach["conduits"]} == expected
    assert {r["party"]: r["clips"] for r in cond["conduits"] if r["clips"]} == expected
    assert {r["party"]: r["own"] for r in reach["conduits"]} == {pd: 1, "resident:r": 1}


def test_simulated_log_agrees(tmp_path: Path) -> None:
    log = tmp_path / "sim.jsonl"
    r = RUNNER.invoke(app, ["simulate", "--scenario", "default", "--seed", "3", "--events", "3000", "-o", str(log)])
    assert r.exit_code == 0, r.output
    events = [json.loads(line) for line in log.read_text().splitlines()]
    demo_targets = {e["to_party"] for e in events
                    if e.get("type") == "transfer" and str(e["to_party"]).startswith(("agency:ice", "agency:fbi"))}
    assert demo_targets
    for to in sorted(demo_targets):
        reach = _json("reach", str(log), "--to", to)
        cond = _json("conduits", str(log), "--to", to)
        expected = Counter(p for c in reach["clips"] for p in {c["owner"], *c["intermediaries"]})
        assert {x["party"]: x["clips"] for x in reach["conduits"]} == expected, to
        assert {x["party"]: x["clips"] for x in cond["conduits"] if x["clips"]} == expected, to
