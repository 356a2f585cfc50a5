"""Search audits custodiet has never seen, checked as an outsider would (issue 19's "How it will be checked").

Each audit here is written in a layout real portals publish, with reasons in the forms real audits use; every
row carries its label, written by hand beside it (is the reason missing? which federal agency does the text
name? how many days back does the time frame start?), never computed by the code under test. The audits are
imported, summarised (``searches --json``), judged (``check``) and traced (``reach``) through the command line,
and the figures compared with the hand count.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
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


# Each row: (who searched, reason, case #, offense type, days the time frame reaches back, networks, devices,
# HAND LABELS: reason missing?, federal party the text names). Written and labelled by hand.
M, S = True, False  # missing / stated
CA_PORTAL_EXPORT = [
    ("Los Gatos Monte Sereno CA PD", "", "", "", 7, 1, 42, M, None),
    ("Los Gatos Monte Sereno CA PD", "n/a", "", "", 95, 12, 1500, M, None),
    ("Los Gatos Monte Sereno CA PD", "N/A", "", "", 3, 1, 42, M, None),
    ("Los Gatos Monte Sereno CA PD", "***", "", "", 30, 1, 42, M, None),
    ("Los Gatos Monte Sereno CA PD", "None", "", "", 2, 1, 42, M, None),
    ("Los Gatos Monte Sereno CA PD", "x", "", "", 1, 1, 42, M, None),
    ("Los Gatos Monte Sereno CA PD", "TBD", "", "", 1, 1, 42, M, None),
    ("Los Gatos Monte Sereno CA PD", "-", "", "", 31, 1, 42, M, None),
    ("Los Gatos Monte Sereno CA PD", "", "24-00981", "", 5, 1, 42, M, None),
    ("Los Gatos Monte Sereno CA PD", "", "", "Burglary", 5, 1, 42, S, None),
    ("Los Gatos Monte Sereno CA PD", "459", "24-004411", "", 7, 1, 42, S, None),
    ("Los Gatos Monte Sereno CA PD", "211", "", "", 7, 3, 260, S, None),
    ("Los Gatos Monte Sereno CA PD", "10851 VC", "", "", 14, 1, 42, S, None),
    ("Los Gatos Monte Sereno CA PD", "1700", "", "", 1, 1, 42, S, None),
    ("Los Gatos Monte Sereno CA PD", "920", "", "", 1, 1, 42, S, None),
    ("Los Gatos Monte Sereno CA PD", "24-012345", "", "", 1, 1, 42, S, None),
    ("Los Gatos Monte Sereno CA PD", "SUICIDAL SUBJECT", "", "", 1, 1, 42, S, None),
    ("Los Gatos Monte Sereno CA PD", "patrol", "", "", 1, 1, 42, S, None),
    ("Los Gatos Monte Sereno CA PD", "Sex Offenses", "", "", 1, 1, 42, S, None),
    ("Campbell CA PD", "FBI ASSIST: BANK THEFT", "", "", 63, 3, 300, S, "agency:fbi"),
    ("Campbell CA PD", "Wanted fugitive, US Marshall assist", "", "", 10, 1, 42, S, "agency:us-marshals"),
    ("San Jose CA PD", "FBI SAFE ST TF", "", "", 10, 1, 42, S, "agency:fbi"),
    ("San Jose CA PD", "I.C.E.", "", "", 10, 1, 42, S, "agency:ice"),
    ("San Jose CA PD", "287(g)", "", "", 10, 1, 42, S, "agency:ice"),
    ("San Jose CA PD", "Dept of Homeland Security", "", "", 400, 1, 42, S, "agency:dhs"),
    ("San Jose CA PD", "ICAC", "", "", 10, 1, 42, S, None),
    ("San Jose CA PD", "police", "", "", 10, 1, 42, S, None),
    ("San Jose CA PD", "device", "", "", 10, 1, 42, S, None),
    ("San Jose CA PD", "county DHS child welfare", "", "", 10, 1, 42, S, None),
    ("San Jose CA PD", "Stolen vehicle", "", "", 10, 1, 42, S, None),
]
#: A sheriff's network audit from Oregon: its own deputies and the agencies searching its network.
OR_SHERIFF_NETWORK = [
    ("Washington County OR SO", "", "", "", 120, 1, 85, M, None),
    ("Washington County OR SO", "unknown", "", "", 45, 1, 85, M, None),
    ("Washington County OR SO", "?", "", "", 2, 1, 85, M, None),
    ("Washington County OR SO", "none", "", "", 2, 1, 85, M, None),
    ("Washington County OR SO", "925", "", "", 2, 1, 85, S, None),
    ("Washington County OR SO", "1700", "", "", 31, 1, 85, S, None),
    ("Washington County OR SO", "Locate fugitive of justice.", "", "", 2, 1, 85, S, None),
    ("Washington County OR SO", "disturbance", "", "", 2, 1, 85, S, None),
    ("Washington County OR SO", "Obstructing Justice", "", "", 2, 1, 85, S, None),
    ("Washington County OR SO", "office", "", "", 2, 1, 85, S, None),
    ("Washington County OR SO", "Oregon DHS welfare check", "", "", 2, 1, 85, S, None),
    ("Washington County OR SO", "HSI", "", "", 2, 1, 85, S, "agency:ice-hsi"),
    ("Washington County OR SO", "assist USMS warrant", "", "", 2, 1, 85, S, "agency:us-marshals"),
    ("Washington County OR SO", "theft", "FBI 24-1187", "", 2, 1, 85, S, "agency:fbi"),
    ("Beaverton OR PD", "", "", "", 365, 4, 400, M, None),
    ("Beaverton OR PD", "Border Patrol", "", "", 2, 4, 400, S, "agency:cbp"),
    ("Beaverton OR PD", "FBI ASSIST: BANK THEFT", "", "", 40, 4, 400, S, "agency:fbi"),
    ("Yakima WA PD", "n/a", "", "", 2, 6, 700, M, None),
    ("Yakima WA PD", "287(g)", "", "", 2, 6, 700, S, "agency:ice"),
    ("Los Gatos CA PD", "I.C.E.", "", "", 2, 9, 900, S, "agency:ice"),
]


def _time(moment: datetime) -> str:
    return moment.strftime("%m/%d/%Y, %I:%M:%S %p UTC")


def _searched_at(i: int) -> datetime:
    return datetime(2025, 6, 2, 21, 15, tzinfo=UTC) + timedelta(hours=i)


def _write_portal_export(path: Path, rows: list[tuple]) -> None:
    """A transparency portal's CSV export (``Name/Agency, Time Frame, Networks, Devices, Reason, Case #, Offense
    type, Search Type``, with the search time)."""
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Name/Agency", "Search Time", "Time Frame", "Networks", "Devices", "Reason", "Case #",
                    "Offense type", "Search Type"])
        for i, (who, reason, case, offense, back, nets, devices, *_labels) in enumerate(rows):
            at = _searched_at(i)
            w.writerow([who, _time(at), f"{_time(at - timedelta(days=back))} - {_time(at)}", nets, devices, reason,
                        case, offense, "Vehicle"])


def _write_network_audit(path: Path, rows: list[tuple]) -> None:
    """A sheriff's network-audit export with underscores and the time frame split in two columns."""
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Name", "Org_Name", "Total_Networks_Searched", "Total_Devices_Searched", "Time_Frame_Start",
                    "Time_Frame_End", "License_Plate", "Reason", "Case_#", "Filters", "Search_Time",
                    "Search_Type", "Text_Prompt", "Moderation"])
        for i, (who, reason, case, offense, back, nets, devices, *_labels) in enumerate(rows):
            at = _searched_at(i)
            w.writerow(["***", who, nets, devices, _time(at - timedelta(days=back)), _time(at), "***", reason, case,
                        offense, _time(at), "lookup", "", ""])


