"""``audit_import``: ``import flock-audit`` of a network-audit CSV (rows/s, peak RSS) over reading the same
CSV with the ``csv`` module. Target: rows/s ratio >= 0.02, and memory that does not grow with the rows.

The CSV is synthetic, generated here in the shape of Flock's network-audit export (``Name, Org Name, Total
Networks Searched, ..., Search Time, ...``; times like ``11/13/2025, 10:00:17 PM UTC``; 60 organisations,
reasons drawn from a list). Each side runs in its own process, so its peak RSS (``VmHWM``) is its own:
the baseline only iterates ``csv.reader``; the import writes every event to a JSONL file as the CLI does.
The import also runs on a quarter of the rows: ``rss_growth`` = peak RSS at all rows / at a quarter (1.0 =
no growth; the target is <= 1.15).
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import Figure

SETTINGS = {"full": 1_000_000, "quick": 200_000, "smoke": 2_000}
TARGET = 0.02
RSS_GROWTH_TARGET = 1.15

HEADER = ["Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame", "License Plate",
          "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]
ORGS = [f"{town} {st} PD" for town, st in (
    ("El Cajon", "CA"), ("Fresno", "CA"), ("Austin", "TX"), ("Dallas", "TX"), ("Sylvania", "OH"), ("Toledo", "OH"),
    ("Dearborn", "MI"), ("Atlanta", "GA"), ("Denver", "CO"), ("Reno", "NV"))] + [
    f"{county} County {st} SO" for county, st in (("Shasta", "CA"), ("Wake", "NC"), ("Cobb", "GA"), ("Lake", "IL"))
] + [f"Agency {i} WI PD" for i in range(46)]
REASONS = ["investigation", "UUV", "Property Crime", "Person Crime", "245(a)(2)PC", "211PC", "10851(a)CVC",
           "GTA", "susp veh", "20260332", "2026-0380", "ICE assist", "Missing Person", "", "Welfare Check"]


def _stamp(t: datetime) -> str:
    return t.strftime("%m/%d/%Y, %I:%M:%S %p UTC")


def write_network_audit(path: Path, rows: int, seed: int = 7) -> None:
    """A synthetic network-audit CSV of ``rows`` rows."""
    rng = random.Random(seed)
    t = datetime(2025, 1, 1, tzinfo=UTC)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            t += timedelta(seconds=rng.randint(1, 20))
            frame = f"{_stamp(t - timedelta(days=1))} - {_stamp(t)}"
            w.writerow([f"Officer {rng.randint(1, 5000)}", rng.choice(ORGS), rng.randint(1, 3000),
                        rng.randint(10, 90000), frame, f"{rng.randint(1, 9)}ABC{i % 1000:03d}",
                        rng.choice(REASONS), rng.choice(["", "", f"2025-{i % 9999:04d}"]), "", _stamp(t),
                        "License Plate", "", ""])


#: Peak RSS of the child itself: VmHWM from /proc (``ru_maxrss`` would carry the parent's peak over exec).
_PEAK = """
def peak_kib():
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

_BASELINE = _PEAK + """
import csv, json, sys, time
t0 = time.perf_counter(); n = 0
with open(sys.argv[1], encoding="utf-8-sig", newline="") as fh:
    for row in csv.reader(fh):
        n += 1
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": n - 1, "peak_rss_kib": peak_kib()}))
"""

_IMPORT = _PEAK + """
import json, sys, time
from importers.flock_audit import import_flock_audit
t0 = time.perf_counter()
with open(sys.argv[2], "w", encoding="utf-8") as out:
    dumps = json.dumps
    r = import_flock_audit(sys.argv[1], sink=lambda e: out.write(dumps(e) + "\\n"))
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": r.rows_read, "written": r.events_written,
                  "skipped": r.skipped_total, "adds_up": r.adds_up(), "peak_rss_kib": peak_kib()}))
"""


def _child(code: str, *args: str) -> dict:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, cwd=root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(size: str) -> Figure:
    n = SETTINGS[size]
    with tempfile.TemporaryDirectory(prefix="custodiet-bench-audit-") as d:
        full, quarter, events = Path(d) / "audit.csv", Path(d) / "quarter.csv", Path(d) / "events.jsonl"
        write_network_audit(full, n)
        write_network_audit(quarter, n // 4)
        base = _child(_BASELINE, str(full))
        small = _child(_IMPORT, str(quarter), str(events))
        big = _child(_IMPORT, str(full), str(events))
    assert base["rows"] == big["rows"] == n and big["adds_up"], (base, big)
    growth = big["peak_rss_kib"] / small["peak_rss_kib"]
    return Figure(
        name="audit_import", ratio=base["seconds"] / big["seconds"], target=TARGET, unit="rows/s",
        baseline={"what": "csv.reader over the same network-audit CSV", "rows": n,
                  "rate": round(n / base["seconds"]), "peak_rss_mib": round(base["peak_rss_kib"] / 1024, 1)},
        measured={"what": "importers.flock_audit.import_flock_audit, events written to JSONL", "rows": n,
                  "rate": round(n / big["seconds"]), "peak_rss_mib": round(big["peak_rss_kib"] / 1024, 1),
                  "written": big["written"], "skipped": big["skipped"]},
        extra={"rss_ratio_import_over_csv": round(big["peak_rss_kib"] / base["peak_rss_kib"], 2),
               "peak_rss_mib_at_quarter_rows": round(small["peak_rss_kib"] / 1024, 1),
               "rss_growth_quarter_to_all": round(growth, 3), "rss_growth_target": RSS_GROWTH_TARGET,
               "all_targets_met": growth <= RSS_GROWTH_TARGET},
    )
