"""``stream_vs_plain_loop``: the Faust pipeline end to end (raw in -> intake -> judge-in -> judge -> verdict
and custody edge out; ``streams.app`` in one worker process) over a plain aiokafka consume-judge-produce
loop doing the same work in one process, on the same broker and the same input. Target >= 0.5.
Also the pipeline over the naive Faust agent (one ``faust.Record`` and one ``await send`` per event):
target >= 5. Rates exclude worker start-up and the group join (see ``bench.streaming``).
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import stream_runs

TARGET = 0.5
NAIVE_TARGET = 5.0


def run(size: str) -> Figure:
    r = stream_runs(size)
    one, plain, naive = r["one"], r["plain"], r["naive"]
    over_naive = one["rate"] / max(naive["rate"], 1)
    checks = {"over_naive_at_least_5x": over_naive >= NAIVE_TARGET}
    return Figure(
        name="stream_vs_plain_loop", ratio=one["rate"] / max(plain["rate"], 1), target=TARGET, unit="events/s",
        baseline={"what": "plain aiokafka loop in one process: decode, de-duplicate, PartitionJudge per partition, "
                          "produce verdicts, violations, custody edges (no judge-in hop, no changelogs)",
                  **plain},
        measured={"what": "Faust pipeline (streams.app), 1 worker process, first to last verdict record", **one,
                  "join_s": r["join_s"]["one"]},
        extra={"naive_faust_agent": {**naive, "what": "faust.Record + await send per event, no judging"},
               "ratio_over_naive": round(over_naive, 3), "naive_target": NAIVE_TARGET, "checks": checks,
               "all_targets_met": all(checks.values())},
    )
