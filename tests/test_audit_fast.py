"""The DuckDB audit import writes byte for byte the events the row-by-row import writes, with the same
accounting (rows read = written + skipped, the same skipped rows and warnings with their lines), on a few
thousand messy rows in shuffled layouts; and it declines what it does not read the same way."""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from importers.audit_fast import fast_import_audit
from importers.flock_audit import import_flock_audit

NETWORK = ["Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame", "License Plate",
           "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]
SPLIT = ["Name", "Org_Name", "Total_Networks_Searched", "Total_Devices_Searched", "Time_Frame_Start",
         "Time_Frame_End", "Reason", "Case_#", "Search_Time", "Search_Type"]
PORTAL = ["id", "userId", "searchDate", "cameraCount", "networkCount", "reason", "caseNumber", "offenseType"]
PORTAL_NO_REASON = ["id", "userId", "searchDate", "cameraCount", "caseNumber"]

ORGS = ["Danville IL PD", "\u00a0Danville  IL PD ", "Lake County IL SO", "", "N/A", "Fresno CA PD",
        "(Federal) US Postal Inspection Service", "Town of Los Gatos"]
REASONS = ["FBI ASSIST: BANK THEFT", "stolen vehicle", "", "N/A", "***", "459", "x\x07y", 'said "stop", ran',
           "Wanted fugitive, US Marshall assist", "caf\u00e9 \U0001f600 theft", "  patrol\tcheck  ", "ICE"]
COUNTS = ["1", "3000", "1,234", "12.7", "many", "-3", "", "N/A", "0"]


def _utc(t: datetime) -> str:
    return t.strftime("%m/%d/%Y, %I:%M:%S %p UTC")


def _time(rng: random.Random, t: datetime) -> str:
    return rng.choice([_utc(t), _utc(t), t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], t.strftime("%m/%d/%Y %I:%M %p"),
                       t.strftime("%m/%d/%Y %I:%M %p PST"), "not a date", "", "13/45/2025, 10:00:17 PM UTC",
                       "11/13/2025, 13:00:17 PM UTC"])


def _frame(rng: random.Random, t: datetime) -> tuple[str, str]:
    start = t - timedelta(days=rng.choice([1, 31, 400]))
    return rng.choice([(_utc(start), _utc(t)), (_utc(start), _utc(t)), (_utc(t), _utc(start)), ("garbage", _utc(t)),
                       ("", ""), (start.strftime("%Y-%m-%d %H:%M"), _utc(t))])


def _rows(header: list[str], n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    t = datetime(2025, 3, 1, tzinfo=UTC)
    rows: list[list[str]] = []
    for i in range(n):
        t += timedelta(seconds=rng.randint(1, 5000))
        s, e = _frame(rng, t)
        by = {"Name": f"Officer {rng.randint(1, 40)}", "Org Name": rng.choice(ORGS), "Org_Name": rng.choice(ORGS),
              "Total Networks Searched": rng.choice(COUNTS), "Total_Networks_Searched": rng.choice(COUNTS),
              "Total Devices Searched": rng.choice(COUNTS), "Total_Devices_Searched": rng.choice(COUNTS),
              "Time Frame": rng.choice([f"{s} - {e}", f"{s} to {e}", "", f"{s} - {e} - {e}"]),
              "Time_Frame_Start": s, "Time_Frame_End": e, "License Plate": f"{rng.randint(1, 9)}ABC{i % 50}",
              "Reason": rng.choice(REASONS), "Case #": rng.choice(["", "2025-0101", "HSI 25-1"]),
              "Case_#": rng.choice(["", "2025-0101"]), "Filters": "", "Search Time": _time(rng, t),
              "Search_Time": _time(rng, t), "Search Type": "License Plate", "Search_Type": "", "Text Prompt": "",
              "Moderation": rng.choice(["", "ok"]), "id": rng.choice([f"id-{i}", f"id-{i}", f"id-{i // 2}", ""]),
              "userId": f"u{rng.randint(1, 9)}", "searchDate": _time(rng, t), "cameraCount": rng.choice(COUNTS),
              "networkCount": rng.choice(COUNTS), "reason": rng.choice(REASONS),
              "caseNumber": rng.choice(["", "FBI SAFE ST TF", "2025-7"]),
              "offenseType": rng.choice(["", "Burglary", "Sex Offenses"])}
        rows.append([by[h] for h in header])
        if rng.random() < 0.05:
            rows.append(list(rows[-1]))  # an exact repeat
    return rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _both(path: Path, tmp: Path, agency: str | None) -> tuple[object, object, bytes, bytes]:
    slow_out, fast_out = tmp / "slow.jsonl", tmp / "fast.jsonl"
    with slow_out.open("w", encoding="utf-8") as fh:
        slow = import_flock_audit(path, agency=agency,
                                  sink=lambda e: fh.write(json.dumps(e, ensure_ascii=False) + "\n"))
    fast = fast_import_audit(path, fast_out, agency=agency)
    assert fast is not None, "the fast import declined a plain CSV"
    return slow, fast, slow_out.read_bytes(), fast_out.read_bytes()


@pytest.mark.parametrize(("header", "agency", "seed"), [
    (NETWORK, None, 1), (SPLIT, None, 2), (PORTAL, "Eugene OR PD", 3), (PORTAL_NO_REASON, "Danville IL PD", 4),
])
def test_same_events_and_accounting(tmp_path: Path, header: list[str], agency: str | None, seed: int) -> None:
    rng = random.Random(seed)
    order = list(range(len(header)))
    rng.shuffle(order)  # the columns in another order: the header says where each is
    shuffled = [header[i] for i in order]
    rows = [[r[i] for i in order] for r in _rows(header, 1500, seed)]
    path = _write(tmp_path / "audit.csv", shuffled, rows)
    slow, fast, slow_bytes, fast_bytes = _both(path, tmp_path, agency)
    assert fast_bytes == slow_bytes and slow_bytes  # type: ignore[truthy-bool]
    assert fast.summary() == slow.summary()  # type: ignore[attr-defined]
    assert fast.adds_up() and fast.rows_read == len(rows)  # type: ignore[attr-defined]
    assert [tuple(s) for s in fast.skipped] == [tuple(s) for s in slow.skipped]  # type: ignore[attr-defined]
    assert [tuple(w) for w in fast.warnings] == [tuple(w) for w in slow.warnings]  # type: ignore[attr-defined]
    assert [p.id for p in fast.parties] == [p.id for p in slow.parties]  # type: ignore[attr-defined]


def test_declines_what_it_cannot_read_the_same_way(tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,userId,searchDate,cameraCount,reason\na,u,2025-06-18 00:02:04,3,theft\nb,u\n",
                      encoding="utf-8")
    multi = tmp_path / "multi.csv"
    multi.write_text('id,userId,searchDate,cameraCount,reason\na,u,2025-06-18 00:02:04,3,"two\nlines"\n',
                     encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,userId,searchDate,cameraCount,reason\na,u,2025-06-18 00:02:04,3,caf\u00e9\n"
                      .encode("cp1252"))
    escape = tmp_path / "escape.csv"
    escape.write_text("id,userId,searchDate,cameraCount,reason,caseNumber\na,u,2025-06-18 00:02:04,3,x,A\x1bB\n",
                      encoding="utf-8")
    for path in (ragged, multi, latin, escape):
        assert fast_import_audit(path, tmp_path / "out.jsonl", agency="Eugene OR PD") is None
    assert fast_import_audit(latin, tmp_path / "out.jsonl") is None  # a portal naming no agency: asked for
