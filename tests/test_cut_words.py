"""``custodiet cut`` says what its number counts: links, the fewest whose removal stops every flow."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app

RUNNER = CliRunner()


def test_cut_says_its_number_counts_links(tmp_path: Path) -> None:
    grants = [("agency:el-cajon-ca-pd", "agency:fbi"), ("agency:fresno-ca-pd", "agency:fbi"),
              ("agency:fresno-ca-pd", "agency:reno-nv-pd")]
    log = tmp_path / "g.jsonl"
    log.write_text("".join(json.dumps({"event_id": f"g{i}", "type": "access_grant", "grantor": a, "grantee": b,
                                       "occurred_at": "2024-04-26T00:00:00Z", "system": "flock", "scope": "alpr"})
                           + "\n" for i, (a, b) in enumerate(grants)), encoding="utf-8")
    federal = sum(1 for _, b in grants if b == "agency:fbi")  # each CA grant to the FBI is a link to cut
    r = RUNNER.invoke(app, ["cut", str(log), "--from-state", "CA", "--to-kind", "federal"],
                      env={"COLUMNS": "200"}, terminal_width=200)
    assert r.exit_code == 0, r.output
    assert f"min cut: {federal} links, the fewest whose removal stops every flow from the sources to the sinks" \
        in " ".join(r.stdout.split()), r.stdout
