"""``faust_bare_consume``: Faust's own ceiling on this machine, in the same run: a bare agent that only consumes
the same input topics (``bench.faust_bare``: same settings and batching as the custodiet worker, one record
per batch) over the in-process ``check`` of the same lines. Target >= 0.3, the rate ``stream_vs_in_process``
asks of custodiet's worker: below it, that target is beyond what Faust itself allows here.
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import stream_runs

TARGET = 0.3


def run(size: str) -> Figure:
    r = stream_runs(size)
    bare, base = r["bare"], r["in_process"]
    return Figure(
        name="faust_bare_consume", ratio=bare["wall_rate"] / max(base["wall_rate"], 1), target=TARGET,
        unit="events/s",
        baseline={"what": "judge.pipeline.run_check on the same lines (best of 3), in this process", **base,
                  "rate": base["wall_rate"]},
        measured={"what": "bare Faust agent, 1 worker, 8 partitions: first send to every input read", **bare,
                  "rate": bare["wall_rate"], "join_s": r["join_s"]["bare"]},
    )
