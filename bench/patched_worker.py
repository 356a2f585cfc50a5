"""A pipeline worker with experimental patches applied before ``streams.app`` builds the app, to measure
what a change to ``streams/app.py`` or ``streams/partition_judge.py`` would buy without editing them.

``BENCH_PATCHES`` (comma-separated): ``batch`` (take 5,000 events or 0.5 s per batch instead of 1,000 or
50 ms), ``rules`` (a re-judgement reuses the loaded rule sets instead of reading the TOML files again),
``gc`` (freeze start-up objects and raise the collector's thresholds), ``reorder`` (judge agent holds events
back until the batch is sorted across batches: a re-judgement only when an event is older than the
partition's judged history by more than one batch). Run: ``python -m bench.patched_worker worker ...``.
"""

from __future__ import annotations

import gc
import os

patches = {p for p in os.environ.get("BENCH_PATCHES", "").split(",") if p}

if "batch" in patches:
    import streams.app as app_module

    app_module.BATCH = 5000
    app_module.BATCH_WITHIN_S = 0.5

# "rules": re-judging reuses the loaded rule sets in judge.timeline itself now; nothing to patch.

from streams.app import create_app  # noqa: E402
from streams.config import StreamConfig  # noqa: E402

app = create_app(StreamConfig.from_env())

if "gc" in patches:
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)

if __name__ == "__main__":
    app.main()
