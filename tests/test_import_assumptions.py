"""No silent assumptions on import: the date a record was observed comes from the data, the file name or
``--observed``; with none the import stops with one line asking for it; every import prints what it assumed."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from importers import import_flock_portal, import_flock_sharing
from importers.observed import MissingDate

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parent / "data"


def test_a_renamed_copy_of_the_nc_csv_is_not_dated_today(tmp_path: Path, nc_edges: Path) -> None:
    copy = tmp_path / "sharing.csv"
    shutil.copy(nc_edges, copy)
    out = tmp_path / "e.jsonl"
    res = runner.invoke(app, ["import", "flock-sharing", str(copy), "-o", str(out)])
    lines = res.stderr.strip().splitlines()
    assert res.exit_code == 2, res.output
    assert len(lines) == 1 and "--observed" in lines[0] and "sharing.csv" in lines[0], lines
    assert not out.exists()
    with pytest.raises(MissingDate):
        import_flock_sharing(copy)


def test_the_date_given_is_used_and_said(tmp_path: Path, nc_edges: Path) -> None:
    copy = tmp_path / "sharing.csv"
    shutil.copy(nc_edges, copy)
    out = tmp_path / "e.jsonl"
    res = runner.invoke(app, ["import", "flock-sharing", str(copy), "-o", str(out), "--observed", "2024-04-26"])
    assert res.exit_code == 0, res.output
    assert "assumed: observed 2024-04-26: given with --observed" in res.stderr
    times = {json.loads(line)["occurred_at"] for line in out.read_text().splitlines()}
    assert times == {"2024-04-26T00:00:00Z"}


def test_the_date_in_the_file_name_is_said(tmp_path: Path) -> None:
    src = FIXTURES / "flock-sharing" / "agency_access20250101.csv"
    res = runner.invoke(app, ["import", "flock-sharing", str(src), "-o", str(tmp_path / "e.jsonl"), "--json"])
    assert res.exit_code == 0, res.output
    said = "observed 2025-01-01: the date in the file name agency_access20250101.csv"
    assert f"assumed: {said}" in res.stderr
    assert json.loads(res.stdout)["assumptions"] == [said]


def test_a_bad_observed_date_is_refused_in_one_line(tmp_path: Path) -> None:
    src = FIXTURES / "flock-sharing" / "agency_access20250101.csv"
    res = runner.invoke(app, ["import", "flock-sharing", str(src), "-o", str(tmp_path / "e.jsonl"),
                              "--observed", "last tuesday"])
    assert res.exit_code == 2 and "--observed" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_portal_record_without_a_time_in_a_file_without_a_date(tmp_path: Path) -> None:
    rec = tmp_path / "some-pd.json"
    rec.write_text(json.dumps({"name": "Atherton CA PD", "sharing_outbound": ["FBI"]}))
    with pytest.raises(MissingDate):
        import_flock_portal(rec)
    dated = tmp_path / "some-pd-20250301.json"
    rec.rename(dated)
    result = import_flock_portal(dated)
    assert [e["occurred_at"] for e in result.events] == ["2025-03-01T00:00:00Z"]
    assert result.assumptions == ["observed 2025-03-01: the date in the file name some-pd-20250301.json"]


def test_portal_record_time_is_the_data(tmp_path: Path) -> None:
    rec = tmp_path / "atherton.json"
    rec.write_text(json.dumps({"name": "Atherton CA PD", "accessed": "2023-07-28T00:56:00Z",
                               "sharing_outbound": ["FBI"]}))
    result = import_flock_portal(rec)
    assert [e["occurred_at"] for e in result.events] == ["2023-07-28T00:56:00Z"]
    assert result.assumptions == ["observed: the time each record carries"]


def test_us_order_date_in_a_name_is_said(tmp_path: Path) -> None:
    path = tmp_path / "latest_usage04262023.csv"
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows([["src_agency", "external_agency"], ["El Cajon CA PD", "FBI"]])
    result = import_flock_sharing(path)
    assert result.events[0]["occurred_at"] == "2023-04-26T00:00:00Z"
    assert result.assumptions == ["observed 2023-04-26: the date in the file name latest_usage04262023.csv "
                                  "(read as month, day, year)"]


# ---- an organisation's sharing page (issue 19, item 6) --------------------------------------------

ORG_PAGE = FIXTURES / "flock-sharing" / "org-sharing-page-20251217.csv"


def test_org_sharing_page_is_read_as_grants_both_ways() -> None:
    result = import_flock_sharing(ORG_PAGE, agency="Conway AR PD")
    grants = {(e["grantor"], e["grantee"]) for e in result.events}
    conway = "agency:conway-ar-pd"
    assert grants == {
        ("agency:canton-ga-pd", conway),  # Canton's networks shared with Conway
        (conway, "agency:us-postal-inspection-service"),  # "(Federal) X" is X: one party, the second row a repeat
        ("agency:faulkner-county-ar-so", conway), (conway, "agency:faulkner-county-ar-so"),
        ("agency:the-town-of-los-gatos", conway),
        ("agency:orange-county-fire-authority", conway),
    }
    # every non-empty list is one input; each ends in one place
    assert result.rows_read == 9 and result.events_written == 6
    assert result.skipped_by_reason == {"left out": 1, "duplicate row": 1, "no sharing listed": 1}
    parties = {p.id: p for p in result.parties}
    assert parties["agency:us-postal-inspection-service"].kind == "federal"
    assert parties["agency:the-town-of-los-gatos"].state == "CA"
    assert parties["agency:orange-county-fire-authority"].kind == "fire"
    assert not any("demo" in p for p in parties)
    faulkner = next(e for e in result.events if e["grantor"] == "agency:faulkner-county-ar-so")
    assert faulkner["networks"] == ["Faulkner County AR SO", "Faulkner County AR SO - Schools"]


def test_org_sharing_page_needs_its_owner(tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    res = runner.invoke(app, ["import", "flock-sharing", str(ORG_PAGE), "-o", str(out)])
    assert res.exit_code == 2 and "--agency" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = runner.invoke(app, ["import", "flock-sharing", str(ORG_PAGE), "-o", str(out), "--agency", "Conway AR PD"])
    assert res.exit_code == 0, res.output
    assert len(out.read_text().splitlines()) == 6
    assert "assumed: observed 2025-12-17: the date in the file name" in res.stderr


def test_portal_partners_that_are_demo_or_deactivated_are_left_out(tmp_path: Path) -> None:
    rec = tmp_path / "atherton.json"
    rec.write_text(json.dumps({"name": "Atherton CA PD", "accessed": "2023-07-28T00:56:00Z",
                               "sharing_outbound": ["FBI", "[DEACTIVATED] - demo", "(Federal) US Marshals"]}))
    result = import_flock_portal(rec)
    assert [e["grantee"] for e in result.events] == ["agency:fbi", "agency:us-marshals"]
    assert result.skipped_by_reason == {"left out": 1} and result.adds_up()
