"""``check_broker_vs_raw_kafka``: the marginal rate of ``check --broker`` (produce the log, judge it on one
worker, read back the accounting until every input is accounted for; start-up and join left out) over a raw
aiokafka produce + consume of the same bytes on the same broker. Target >= 0.25.
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import agreement, stream_runs

TARGET = 0.25


def run(size: str) -> Figure:
    r = stream_runs(size)
    one, raw = r["one"], r["raw"]
    return Figure(
        name="check_broker_vs_raw_kafka", ratio=raw["wall_s"] / max(one["wall_s"], 1e-3), target=TARGET,
        unit="events/s",
        baseline={"what": "aiokafka: produce every line, consume them all back (8 partitions)", **raw,
                  "rate": raw["wall_rate"]},
        measured={"what": "check --broker's work once its worker is up: produce, judge, collect", **one,
                  "rate": one["wall_rate"]},
        extra=agreement(r, "one"),
    )
