"""``shuffled_dense_kafka_scaling``: the marginal rate of the Faust pipeline (one worker, 8 partitions) on a log
of many small custody histories delivered out of order (``bench.dense.history_lines``: 3-6 clips per
history, 8-40 hand-overs per clip, a tenth of the lines twice, every line within a few days of its event
time) at N lines over its rate at N/8 lines (full 40,000 over 5,000; quick 16,000 over 2,000). Target >= 0.7:
the cost of a line does not grow with the log however it is ordered within the lateness. Each run's
document must be the in-process document of the same lines (else the figure is not met).
"""

from __future__ import annotations

from typing import Any

from bench import Figure
from bench.dense import history_lines
from bench.streaming import PARTITIONS, Pipeline, broker, core_document

TARGET = 0.7
LINES = {"full": 40_000, "quick": 16_000, "smoke": 800}


def run(size: str) -> Figure:
    from judge.pipeline import run_check

    big = history_lines(LINES[size])
    small = history_lines(LINES[size] // 8)
    runs: dict[str, Any] = {}
    with broker() as bootstrap:
        pools = {"small": Pipeline(bootstrap, 1, PARTITIONS), "big": Pipeline(bootstrap, 1, PARTITIONS)}
        try:
            for p in pools.values():
                p.start()
            for p in pools.values():
                p.wait_ready()
            for name, lines in (("small", small), ("big", big)):
                runs[name] = pools[name].measure(lines)
        finally:
            for p in pools.values():
                p.stop()
    agree = {}
    for name, lines in (("small", small), ("big", big)):
        expected = run_check(enumerate(lines, start=1)).document()
        agree[name] = core_document(runs[name].pop("document")) == core_document(expected)
    s, b = runs["small"], runs["big"]
    return Figure(
        name="shuffled_dense_kafka_scaling", ratio=b["wall_rate"] / max(s["wall_rate"], 1), target=TARGET,
        unit="events/s (N lines / N/8 lines)",
        baseline={"what": f"Faust pipeline, 1 worker, {len(small):,} out-of-order history lines", **s,
                  "rate": s["wall_rate"]},
        measured={"what": f"the same, {len(big):,} lines", **b, "rate": b["wall_rate"]},
        extra={"checks": {f"document_agrees_{k}": v for k, v in agree.items()}, "all_targets_met": all(agree.values())},
    )
