"""``two_workers_vs_one``: the Faust pipeline's throughput with two worker processes (one consumer group,
4 partitions per topic) over one worker, same broker, same input. Target >= 1.6 on 2-core machines.
Both rates are from the first verdict record to the last, after every member of the group has joined.
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import stream_runs

TARGET = 1.6


def run(size: str) -> Figure:
    r = stream_runs(size)
    one, two = r["one"], r["two"]
    return Figure(
        name="two_workers_vs_one", ratio=two["rate"] / max(one["rate"], 1), target=TARGET, unit="events/s",
        baseline={"what": "Faust pipeline, 1 worker process", **one},
        measured={"what": "Faust pipeline, 2 worker processes in one group", **two, "join_s": r["join_s"]["two"]},
    )
