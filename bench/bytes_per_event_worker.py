"""``bytes_per_event_worker``: a worker's peak resident memory over its resident memory once started and
joined (``/proc``: VmHWM - VmRSS), per event, after the 400,000-event time-ordered run (quick 12,000).
Target <= 500 bytes per event. The store the bench's workers use is in ``measured.store``.
"""

from __future__ import annotations

from bench import Figure
from bench.streaming import agreement, stream_runs

TARGET = 500.0


def run(size: str) -> Figure:
    r = stream_runs(size)
    s = r["sorted"]
    grown = max(s["rss_peak"] - s["rss_before"], 0)
    return Figure(
        name="bytes_per_event_worker", ratio=grown / max(s["events"], 1), target=TARGET, better="lower",
        kind="value", unit="bytes of peak RSS over the worker's baseline, per event",
        baseline={"what": "worker RSS once up and joined", "rss_bytes": s["rss_before"]},
        measured={"what": "worker peak RSS after the run", "rss_peak_bytes": s["rss_peak"], "events": s["events"],
                  "store": r.get("store", "memory://")},
        extra=agreement(r, "sorted"),
    )
