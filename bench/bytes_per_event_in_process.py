"""``bytes_per_event_in_process``: peak resident memory of ``custodiet check`` in-process over the process's
own baseline (after imports and a warm-up run), per event, on 1,000,000 events (quick 100,000), read from a
file as the CLI does. Target <= 500 bytes per event. Runs in a fresh process so nothing else is counted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import Figure, scaled_lines

SETTINGS = {"full": 1_000_000, "quick": 100_000, "smoke": 2_000}
TARGET = 500.0
ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import itertools, json, sys
from judge.pipeline import read_lines, run_check

def status(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

path = sys.argv[1]
run_check(itertools.islice(read_lines(path), 5000), None).document()  # warm up: rule sets, classifier, imports
import gc; gc.collect()
base = status("VmRSS")
with open("/proc/self/clear_refs", "w") as fh:  # reset the peak to the current size
    fh.write("5")
doc = run_check(read_lines(path), None).document()
print(json.dumps({"base": base, "peak": status("VmHWM"), "events_in": doc["events_in"],
                  "processed": doc["processed"]}))
"""


def run(size: str) -> Figure:
    n = SETTINGS[size]
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "events.jsonl"
        with log.open("wb") as fh:
            for raw in scaled_lines(n):
                fh.write(raw + b"\n")
        res = subprocess.run([sys.executable, "-c", CHILD, str(log)], cwd=str(ROOT), capture_output=True, check=True)
        doc = json.loads(res.stdout.decode().strip().splitlines()[-1])
        size_bytes = log.stat().st_size
    grown = max(doc["peak"] - doc["base"], 0)
    return Figure(
        name="bytes_per_event_in_process", ratio=grown / n, target=TARGET, better="lower", kind="value",
        unit="bytes of peak RSS over the process's baseline, per event",
        baseline={"what": "RSS after imports and a warm-up run", "rss_bytes": doc["base"]},
        measured={"what": "peak RSS during run_check of the file", "rss_peak_bytes": doc["peak"], "events": n,
                  "processed": doc["processed"], "input_bytes_per_event": round(size_bytes / n)},
    )
