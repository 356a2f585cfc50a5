"""``stream_vs_in_process``: the Faust pipeline end to end (produce the log to the input topics, one worker
process judges it, until every input is accounted for) over the in-process ``check`` of the same lines.
Target >= 0.3. Worker start-up and the group join are left out (see ``bench.streaming``); each of the
1-, 2- and 4-worker runs must give the in-process document (``bench.streaming.agreement``).
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import agreement, stream_runs

TARGET = 0.3


def run(size: str) -> Figure:
    r = stream_runs(size)
    one, base = r["one"], r["in_process"]
    return Figure(
        name="stream_vs_in_process", ratio=one["wall_rate"] / max(base["wall_rate"], 1), target=TARGET,
        unit="events/s",
        baseline={"what": "judge.pipeline.run_check on the same lines (best of 3), in this process", **base,
                  "rate": base["wall_rate"]},
        measured={"what": "Faust pipeline, 1 worker, 8 partitions: first send to every input accounted for", **one,
                  "rate": one["wall_rate"], "join_s": r["join_s"]["one"]},
        extra=agreement(r, "one", "two", "four"),
    )
