"""Importers on the real shared data (counts made independently with csv) and on messy hand-made files."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from importers import (
    IMPORTERS,
    import_atlas_ring,
    import_flock_audit,
    import_flock_portal,
    import_flock_sharing,
)
from importers.flock_sharing import parse_retention_days
from schemas.events import EVENT_ADAPTER

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "data"
NC_EDGES = DATA / "flock-sharing-nc-2024" / "agency_access20240426.csv"
EUGENE = DATA / "flock-search-audit-eugene-2025" / "EPDSearchAuditLogs.csv"
ATLAS = DATA / "ring-partnerships-2020" / "atlas_ring_neighbors_2020-10-07.csv"


@pytest.fixture
def real_data() -> Path:
    if not DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing at {DATA} (CI is set)")
        pytest.skip("shared data not present")
    return DATA


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _valid(result) -> None:  # type: ignore[no-untyped-def]
    for event in result.events:
        EVENT_ADAPTER.validate_python(event)
    assert len({e["event_id"] for e in result.events}) == len(result.events)
    assert all(s.reason and s.file for s in result.skipped)
    assert result.adds_up()
    assert sum(result.skipped_by_reason.values()) == len(result.skipped)


def test_registry() -> None:
    assert set(IMPORTERS) == {"flock-sharing", "flock-portal", "flock-audit", "atlas-ring"}


# ---- flock-sharing --------------------------------------------------------------------------------


def test_flock_sharing_real(real_data: Path) -> None:
    rows = _rows(NC_EDGES)
    result = import_flock_sharing(NC_EDGES)
    _valid(result)
    assert result.rows_read == len(rows) == 37099
    # one agency spelled two ways in this file (read by hand); some portals list it both ways
    same = {"Richland WA PD": "Richland PD WA"}
    # demo, test, training and switched-off accounts, read by hand from the file: left out, and said so
    left_out = {"Mary's LE Flock Training", "Miami Dade (Duplicate don't use)", "Bailey Demo Cam",
                "Bristol RI PD (Do Not Use)", "Craig Lynch Demo Cam", "DNU", "DNU- Walker County AL SO",
                "DONT USE - Appalachian State University Police Campus PD", "Demo", "Example PD",
                "External RTCC Demo Org", "Falcon Flex Demo", "Flock LE Training - Old",
                "Flock Safety - Commercial Sales Demo", "Flock Safety HOA - External Testing",
                "Flock Safety LE Training", "Flock Safety PD - External Testing", "Flock Safety PD Test Org",
                "Florida LE Flock Training", "Indiana LE Demo", "Northeast LE Training - Demo",
                "Ohio LE Flock Training", "On Patrol Demo", "Peak LE Training",
                "SEMO DTF (MO) - Do Not Use - Duplicate account", "SchoolSafety Demo Org",
                "Shelby Twp MI PD (Duplicate-do not use)", "Test Demo 1234", "Tonia LE Training", "USMS (Inactive)",
                "Ubicquia - Wing Demo", "Z Do not use", "do not use"}
    named = [(r["src_agency"].strip(), r["external_agency"].strip()) for r in rows]
    assert result.skipped_by_reason["left out"] == sum(s in left_out or e in left_out for s, e in named) == 64
    pairs = {(same.get(s, s), same.get(e, e)) for s, e in named if s not in left_out and e not in left_out}
    assert result.events_written == len(pairs) == 37099 - 64 - result.skipped_by_reason["duplicate row"]
    assert [m.split(" (")[0] for m in result.merges] == ["agency:richland-wa-pd -> agency:richland-pd-wa"]
    assert {e["occurred_at"] for e in result.events} == {"2024-04-26T00:00:00Z"}
    # the FBI receives direct access from 30 source agencies (counted with csv alone)
    fbi_sources = {r["src_agency"].strip() for r in rows if r["external_agency"].strip() == "FBI"}
    assert len(fbi_sources) == 30
    imported = {e["grantor"] for e in result.events if e["grantee"] == "agency:fbi"}
    assert len(imported) == 30
    assert {e["grantor_name"] for e in result.events if e["grantee"] == "agency:fbi"} == fbi_sources
    names = {n for pair in named if not set(pair) & left_out for n in pair}
    assert len(result.parties) == len(names - set(same))
    kinds = {p.id: p.kind for p in result.parties}
    assert kinds["agency:fbi"] == "federal"
    assert kinds["agency:us-postal-inspection-service"] == "federal"
    assert kinds["agency:el-cajon-ca-pd"] == "local"
    assert kinds["agency:dearborn-mi-pd"] == "local"


def test_flock_sharing_observed_argument(real_data: Path) -> None:
    result = import_flock_sharing(NC_EDGES.parent, observed="2024-05-01T12:00:00Z")
    assert result.events[0]["occurred_at"] == "2024-05-01T12:00:00Z"


def test_flock_sharing_messy() -> None:
    result = import_flock_sharing(FIXTURES / "flock-sharing" / "agency_access20250101.csv")
    _valid(result)
    assert result.rows_read == 8
    assert [e["event_id"] for e in result.events] == [
        "flock-share:el-cajon-ca-pd:fbi",
        "flock-share:el-cajon-ca-pd:dallas-tx-pd",
        "flock-share:san-diego-county-ca-so:el-cajon-ca-pd",
    ]
    assert result.skipped_by_reason == {
        "duplicate row": 1,
        "missing grantor": 1,
        "missing grantee": 2,
        "self grant": 1,
    }
    assert [s.line for s in result.skipped] == [3, 5, 6, 7, 8]
    assert result.events[0]["occurred_at"] == "2025-01-01T00:00:00Z"
    assert result.events[0]["grantor_name"] == "El Cajon CA PD"
    assert {p.id: p.kind for p in result.parties}["agency:san-diego-county-ca-so"] == "sheriff"


# ---- flock-portal ---------------------------------------------------------------------------------


def test_flock_portal_folder() -> None:
    result = import_flock_portal(FIXTURES / "flock-portal")
    _valid(result)
    assert result.rows_read == 19
    assert result.events_written == 11
    assert result.skipped_by_reason == {
        "missing partner": 3,
        "duplicate row": 3,
        "self grant": 1,
        "not JSON": 1,
    }
    ids = {e["event_id"] for e in result.events}
    assert {
        "flock-share:atherton-ca-pd:menlo-park-ca-pd",
        "flock-share:atherton-ca-pd:austin-texas-pd",
        "flock-share:atherton-ca-pd:fbi",
        "flock-share:menlo-park-ca-pd:atherton-ca-pd",
        "flock-share:el-cajon-ca-pd:atf-nashville-tn",
        "flock-share:el-cajon-ca-pd:dallas-tx-pd",
        "flock-share:menlo-park-ca-pd:dearborn-mi-pd",
        "flock-share:menlo-park-ca-pd:us-postal-inspection-service",
        "flock-share:foothill-deanza-ca-pd:menlo-park-ca-pd",
        "flock-share:sylvania-oh-pd:toledo-oh-pd",
        "flock-share:sylvania-oh-pd:ms-office-of-homeland-security",
    } == ids
    by_id = {e["event_id"]: e for e in result.events}
    fbi = by_id["flock-share:atherton-ca-pd:fbi"]
    assert fbi["occurred_at"] == "2023-07-28T00:56:00Z"
    assert fbi["retention_days"] == 30
    assert fbi["prohibited_purposes"] == ["immigration", "traffic", "violent_crime"]
    dearborn = by_id["flock-share:menlo-park-ca-pd:dearborn-mi-pd"]
    assert "retention_days" not in dearborn  # "-Infinity days"
    assert dearborn["prohibited_purposes"] == ["immigration", "reproductive_care"]
    assert dearborn["grantor_name"] == "Menlo Park CA PD"
    assert any("-Infinity" in w.reason for w in result.warnings)
    parties = {p.id: p for p in result.parties}
    assert parties["agency:austin-texas-pd"].state == "TX"
    assert parties["agency:sylvania-oh-pd"].state == "OH"
    assert parties["agency:atf-nashville-tn"].kind == "federal"
    assert parties["agency:ms-office-of-homeland-security"].kind == "state"


def test_flock_portal_single_file_and_observed(tmp_path: Path) -> None:
    record = {
        "crawled_slug": "https://transparency.flocksafety.com/el-cajon-ca-pd",
        "sharing_outbound": ["Austin Texas PD"],
        "sharing_inbound": "Houston TX PD, FBI",
    }
    path = tmp_path / "whatever.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    result = import_flock_portal(path, observed="2025-10-01")
    _valid(result)
    assert [(e["grantor"], e["grantee"]) for e in result.events] == [
        ("agency:el-cajon-ca-pd", "agency:austin-texas-pd"),
        ("agency:houston-tx-pd", "agency:el-cajon-ca-pd"),
        ("agency:fbi", "agency:el-cajon-ca-pd"),
    ]
    assert {e["occurred_at"] for e in result.events} == {"2025-10-01T00:00:00Z"}


# ---- flock-audit ----------------------------------------------------------------------------------


def test_flock_audit_real(real_data: Path) -> None:
    rows = _rows(EUGENE)
    result = import_flock_audit(EUGENE, agency="Eugene OR PD")
    _valid(result)
    assert result.rows_read == len(rows) == 4294
    assert result.events_written == len({r["id"] for r in rows})
    first = result.events[0]
    assert first["event_id"] == "flock-search:eugene-or-pd:" + rows[0]["id"]
    assert first["occurred_at"] == "2025-06-18T07:02:04.789000Z"  # 00:02:04.789 PDT
    assert first["cameras_searched"] == int(rows[0]["cameraCount"]) == 2510
    assert first["networks_searched"] == 1
    assert (first["searcher"], first["searcher_name"], first["searcher_state"]) == (
        "agency:eugene-or-pd", "Eugene OR PD", "OR")
    assert first["user"] == rows[0]["userId"]
    purposes = Counter(e["purpose"] for e in result.events)
    assert sum(purposes.values()) == 4294


def test_flock_audit_needs_a_searcher(real_data: Path) -> None:
    # a portal audit does not name its agency: no silent default
    with pytest.raises(ValueError, match="--agency"):
        import_flock_audit(EUGENE)


def test_flock_audit_pst_offset(real_data: Path) -> None:
    rows = _rows(EUGENE)
    result = import_flock_audit(EUGENE, agency="agency:eugene-or-pd")
    by_id = {e["event_id"]: e for e in result.events}
    (row,) = [r for r in rows if r["searchDate"] == "2025-12-01 17:45:21.841"]
    # December is PST (UTC-8): 17:45 local is 01:45 UTC the next day
    assert by_id["flock-search:eugene-or-pd:" + row["id"]]["occurred_at"] == "2025-12-02T01:45:21.841000Z"


def test_flock_audit_messy() -> None:
    result = import_flock_audit(FIXTURES / "flock-audit" / "messy-audit.csv", agency="Eugene OR PD")
    _valid(result)
    assert result.rows_read == 7
    assert result.skipped_by_reason == {"bad date": 1, "duplicate row": 1}
    assert [s.line for s in result.skipped] == [4, 5]
    ev = {e["event_id"].removeprefix("flock-search:eugene-or-pd:"): e for e in result.events}
    s1 = ev["s1"]
    assert (s1["occurred_at"], s1["networks_searched"], s1["cameras_searched"]) == (
        "2025-07-04T19:00:00Z",
        6674,
        77771,
    )
    assert (s1["purpose"], s1["case_number"]) == ("immigration", "25-001")
    s2 = ev["s2"]
    assert (s2["reason"], s2["purpose"], s2["occurred_at"]) == ("", "property_crime", "2025-01-15T16:30:00Z")
    assert s2["offense_type"] == "Burglary"
    s4 = ev["s4"]
    assert (s4["purpose"], s4["networks_searched"], s4.get("cameras_searched")) == ("unspecified", 1, None)
    assert s4["occurred_at"] == "2025-11-02T08:30:00Z"  # the first 01:30 of the DST change (PDT)
    s5 = ev["s5"]
    assert (s5["occurred_at"], s5["purpose"]) == ("2025-12-01T10:00:00Z", "reproductive_care")
    no_id = [e for k, e in ev.items() if k.startswith("row-")]
    assert len(no_id) == 1 and no_id[0]["purpose"] == "unspecified"
    again = import_flock_audit(FIXTURES / "flock-audit" / "messy-audit.csv", agency="Eugene OR PD")
    assert [e["event_id"] for e in again.events] == [e["event_id"] for e in result.events]


def test_flock_audit_agency_and_tz(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,userId,searchDate,networkCount,reason\nq1,u,2025-03-01 12:00:00,42,ICE WARRANT\n")
    result = import_flock_audit(path, agency="agency:danville-il-pd", tz="America/Chicago")
    (e,) = result.events
    assert e["event_id"] == "flock-search:danville-il-pd:q1"
    assert (e["occurred_at"], e["networks_searched"], e["purpose"]) == (
        "2025-03-01T18:00:00Z",
        42,
        "immigration",
    )


NETWORK_HEADER = ["Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame",
                  "License Plate", "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt",
                  "Moderation"]


def test_flock_audit_network_layout() -> None:
    path = FIXTURES / "flock-audit" / "network-audit.csv"
    rows = _rows(path)
    assert list(rows[0]) == NETWORK_HEADER
    result = import_flock_audit(path)  # no --agency: the searcher is each row's Org Name
    _valid(result)
    assert result.rows_read == len(rows) == 8
    assert result.skipped_by_reason == {"no searcher": 1, "bad date": 1, "duplicate row": 1}
    by_searcher = {e["searcher"]: e for e in result.events}
    assert set(by_searcher) == {
        "agency:el-cajon-ca-pd", "agency:co-fort-collins-pd", "agency:shasta-county-so",
        "agency:niagara-frontier-transit-authority-nfta-pd", "agency:cleveland-oh-division-of-police"}
    el = by_searcher["agency:el-cajon-ca-pd"]
    assert el["occurred_at"] == "2025-11-13T22:00:17Z"
    assert (el["time_frame_start"], el["time_frame_end"]) == ("2025-11-12T22:00:17Z", "2025-11-13T22:00:17Z")
    assert (el["networks_searched"], el["cameras_searched"], el["case_number"]) == (1204, 81233, "20260332")
    assert (el["purpose"], el["search_type"], el["user"]) == ("violent_crime", "License Plate", "Officer A")
    fc = by_searcher["agency:co-fort-collins-pd"]
    assert (fc["searcher_state"], fc["purpose"], fc["case_number"]) == ("CO", "property_crime", "2026-0380")
    assert by_searcher["agency:shasta-county-so"]["purpose"] == "immigration"
    nfta = by_searcher["agency:niagara-frontier-transit-authority-nfta-pd"]
    assert (nfta["reason"], nfta["purpose"], nfta["moderation"]) == ("", "unspecified", "flagged")
    cle = by_searcher["agency:cleveland-oh-division-of-police"]
    assert (cle["searcher_state"], cle["purpose"]) == ("OH", "property_crime")
    assert "time_frame_start" not in cle  # the frame ends before it starts: left out, with a warning
    assert any("time frame" in w.reason for w in result.warnings)


def test_flock_audit_underscore_layout_and_split_frame() -> None:
    result = import_flock_audit(FIXTURES / "flock-audit" / "network-audit-underscore.csv")
    _valid(result)
    assert (result.rows_read, result.events_written) == (3, 3)
    mendo, ulta, fcps = result.events
    assert mendo["searcher"] == "agency:mendocino-county-so"
    assert (mendo["time_frame_start"], mendo["time_frame_end"]) == ("2025-11-01T00:00:00Z", "2025-11-02T00:00:00Z")
    assert (mendo["occurred_at"], mendo["purpose"], mendo["case_number"]) == (
        "2025-11-02T09:30:00Z", "property_crime", "SO25-1234")
    assert ulta["purpose"] == "investigation"  # "ICE impersonation" is a crime, not immigration
    assert (fcps["time_frame_start"], "time_frame_end" in fcps) == ("2025-11-03T00:00:00Z", False)
    assert fcps["purpose"] == "immigration"


def test_flock_audit_agency_json() -> None:
    result = import_flock_audit(FIXTURES / "flock-audit" / "portal-audit.json")
    _valid(result)
    assert (result.rows_read, result.events_written, result.skipped_by_reason) == (3, 2, {"bad date": 1})
    d1, d2 = result.events
    assert d1["searcher"] == "agency:danville-il-pd" and d1["searcher_state"] == "IL"
    assert (d1["reason"], d1["offense_type"], d1["purpose"]) == ("", "Burglary", "property_crime")
    assert d2["purpose"] != "immigration"  # DHS PD: Desert Hot Springs


def _xlsx(path: Path, audit_rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    shared = book.active
    shared.title = "Shared With Me"
    shared.append(["Organization", "Networks"])
    shared.append(["Fresno CA PD", 1])
    audit = book.create_sheet("Search Audit")
    audit.append([])  # a blank first line before the header
    for row in audit_rows:
        audit.append(row)
    sharing = book.create_sheet("I'm Sharing")
    sharing.append(["Organization"])
    book.save(path)


def test_flock_audit_xlsx_picks_the_audit_sheet(tmp_path: Path) -> None:
    from datetime import datetime

    rows = [NETWORK_HEADER]
    rows += [["Officer A", "El Cajon CA PD", 2, 30, None, None, "211PC", None, None,
              datetime(2025, 11, 13, 22, 0, 17), "License Plate", None, None]]
    rows += [["Officer B", "Shasta County SO", 1, 3, None, None, "GTA", None, None,
              "11/13/2025, 11:00:00 PM UTC", "License Plate", None, None]]
    path = tmp_path / "audit.xlsx"
    _xlsx(path, rows)
    result = import_flock_audit(path, tz="UTC")
    _valid(result)
    assert (result.rows_read, result.events_written) == (2, 2)
    a, b = result.events
    assert (a["occurred_at"], a["purpose"], a["searcher"]) == ("2025-11-13T22:00:17Z", "violent_crime",
                                                                 "agency:el-cajon-ca-pd")
    assert (b["occurred_at"], b["purpose"]) == ("2025-11-13T23:00:00Z", "property_crime")


def test_flock_audit_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("when,who\n2025-01-01,x\n")
    with pytest.raises(ValueError, match=r"no search-audit layout fits the columns \['when', 'who'\]"):
        import_flock_audit(odd, agency="X PD")
    sharing = FIXTURES / "flock-sharing" / "agency_access20250101.csv"
    with pytest.raises(ValueError, match="flock-sharing"):
        import_flock_audit(sharing)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty file"):
        import_flock_audit(empty)
    book = tmp_path / "other.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Organization", "Networks"])
    wb.save(book)
    with pytest.raises(ValueError, match="no sheet has a search-audit header"):
        import_flock_audit(book)


def test_flock_audit_streams_to_a_sink(tmp_path: Path) -> None:
    got: list[dict] = []
    result = import_flock_audit(FIXTURES / "flock-audit" / "network-audit.csv", sink=got.append)
    assert result.events == [] and result.events_written == len(got) == 5
    assert result.adds_up()


# ---- atlas-ring -----------------------------------------------------------------------------------


def test_atlas_real(real_data: Path) -> None:
    rows = _rows(ATLAS)
    result = import_atlas_ring(ATLAS)
    assert result.events == []
    assert result.rows_read == len(rows) == 1501
    distinct = {(r["Agency"].strip(), r["State"].strip()) for r in rows}
    assert result.parties_written == len(distinct)
    assert result.adds_up()
    assert result.skipped_by_reason == {"duplicate row": len(rows) - len(distinct)}
    lea = Counter(r["Type of LEA"] for r in rows)
    kinds = Counter(p.kind for p in result.parties)
    assert kinds["sheriff"] == lea["Sheriff"]
    assert {p.joined for p in result.parties} == {"2018", "2019", "2020"}
    by_id = {p.id: p for p in result.parties}
    green = by_id["agency:greenfield-police-department-wi"]
    assert (green.state, green.kind, green.joined) == ("WI", "local", "2018")
    assert "agency:greenfield-police-department-in" in by_id
    assert by_id["agency:wyoming-police-department-oh"].kind == "local"


def test_atlas_messy() -> None:
    result = import_atlas_ring(FIXTURES / "atlas-ring" / "atlas-messy.csv")
    assert result.adds_up()
    assert result.rows_read == 8
    assert result.skipped_by_reason == {"duplicate row": 1, "missing agency": 1}
    got = {p.id: (p.kind, p.subkind, p.state, p.joined, p.jurisdiction) for p in result.parties}
    assert got == {
        "agency:greenfield-police-department-wi": ("local", "local police", "WI", "2018", "Greenfield"),
        "agency:greenfield-police-department-in": ("local", "local police", "IN", "2020", "Greenfield"),
        "agency:wyoming-police-department-oh": ("local", "local police", "OH", "2019", "Wyoming"),
        "agency:harris-county-constable-precinct-1-tx": (
            "local",
            "local police",
            "TX",
            "2019",
            "Harris County",
        ),
        "agency:cumberland-county-prosecutor-s-office-nj": (
            "local",
            "prosecutor",
            "NJ",
            "2019",
            "Cumberland County",
        ),
        "agency:calcasieu-parish-sheriff-s-office-la": ("sheriff", "sheriff", "LA", None, "Calcasieu Parish"),
    }


def test_retention_values() -> None:
    assert parse_retention_days("30 days") == 30
    assert parse_retention_days("-Infinity days") is None
    assert parse_retention_days("NA") is None
    assert parse_retention_days("——") is None


# ---- flock-portal snapshots and aliases -----------------------------------------------------------

SNAPSHOTS = FIXTURES / "flock-portal-snapshots"


def test_flock_portal_merges_a_slug_with_the_name_other_portals_use() -> None:
    result = import_flock_portal(SNAPSHOTS)
    _valid(result)
    ids = {p.id for p in result.parties}
    assert "agency:el-cajon-ca-pd" in ids and "agency:el-cajon-pd-ca" not in ids
    assert "agency:mendocino-county-ca-so" in ids and "agency:mendocino-county-so-ca" not in ids
    assert sorted(m.split(" ")[0] for m in result.merges) == ["agency:el-cajon-pd-ca", "agency:mendocino-county-so-ca"]
    assert result.summary()["merged_parties"] == result.merges
    # Mendocino's outbound grant to El Cajon and El Cajon's inbound listing of it are one grant
    pairs = Counter((e["grantor"], e["grantee"]) for e in result.events)
    assert pairs[("agency:mendocino-county-ca-so", "agency:el-cajon-ca-pd")] == 1
    assert max(pairs.values()) == 1


def test_flock_portal_snapshots_keep_when_each_grant_was_listed() -> None:
    files = sorted(SNAPSHOTS.glob("el-cajon-*.json"), reverse=True)  # order of the files does not matter
    result = import_flock_portal(files)
    _valid(result)
    # rows: 5 + 6 partners; 4 listed again in the later snapshot
    assert (result.rows_read, result.events_written) == (11, 7)
    assert result.skipped_by_reason == {"seen again": 4}
    by_pair = {(e["grantor"], e["grantee"]): e for e in result.events}
    dallas = by_pair[("agency:el-cajon-ca-pd", "agency:dallas-tx-pd")]
    assert dallas["seen_at"] == ["2025-01-01T00:00:00Z"]
    assert dallas["snapshots"] == ["2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z"]
    houston = by_pair[("agency:el-cajon-ca-pd", "agency:houston-tx-pd")]
    assert (houston["occurred_at"], houston["seen_at"]) == ("2025-06-01T00:00:00Z", ["2025-06-01T00:00:00Z"])
    austin = by_pair[("agency:el-cajon-ca-pd", "agency:austin-tx-pd")]
    assert austin["occurred_at"] == "2025-01-01T00:00:00Z" and len(austin["seen_at"]) == 2
    assert austin["grantor_state"] == "CA" and austin["grantee_state"] == "TX"


def test_access_history(tmp_path: Path) -> None:
    from importers.history import access_history

    out = tmp_path / "grants.jsonl"
    import_flock_portal(sorted(SNAPSHOTS.glob("*.json"))).write_jsonl(out)
    doc = access_history(out)
    (portal,) = doc["portals"]
    assert portal["portal"] == "agency:el-cajon-ca-pd"
    (step,) = portal["changes"]
    assert portal["name"] == "El Cajon CA PD"  # names as the portal records give them
    assert step["added"] == [{"party": "agency:fresno-ca-pd", "name": "Fresno CA PD", "direction": "inbound"},
                             {"party": "agency:houston-tx-pd", "name": "Houston TX PD", "direction": "outbound"}]
    assert step["removed"] == [{"party": "agency:dallas-tx-pd", "name": "Dallas TX PD", "direction": "outbound"}]
    assert access_history(out, until="2025-03-01")["portals"] == []


def test_flock_portal_merges_a_nameless_slug_into_the_name_others_use(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(
        {"slug": "el-cajon-pd-ca", "crawled_at": "2026-01-01T00:00:00Z", "sharing_outbound": ["Reno NV PD"]}))
    (tmp_path / "b.json").write_text(json.dumps(
        {"name": "Santee CA PD", "crawled_at": "2026-01-01T00:00:00Z",
         "sharing_outbound": ["El Cajon CA PD"], "sharing_inbound": ["El Cajon CA PD"]}))
    result = import_flock_portal(tmp_path)
    _valid(result)
    assert result.merges == [
        "agency:el-cajon-pd-ca -> agency:el-cajon-ca-pd (same words; the portal's slug, "
        "agency:el-cajon-ca-pd named 2 times)"
    ]
    assert {(e["grantor"], e["grantee"]) for e in result.events} == {
        ("agency:el-cajon-ca-pd", "agency:reno-nv-pd"), ("agency:santee-ca-pd", "agency:el-cajon-ca-pd"),
        ("agency:el-cajon-ca-pd", "agency:santee-ca-pd")}


def test_flock_audit_json_lines_and_searcher_registry(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    rows = [{"Org Name": "Shasta County SO", "Search Time": "11/13/2025, 10:00:17 PM UTC", "Reason": "211PC"},
            {"Org Name": "CO - Fort Collins PD", "Search Time": "11/13/2025, 10:01:00 PM UTC", "Reason": "ICE"},
            "not an object"]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = import_flock_audit(path)
    _valid(result)
    assert (result.rows_read, result.events_written, result.skipped_by_reason) == (3, 2, {"not a row": 1})
    assert {(p.id, p.state, p.kind) for p in result.parties} == {
        ("agency:shasta-county-so", "CA", "sheriff"), ("agency:co-fort-collins-pd", "CO", "local")}


def test_flock_audit_of_a_windows_1252_export(tmp_path: Path) -> None:
    path = tmp_path / "audit.csv"
    text = ("Name,Org Name,Search Time,Reason\n"
            "A,Shasta County SO,11/13/2025 10:00 PM PST,\u201cstolen\u201d car\n")
    path.write_bytes(text.encode("cp1252"))
    result = import_flock_audit(path)
    _valid(result)
    (event,) = result.events
    assert (event["reason"], event["purpose"], event["occurred_at"]) == (
        "\u201cstolen\u201d car", "property_crime", "2025-11-14T06:00:00Z")
    assert result.assumptions == ["not UTF-8 (line 2 has byte 0x93): read as Windows-1252"]
