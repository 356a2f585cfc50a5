"""``two_workers_vs_one``: wall-clock rate of the Faust pipeline with two worker processes (one consumer
group, 8 partitions per topic) over one worker, same broker, same input. Target >= 1.6 on 2-core machines:
on a machine shared with other work, see ``worker_cpu_per_event_4_vs_1`` for what does not depend on free cores.
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import agreement, stream_runs

TARGET = 1.6


def run(size: str) -> Figure:
    r = stream_runs(size)
    one, two = r["one"], r["two"]
    return Figure(
        name="two_workers_vs_one", ratio=two["wall_rate"] / max(one["wall_rate"], 1), target=TARGET,
        unit="events/s",
        baseline={"what": "Faust pipeline, 1 worker process", **one, "rate": one["wall_rate"]},
        measured={"what": "Faust pipeline, 2 worker processes in one group", **two, "rate": two["wall_rate"],
                  "join_s": r["join_s"]["two"]},
        extra=agreement(r, "one", "two"),
    )
