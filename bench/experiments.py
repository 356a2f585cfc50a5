"""``python -m bench.experiments [N]``: the one-worker pipeline rate with candidate changes to the streaming
code applied by monkeypatching (``bench.patched_worker``), each against the unpatched pipeline in the same
run. Not a figure: it backs the suggestions in ``bench/NOTES.md``.
"""

from __future__ import annotations

import json
import sys

from bench import realistic_lines
from bench.streaming import PARTITIONS, Pipeline, broker

VARIANTS = ("", "rules", "gc", "batch", "rules,gc,batch")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    lines = realistic_lines(n)
    results = {}
    with broker() as bootstrap:
        pools = {v: Pipeline(bootstrap, 1, PARTITIONS, patches=v) for v in VARIANTS}
        try:
            for p in pools.values():
                p.start()
            for v, p in pools.items():
                p.wait_ready()
                results[v or "unpatched"] = p.measure(lines)
                print(v or "unpatched", json.dumps(results[v or "unpatched"]), flush=True)
        finally:
            for p in pools.values():
                p.stop()


if __name__ == "__main__":
    main()
