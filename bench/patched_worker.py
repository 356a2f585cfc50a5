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

if "rules" in patches:
    from judge.engine import Judge
    from streams.partition_judge import PartitionJudge

    _orig_rejudge = PartitionJudge._rejudge

    def _rejudge(self):  # type: ignore[no-untyped-def]
        loaded = self._judge
        from judge import engine

        real = engine.default_judge
        engine_default = real

        def reuse(names, registry=None):  # type: ignore[no-untyped-def]
            return Judge(loaded.rule_sets, registry, era_bound=loaded.era_bound)

        import streams.partition_judge as pj_module

        pj_module.default_judge = reuse
        try:
            return _orig_rejudge(self)
        finally:
            pj_module.default_judge = engine_default

    PartitionJudge._rejudge = _rejudge  # type: ignore[method-assign]

from streams.app import create_app  # noqa: E402
from streams.config import StreamConfig  # noqa: E402

app = create_app(StreamConfig.from_env())

if "gc" in patches:
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)

if __name__ == "__main__":
    app.main()