def _hand_count(rows: list[tuple], retention: float = 30.0) -> dict:
    return {
        "missing": sum(1 for r in rows if r[7]),
        "lookback": sum(1 for r in rows if r[4] > retention),
        "longest": max(r[4] for r in rows),
        "assists": {p: sum(1 for r in rows if r[8] == p) for p in {r[8] for r in rows if r[8]}},
        "multi": sum(1 for r in rows if r[5] > 1),
        "devices_max": max(r[6] for r in rows),
    }


def _summary(log: Path) -> dict:
    res = RUN.invoke(app, ["searches", str(log), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _compare(log: Path, rows: list[tuple]) -> tuple[dict, dict]:
    truth = _hand_count(rows)
    doc = _summary(log)
    o = doc["overall"]
    assert o["searches"] == len(rows)
    assert abs(o["reason_tiers"]["missing"] - truth["missing"]) <= 0.1 * truth["missing"], o["reason_tiers"]
    assert o["lookback"]["beyond_retention"] == truth["lookback"]
    assert round(o["lookback"]["longest_days"]) == truth["longest"]
    assert o["assists"]["by_party"] == truth["assists"]
    assert o["networks"]["multi"] == truth["multi"] and o["devices"]["largest"] == truth["devices_max"]
    verdicts = _check(log)
    assert abs(verdicts["violations"].get("flock-2025.search-reason", 0) - truth["missing"]) <= 0.1 * truth["missing"]
    assert verdicts["violations"].get("flock-2025.search-lookback", 0) == truth["lookback"]
    return doc, verdicts


def test_a_transparency_portal_export_counts_as_hand_counted(tmp_path: Path) -> None:
    audit, log = tmp_path / "los-gatos-search-audit.csv", tmp_path / "s.jsonl"
    _write_portal_export(audit, CA_PORTAL_EXPORT)
    _import(audit, log)  # Name/Agency names the searcher on each row: no --agency
    doc, verdicts = _compare(log, CA_PORTAL_EXPORT)
    names = {s["name"] for s in doc["searchers"]}
    assert names == {r[0] for r in CA_PORTAL_EXPORT}
    fbi_rows = {r[0] for r in CA_PORTAL_EXPORT if r[8] == "agency:fbi"}
    res = RUN.invoke(app, ["reach", str(log), "--to", "agency:fbi", "--json"])
    assert res.exit_code == 0, res.output
    reached = {p["party"] for p in json.loads(res.stdout)["parties"]}
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert reached == {e["searcher"] for e in events if e["searcher_name"] in fbi_rows}


def test_a_sheriffs_network_audit_from_oregon(tmp_path: Path) -> None:
    audit, log = tmp_path / "wcso-network-audit.csv", tmp_path / "s.jsonl"
    _write_network_audit(audit, OR_SHERIFF_NETWORK)
    _import(audit, log)
    _doc, verdicts = _compare(log, OR_SHERIFF_NETWORK)
    # Every statute cited applies in the searcher's own state: California's law only against the California
    # searcher, never against an Oregon or Washington agency.
    state = {json.loads(line)["event_id"]: json.loads(line)["searcher_state"] for line in log.read_text().splitlines()}
    cited = {(v["rule_set"], state[v["event_id"]]) for v in verdicts["violation_list"]
             if v["rule_set"].startswith(("ca-", "il-"))}
    assert cited and all(s == "CA" for rs, s in cited if rs.startswith("ca-")), cited
    assert not any(rs.startswith("il-") for rs, _ in cited)


def test_a_portal_that_publishes_no_reason_has_none_missing(tmp_path: Path) -> None:
    # Case numbers only, no reason column: every reason is "not published", none "missing"; a case text that
    # names the US Marshals is a search for them.
    cases = ["24-0001", "", "USMS 24-1187", "2025-004567", "", "24-0002"]
    audit, log = tmp_path / "mountain-view-audit.csv", tmp_path / "s.jsonl"
    audit.write_text("id,userId,searchDate,networkCount,caseNumber\n" + "".join(
        f"{i},u{i % 2},2025-06-0{i + 1} 10:00:00,{1 + i % 3},{c}\n" for i, c in enumerate(cases)))
    _import(audit, log, "--agency", "Mountain View CA PD")
    o = _summary(log)["overall"]
    assert o["reason_tiers"]["not_published"] == len(cases) and o["reason_tiers"]["missing"] == 0
    assert o["assists"]["by_party"] == {"agency:us-marshals": sum("USMS" in c for c in cases)}
    assert "flock-2025.search-reason" not in _check(log)["violations"]


def test_a_json_record_names_its_agency_and_the_import_says_what_it_assumed(tmp_path: Path) -> None:
    rows = [("n/a", M, None), ("FBI ASSIST: BANK THEFT", S, "agency:fbi"), ("", M, None), ("459", S, None)]
    record = {"agency": "Campbell CA PD", "portal": "https://transparency.flocksafety.com/campbell-ca-pd",
              "searches": [{"id": f"c{i}", "searchDate": f"2025-06-01 1{i}:00:00", "cameraCount": 40, "reason": r}
                           for i, (r, _m, _a) in enumerate(rows)]}
    audit, log = tmp_path / "campbell.json", tmp_path / "s.jsonl"
    audit.write_text(json.dumps(record))
    said = _import(audit, log)  # no --agency: the record names it
    assert "assumed: searcher Campbell CA PD" in said
    assert "assumed: times that carry no zone are read as America/Los_Angeles" in said
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert events[0]["occurred_at"] == "2025-06-01T17:00:00Z"  # 10:00 Pacific daylight time
    o = _summary(log)["overall"]
    assert o["reason_tiers"]["missing"] == sum(m for _r, m, _a in rows)
    assert o["assists"]["by_party"] == {"agency:fbi": 1}


def test_the_zone_of_local_times_is_said_and_a_given_zone_is_used(tmp_path: Path) -> None:
    audit = tmp_path / "cook-county-network-audit.csv"
    audit.write_text("Name,Org Name,Total Networks Searched,Reason,Search Time\n"
                     "***,Cook County IL SO,1,theft,06/01/2025 10:00 AM\n")
    said = _import(audit, tmp_path / "a.jsonl")
    assert "assumed: times that carry no zone are read as America/Los_Angeles (give --tz ZONE" in said
    assert json.loads((tmp_path / "a.jsonl").read_text())["occurred_at"] == "2025-06-01T17:00:00Z"
    said = _import(audit, tmp_path / "b.jsonl", "--tz", "America/Chicago")
    assert "America/Los_Angeles" not in said
    assert json.loads((tmp_path / "b.jsonl").read_text())["occurred_at"] == "2025-06-01T15:00:00Z"


# An organisation's sharing page (Flock's export), owned by Los Gatos: each row an organisation, the first list
# its networks shared with the owner, the second the owner's networks shared with it. By hand: the federal
# grantees are two agencies (the Postal Inspection Service and the FBI), however Flock writes their names.
OWNER = "Los Gatos Monte Sereno CA PD"
SHARING_PAGE = [
    ("1", "(Federal) US Postal Inspection Service", "", OWNER),
    ("1", "US Postal Inspection Service", "", OWNER),
    ("1", "FBI (Federal)", "", OWNER),
    ("1", "[Federal] Federal Bureau of Investigation (FBI)", "", OWNER),
    ("1", "Campbell CA PD", "Campbell CA PD", OWNER),
    ("2", "[DEACTIVATED] - demo", "Demo Network", ""),
    ("2", "Beaverton OR PD", "Beaverton OR PD", OWNER),
]
FEDERAL_GRANTEES_BY_HAND = {"agency:us-postal-inspection-service": 2, "agency:fbi": 2}


def test_the_organisation_sharing_page_merges_federal_grantees(tmp_path: Path) -> None:
    page, log = tmp_path / "los-gatos-sharing-2025-06-01.csv", tmp_path / "g.jsonl"
    with page.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Page", "Organization Name", "Networks Shared With Me", "Networks I'm Sharing"])
        w.writerows(SHARING_PAGE)
    res = RUN.invoke(app, ["import", "flock-sharing", str(page), "--agency", OWNER, "-o", str(log), "--json"])
    assert res.exit_code == 0, res.output
    assert "assumed: observed 2025-06-01: the date in the file name" in res.stderr
    grants = [json.loads(line) for line in log.read_text().splitlines()]
    federal = {g["grantee"] for g in grants if g["grantee"] in FEDERAL_GRANTEES_BY_HAND}
    assert federal == set(FEDERAL_GRANTEES_BY_HAND)  # one party each, the rows naming it twice are one grant
    assert not any("federal-bureau" in g["grantee"] or "deactivated" in g["grantor"] for g in grants)
    reach = RUN.invoke(app, ["reach", str(log), "--to", "agency:fbi", "--json"])
    assert {p["party"] for p in json.loads(reach.stdout)["parties"]} == {"agency:los-gatos-monte-sereno-ca-pd"}
    # By hand: Los Gatos (California) shares with two federal agencies and one Oregon agency: 3 SB 34 findings;
    # Campbell and Beaverton sharing with Los Gatos are not California's data leaving (Beaverton is Oregon's).
    sb34 = [v for v in _check(log)["violation_list"] if v["rule_id"] == "ca-sb34.public-agencies-only"]
    assert sorted(v["event_id"].split(":")[2] for v in sb34) == [
        "beaverton-or-pd", "fbi", "us-postal-inspection-service"]


def test_a_federal_searcher_written_in_full_is_the_party_reach_asks_for(tmp_path: Path) -> None:
    # Flock's federal-search export writes "[Federal] Federal Bureau of Investigation (FBI)" as the searcher.
    audit, log = tmp_path / "federal-searches.csv", tmp_path / "s.jsonl"
    audit.write_text("ID,Name,Org Name,Total Networks Searched,License Plate,Reason,Case #,Filters,Search Time,"
                     "Search Type\n"
                     'a1,***,[Federal] Federal Bureau of Investigation (FBI),1103,***,Other - Not Applicable,,,'
                     '"04/10/2026, 05:01:33 AM UTC",lookup\n'
                     'a2,***,[Federal] US Postal Inspection Service,2690,***,mail theft,,,'
                     '"04/10/2026, 06:01:33 AM UTC",lookup\n')
    _import(audit, log)
    searchers = [json.loads(line)["searcher"] for line in log.read_text().splitlines()]
    assert searchers == ["agency:fbi", "agency:us-postal-inspection-service"]
    flagged = [v["parties"] for v in _check(log)["violation_list"] if v["rule_id"] == "flock-2025.no-federal-lookups"]
    assert flagged == [["agency:fbi"], ["agency:us-postal-inspection-service"]]


def test_a_json_record_with_no_searches_is_refused_in_words_that_agree(tmp_path: Path) -> None:
    audit = tmp_path / "palo-alto.json"
    audit.write_text(json.dumps({"agency": "Palo Alto CA PD", "searches": []}))
    res = RUN.invoke(app, ["import", "flock-audit", str(audit), "-o", str(tmp_path / "s.jsonl")])
    assert res.exit_code == 2
    line = res.stderr.strip()
    assert "no search records" in line and "not an input of flock-audit" not in line, line


def test_blanks_written_by_a_spreadsheet_or_a_dropdown_are_missing(tmp_path: Path) -> None:
    # A portal audit re-saved with pandas writes a blank reason as "nan"; others type "(blank)"; Flock's own
    # federal-search export writes "Other - Not Applicable". Labelled by hand: M = no reason given.
    rows = [("nan", M), ("(blank)", M), ("Other - Not Applicable", M), ("[none]", M), ("Other", S),
            ("nan", M), ("459", S), ("see notes", S), ("NaN", M), ("Unknown reason", M)]
    audit, log = tmp_path / "fremont-audit.csv", tmp_path / "s.jsonl"
    audit.write_text("id,userId,searchDate,cameraCount,reason\n" + "".join(
        f"{i},u,2025-06-01 1{i}:00:00,5,{r}\n" for i, (r, _m) in enumerate(rows)))
    _import(audit, log, "--agency", "Fremont CA PD")
    truth = sum(m for _r, m in rows)
    assert _summary(log)["overall"]["reason_tiers"]["missing"] == truth
    assert _check(log)["violations"]["flock-2025.search-reason"] == truth


def test_a_time_frame_in_a_spreadsheets_short_dates_is_read(tmp_path: Path) -> None:
    # Re-saved by a spreadsheet, the network audit writes the time frame as short dates; by hand, the first
    # search reaches back 45 days (beyond 30), the second 9.
    audit, log = tmp_path / "network-audit-resaved.csv", tmp_path / "s.jsonl"
    audit.write_text("Name,Org Name,Total Networks Searched,Time Frame,Reason,Search Time\n"
                     "***,Marion County OR SO,2,4/16/25 - 5/31/25,theft,5/31/25 0:00\n"
                     "***,Marion County OR SO,2,5/22/25 - 5/31/25,theft,5/31/25 0:00\n")
    _import(audit, log)
    o = _summary(log)["overall"]
    assert o["lookback"]["with_time_frame"] == 2 and o["lookback"]["beyond_retention"] == 1
    assert o["lookback"]["longest_days"] == 45


def test_an_agency_column_names_each_rows_searcher(tmp_path: Path) -> None:
    # A sheriff's office publishes its network's searches with an "Agency" column: each row's searcher, not one
    # agency for the whole file. By hand: 2 searchers, 1 missing reason (Salem's "n/a").
    audit, log = tmp_path / "lcso-searches.csv", tmp_path / "s.jsonl"
    audit.write_text("Date,User,Agency,Reason,Case Number,Networks,Devices\n"
                     "2025-06-01 10:00:00,***,Lane County OR SO,theft,25-1,1,40\n"
                     "2025-06-01 11:00:00,***,Salem OR PD,n/a,,3,120\n")
    _import(audit, log)
    o = _summary(log)
    assert sorted(s["name"] for s in o["searchers"]) == ["Lane County OR SO", "Salem OR PD"]
    assert o["overall"]["reason_tiers"]["missing"] == 1 and o["overall"]["devices"]["largest"] == 120


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_data_is_credited_to_those_who_published_it_and_no_one_else(tmp_path: Path) -> None:
    # An Oregon sheriff's audit is not EyesOff Eugene's, a Los Gatos sharing page not the News & Observer's.
    audit, log = tmp_path / "wcso-network-audit.csv", tmp_path / "s.jsonl"
    _write_network_audit(audit, OR_SHERIFF_NETWORK)
    _import(audit, log)
    res = RUN.invoke(app, ["searches", str(log)])
    assert res.exit_code == 0 and "Eugene" not in res.stderr and "EyesOff" not in res.stdout + res.stderr
    page, grants = tmp_path / "los-gatos-sharing-2025-06-01.csv", tmp_path / "g.jsonl"
    page.write_text("Organization Name,Networks Shared With Me,Networks I'm Sharing\nFBI,,Los Gatos CA PD\n")
    assert RUN.invoke(app, ["import", "flock-sharing", str(page), "--agency", "Los Gatos CA PD", "-o",
                            str(grants)]).exit_code == 0
    report = tmp_path / "report"
    assert RUN.invoke(app, ["report", str(grants), "--to", "agency:fbi", "-o", str(report)]).exit_code == 0
    assert "News &amp; Observer" not in (report / "index.html").read_text()
    eugene = SHARED / "flock-search-audit-eugene-2025" / "EPDSearchAuditLogs.csv"
    if eugene.is_file():  # the shared data set keeps its credit
        elog = tmp_path / "eugene.jsonl"
        _import(eugene, elog, "--agency", "Eugene OR PD")
        assert "EyesOff Eugene" in RUN.invoke(app, ["searches", str(elog)]).stderr
