"""``worker_cpu_per_event_4_vs_1``: CPU seconds per event summed over every worker process (user + system,
from ``/proc``), with 4 workers over 1 worker on 8 partitions, same input. Target <= 1.15: adding workers
repeats no work per worker (beyond holding requests and consent decisions once each) and adds no
coordination that grows with them. Needs no more cores than the machine has. 2 workers reported beside it,
and the same ratio less what the workers burn while idle (Faust's heartbeats, commits and timers).
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import agreement, stream_runs

TARGET = 1.15


def run(size: str) -> Figure:
    r = stream_runs(size)
    one, two, four = r["one"], r["two"], r["four"]
    return Figure(
        name="worker_cpu_per_event_4_vs_1", ratio=four["cpu_s"] / max(one["cpu_s"], 1e-6), target=TARGET,
        better="lower", unit="CPU seconds per event, all workers",
        baseline={"what": "1 worker, 8 partitions", "cpu_s": one["cpu_s"], "events": one["events"],
                  "cpu_us_per_event": one["cpu_us_per_event"]},
        measured={"what": "4 workers, 8 partitions", "cpu_s": four["cpu_s"], "events": four["events"],
                  "cpu_us_per_event": four["cpu_us_per_event"]},
        extra={**agreement(r, "one", "four"),
               "two_workers": {"cpu_s": two["cpu_s"], "cpu_us_per_event": two["cpu_us_per_event"],
                               "ratio_over_one": round(two["cpu_s"] / max(one["cpu_s"], 1e-6), 3)},
               "less_idle": {"what": "the same, less what the workers burn idle (CPU/s measured before the run, "
                                     "times the run's wall time)",
                             "one_cpu_s": one["cpu_s_less_idle"], "four_cpu_s": four["cpu_s_less_idle"],
                             "ratio": round(four["cpu_s_less_idle"] / max(one["cpu_s_less_idle"], 1e-6), 3),
                             "idle_cpu_s_per_s": {"one": one["idle_cpu_s_per_s"],
                                                  "four": four["idle_cpu_s_per_s"]}}},
    )
