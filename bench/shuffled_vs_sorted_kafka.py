"""``shuffled_vs_sorted_kafka``: time of the Faust pipeline (one worker, 8 partitions) on a log in random
order over the same log in time order (400,000 events; quick 12,000), the shuffled run waiting for late events for
ever (`--max-lateness none`; its document is compared with the in-process one waiting for ever). Target <= 1.2.
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import agreement, stream_runs

TARGET = 1.2


def run(size: str) -> Figure:
    r = stream_runs(size)
    s, sh = r["sorted"], r["shuffled"]
    return Figure(
        name="shuffled_vs_sorted_kafka", ratio=sh["wall_s"] / max(s["wall_s"], 1e-3), target=TARGET, better="lower",
        unit="seconds (shuffled / sorted)",
        baseline={"what": "Faust pipeline, 1 worker, log in time order", **s, "rate": s["wall_rate"]},
        measured={"what": "Faust pipeline, 1 worker, the same log shuffled", **sh, "rate": sh["wall_rate"]},
        extra=agreement(r, "sorted", "shuffled"),
    )
