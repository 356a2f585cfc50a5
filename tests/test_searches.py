"""The search-audit summary (`custodiet searches`), its report section and the audit importer's reason fields,
on the real Eugene audit and on a network audit written here; every expected figure is recomputed from the
rows with csv and plain Python, not with the code under test."""

from __future__ import annotations

import csv
import json
import random
import re
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from analysis.searches import summarise_searches
from custodiet.cli import app
from importers.flock_audit import import_flock_audit
from judge.lookback import LOOKBACK_DAYS_SQL, lookback_days, search_retention_days

EUGENE = Path("/work/shared/data/flock-search-audit-eugene-2025/EPDSearchAuditLogs.csv")
RUN = CliRunner()
#: The issue's own words for a missing reason: blank, or a placeholder, or punctuation only.
PLACEHOLDERS = {"", "n/a", "na", "none", "unknown", "tbd", "x"}


def _missing(reason: str) -> bool:
    return reason.strip().lower() in PLACEHOLDERS or not re.search(r"[A-Za-z0-9]", reason)


def _write_jsonl(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def eugene(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("eugene") / "eugene.jsonl"
    result = RUN.invoke(app, ["import", "flock-audit", str(EUGENE), "--agency", "Eugene OR PD", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with EUGENE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return out, rows


def test_eugene_summary_matches_the_csv(eugene: tuple[Path, list[dict[str, str]]]) -> None:
    log, rows = eugene
    doc = json.loads(RUN.invoke(app, ["searches", str(log), "--json"]).stdout)
    o = doc["overall"]
    assert o["searches"] == len({r["id"] for r in rows}) == doc["accounting"]["lines"]
    assert sum(o["reason_tiers"].values()) == o["searches"]
    assert o["reason_tiers"]["missing"] == sum(_missing(r["reason"]) for r in rows)
    assert o["reason_tiers"]["not_published"] == 0
    cameras = [int(r["cameraCount"]) for r in rows]
    assert o["devices"] == {"with_count": len(cameras), "median": statistics.median(cameras), "largest": max(cameras)}
    # The portal audit gives no network count and no time frame: unknown, not "one network".
    assert o["networks"]["with_count"] == 0 and o["networks"]["multi_share"] is None
    assert o["lookback"]["with_time_frame"] == 0 and o["lookback"]["longest_days"] is None
    assert [s["searcher"] for s in doc["searchers"]] == ["agency:eugene-or-pd"]
    assert doc["searchers"][0]["state"] == "OR"
    days, rule = search_retention_days(None)
    assert (doc["retention_days"], doc["retention_rule"]) == (days, rule)


def test_eugene_human_table_and_credit(eugene: tuple[Path, list[dict[str, str]]]) -> None:
    log, rows = eugene
    result = RUN.invoke(app, ["searches", str(log)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "what it counts" in text and f"{len(rows):,}" in text
    assert "EyesOff Eugene" in text  # the data's credit line


def _stamp(t: datetime) -> str:
    return t.strftime("%m/%d/%Y, %I:%M:%S %p UTC")


HEADER = ["Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame", "License Plate",
          "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]
ORGS = {"Danville IL PD": "agency:danville-il-pd", "Lake County IL SO": "agency:lake-county-il-so",
        "Norfolk VA PD": "agency:norfolk-va-pd"}
#: reason -> the federal agency it names, by hand (None: names none).
REASONS = {"FBI ASSIST: BANK THEFT": "agency:fbi", "stolen vehicle": None, "": None, "459": None,
           "Wanted fugitive, US Marshall assist": "agency:us-marshals", "N/A": None, "patrol": None}


def _network_rows(n: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    t = datetime(2025, 3, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        t += timedelta(seconds=rng.randint(60, 4000))
        back = timedelta(days=rng.choice([1, 7, 29, 30, 31, 45, 400]), hours=rng.randint(0, 23))
        rows.append({"org": rng.choice(list(ORGS)), "networks": rng.choice([1, 1, 1, 2, 57, 3000]),
                     "devices": rng.randint(1, 90000), "start": t - back, "when": t,
                     "reason": rng.choice(list(REASONS)), "id": i})
    return rows


def _write_network_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for r in rows:
            w.writerow([f"Officer {r['id']}", r["org"], r["networks"], r["devices"],
                        f"{_stamp(r['start'])} - {_stamp(r['when'])}", f"PLATE{r['id']}", r["reason"], "", "",
                        _stamp(r["when"]), "License Plate", "", ""])


def _expected(rows: list[dict], retention: float) -> dict:
    days = [(r["when"] - r["start"]).total_seconds() / 86400 for r in rows]
    nets = [r["networks"] for r in rows]
    fed = [REASONS[r["reason"]] for r in rows if REASONS[r["reason"]]]
    return {"searches": len(rows), "beyond": sum(round(d, 3) > retention for d in days), "longest": round(max(days), 1),
            "single": nets.count(1), "multi": sum(n > 1 for n in nets), "median": statistics.median(nets),
            "largest": max(nets), "federal": len(fed), "by_party": {p: fed.count(p) for p in set(fed)},
            "missing": sum(_missing(r["reason"]) for r in rows)}


def test_network_audit_figures(tmp_path: Path) -> None:
    rows = _network_rows(600)
    audit = tmp_path / "audit.csv"
    _write_network_csv(audit, rows)
    log = tmp_path / "events.jsonl"
    assert RUN.invoke(app, ["import", "flock-audit", str(audit), "-o", str(log)]).exit_code == 0
    with log.open("a", encoding="utf-8") as fh:  # a repeated line: one search, one duplicate
        fh.write(log.read_text(encoding="utf-8").splitlines()[0] + "\n")
    doc = summarise_searches(log)
    retention = doc["retention_days"]
    want = _expected(rows, retention)
    o = doc["overall"]
    assert doc["accounting"] == {"lines": len(rows) + 1, "searches": len(rows), "duplicates": 1, "other_events": 0,
                                 "unreadable": 0}
    assert o["searches"] == want["searches"]
    assert o["lookback"]["with_time_frame"] == len(rows)
    assert o["lookback"]["beyond_retention"] == want["beyond"]
    assert o["lookback"]["longest_days"] == want["longest"]
    assert (o["networks"]["single"], o["networks"]["multi"]) == (want["single"], want["multi"])
    assert o["networks"]["median"] == want["median"] and o["networks"]["largest"] == want["largest"]
    assert o["networks"]["multi_share"] == round(want["multi"] / len(rows), 4)
    assert o["assists"]["federal"] == want["federal"] and o["assists"]["by_party"] == want["by_party"]
    assert o["reason_tiers"]["missing"] == want["missing"]
    for s in doc["searchers"]:
        mine = [r for r in rows if ORGS[r["org"]] == s["searcher"]]
        assert s["searches"] == len(mine)
        assert s["lookback"]["beyond_retention"] == _expected(mine, retention)["beyond"]
        assert s["assists"]["federal"] == _expected(mine, retention)["federal"]
    assert sum(s["searches"] for s in doc["searchers"]) == o["searches"]
    # The audit summarised directly (read as the import reads it, nothing written) gives the same figures.
    direct = summarise_searches(audit)
    assert direct["input"] == "search audit" and direct["accounting"]["rows_read"] == len(rows)
    assert (direct["overall"], direct["searchers"]) == (doc["overall"], doc["searchers"])
    # Same input, same number: `check` counts the same federal searches and the same missing reasons.
    check = json.loads(RUN.invoke(app, ["check", str(log), "--json"]).stdout)
    assert check["violations"].get("flock-2025.no-federal-lookups", 0) == want["federal"]
    assert check["violations"].get("flock-2025.search-reason", 0) == want["missing"]
    assert check["violations"].get("flock-2025.search-lookback", 0) == want["beyond"]


def test_lookback_formula_in_sql_is_the_python_one() -> None:
    rng = random.Random(5)
    pairs = [(datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**8)),
              datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**8),
                                                           microseconds=rng.randint(0, 999999)))
             for _ in range(200)]
    con = duckdb.connect()
    con.execute("CREATE TABLE p (occurred TIMESTAMPTZ, start TIMESTAMPTZ)")
    con.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    sql = LOOKBACK_DAYS_SQL.format(occurred="occurred", start="start")
    got = [r[0] for r in con.execute(f"SELECT {sql} FROM p").fetchall()]
    assert got == pytest.approx([lookback_days(a, b) for a, b in pairs], abs=1e-9)


def test_portal_without_reason_column_is_not_published(tmp_path: Path) -> None:
    record = {"slug": "danville-il-pd", "searches": [
        {"id": f"s{i}", "userId": "u1", "searchDate": f"2025-06-18 0{i}:00:00", "cameraCount": 10 + i}
        for i in range(5)]}
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    result = import_flock_audit(path)  # the record names its portal: no --agency needed
    assert {e["searcher"] for e in result.events} == {"agency:danville-il-pd"}
    assert {e["reason_tier"] for e in result.events} == {"not_published"}
    log = _write_jsonl(tmp_path / "portal.jsonl", result.events)
    doc = summarise_searches(log)
    assert doc["overall"]["reason_tiers"]["not_published"] == 5 and doc["overall"]["reason_tiers"]["missing"] == 0
    check = json.loads(RUN.invoke(app, ["check", str(log), "--json"]).stdout)
    assert check["violations"].get("flock-2025.search-reason", 0) == 0


def test_report_has_a_searches_section(tmp_path: Path, eugene: tuple[Path, list[dict[str, str]]]) -> None:
    log, rows = eugene
    both = tmp_path / "with-grant.jsonl"
    grant = {"event_id": "g1", "type": "access_grant", "occurred_at": "2025-06-01T00:00:00Z",
             "grantor": "agency:springfield-or-pd", "grantee": "agency:eugene-or-pd", "system": "flock",
             "scope": "network",
             "source": "flock-search-audit"}
    both.write_text(log.read_text(encoding="utf-8") + json.dumps(grant) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    result = RUN.invoke(app, ["report", str(both), "--to", "agency:eugene-or-pd", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    section = page[page.index("<h2>Searches</h2>"):page.index("<h2>Exports</h2>")]
    assert f"{len(rows):,}" in section and "what it counts" in section and "EyesOff Eugene" in section


def test_no_searches_no_section(tmp_path: Path) -> None:
    log = _write_jsonl(tmp_path / "g.jsonl", [{"event_id": "g1", "type": "access_grant",
                                               "occurred_at": "2025-06-01T00:00:00Z", "grantor": "agency:a-or-pd",
                                               "grantee": "agency:b-or-pd", "system": "flock",
                                               "scope": "network"}])
    out = tmp_path / "report"
    assert RUN.invoke(app, ["report", str(log), "--to", "agency:b-or-pd", "-o", str(out)]).exit_code == 0
    assert "<h2>Searches</h2>" not in (out / "index.html").read_text(encoding="utf-8")


def test_an_audit_the_fast_reader_declines_is_summarised_row_by_row(tmp_path: Path) -> None:
    rows = _network_rows(50, seed=9)
    audit = tmp_path / "audit.csv"
    _write_network_csv(audit, rows)
    latin = tmp_path / "latin.csv"  # Windows-1252 text: the row-by-row import reads it
    latin.write_bytes(audit.read_text(encoding="utf-8").replace("stolen vehicle", "v\u00e9hicule", 1)
                      .encode("cp1252"))
    doc = summarise_searches(latin)
    want = _expected(rows, doc["retention_days"])
    assert doc["accounting"]["rows_read"] == doc["overall"]["searches"] == want["searches"]
    assert doc["overall"]["lookback"]["beyond_retention"] == want["beyond"]
    assert doc["overall"]["assists"]["by_party"] == want["by_party"]
