"""Search audits custodiet has never seen, checked as an outsider would (issue 19's "How it will be checked").

Each audit here is written in a layout real portals publish, with reasons in the forms real audits use; every
row carries its label, written by hand beside it (is the reason missing? which federal agency does the text
name? how many days back does the time frame start?), never computed by the code under test. The audits are
imported, summarised (``searches --json``), judged (``check``) and traced (``reach``) through the command line,
and the figures compared with the hand count.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app

RUN = CliRunner()


def _import(audit: Path, log: Path, *extra: str) -> str:
    res = RUN.invoke(app, ["import", "flock-audit", str(audit), "-o", str(log), *extra])
    assert res.exit_code == 0, res.output
    return res.stderr


def _check(log: Path) -> dict:
    res = RUN.invoke(app, ["check", str(log), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_a_county_dhs_child_welfare_search_is_no_immigration_finding(tmp_path: Path) -> None:
    # A California city's portal audit: a county Department of Human Services child-welfare search is not
    # immigration enforcement (SB 54), the Department of Homeland Security named in full is.
    audit = tmp_path / "portal.csv"
    audit.write_text("id,userId,searchDate,cameraCount,reason\n"
                     "1,u1,2025-06-01 10:00:00,10,county DHS child welfare\n"
                     "2,u1,2025-06-01 11:00:00,10,DHS child welfare check\n"
                     "3,u1,2025-06-01 12:00:00,10,Dept of Homeland Security\n")
    log = tmp_path / "s.jsonl"
    _import(audit, log, "--agency", "Los Gatos CA PD")
    flagged = {v["event_id"].rsplit(":", 1)[1] for v in _check(log)["violation_list"]
               if v["rule_id"] == "ca-sb54.no-immigration-enforcement"}
    assert flagged == {"3"}
