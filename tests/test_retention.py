"""The retention rule on a realistic log: the simulator records every clip's upload to the platform's cloud,
and the platform's copy still expires (it used to be held for ever once the upload was in the log)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app

RUNNER = CliRunner()


def _warrant_after(events: list[dict], days: int) -> tuple[dict, dict]:
    rec = next(e for e in events if e["type"] == "clip_recorded" and e["platform"] == "ring")
    upload = next(e for e in events if e["type"] == "transfer" and e["clip_id"] == rec["clip_id"])
    at = datetime.fromisoformat(rec["occurred_at"].replace("Z", "+00:00")) + timedelta(days=days)
    w = {"event_id": "late-warrant", "type": "transfer", "occurred_at": at.isoformat().replace("+00:00", "Z"),
         "clip_id": rec["clip_id"], "from_party": "platform:ring", "to_party": "agency:oakland-ca-pd",
         "basis": "warrant", "purpose": "homicide"}
    return upload, w


def test_retention_fires_on_a_simulated_log(tmp_path: Path) -> None:
    sim = tmp_path / "sim.jsonl"
    r = RUNNER.invoke(app, ["simulate", "--scenario", "default", "--seed", "5", "--events", "400", "-o", str(sim)])
    assert r.exit_code == 0, r.output
    events = [json.loads(line) for line in sim.read_text().splitlines()]
    for days, fires in ((90, True), (30, False)):
        upload, warrant = _warrant_after(events, days)
        assert upload["to_party"] == "platform:ring"  # the upload is in the log
        log = tmp_path / f"with-{days}.jsonl"
        log.write_text("".join(json.dumps(e) + "\n" for e in [*events, warrant]))
        out = RUNNER.invoke(app, ["explain", str(log), "late-warrant", "--json"])
        assert out.exit_code == 0, out.output
        doc = json.loads(out.stdout)
        rules = {r["rule_id"] for r in doc["rules"] if r["decision"] in ("gated", "flagged")}
        assert ("ring-2019-portal.retention" in rules) is fires, (days, rules)
