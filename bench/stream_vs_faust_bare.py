"""``stream_vs_faust_bare``: custodiet's worker (one process, 8 partitions: validate, de-duplicate, judge,
write verdicts and custody records, keep its tables) over a bare Faust agent that only consumes the same
input topics, both measured in the same run on the same lines. Target >= 0.5.
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import agreement, stream_runs

TARGET = 0.5


def run(size: str) -> Figure:
    r = stream_runs(size)
    one, bare = r["one"], r["bare"]
    return Figure(
        name="stream_vs_faust_bare", ratio=one["wall_rate"] / max(bare["wall_rate"], 1), target=TARGET,
        unit="events/s",
        baseline={"what": "bare Faust agent that only consumes the input topics, 1 worker", **bare,
                  "rate": bare["wall_rate"]},
        measured={"what": "custodiet's Faust worker, 1 process: first send to every input accounted for", **one,
                  "rate": one["wall_rate"]},
        extra=agreement(r, "one"),
    )
