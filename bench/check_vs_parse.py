"""``check_vs_parse``: in-process validate + de-duplicate + judge (``judge.pipeline.run_check``), events/s,
over bare ``json.loads`` of the same lines (default scenario). Target >= 0.4.

Both sides get the same realistic lines (``simulate("default", seed, n)``) and the best of several
repeats; the first, cold ``run_check`` (rule sets read from disk, agency classifier cold) is reported too.
"""

from __future__ import annotations

import json
import time

from bench import Figure, best_of, realistic_lines

SETTINGS = {"full": (50_000, 5), "quick": (20_000, 3), "smoke": (500, 1)}
TARGET = 0.4


def run(size: str) -> Figure:
    n, repeats = SETTINGS[size]
    return compare("check_vs_parse", realistic_lines(n), repeats, TARGET, "simulate('default', 7, n)")


def compare(name: str, lines: list[bytes], repeats: int, target: float, source: str) -> Figure:
    """``run_check`` over ``json.loads`` on ``lines``, interleaved, best of ``repeats``."""
    from judge.pipeline import run_check

    n = len(lines)

    def parse() -> None:
        loads = json.loads
        for raw in lines:
            loads(raw)

    def check() -> None:
        run_check(enumerate(lines, start=1))

    t0 = time.perf_counter()
    res = run_check(enumerate(lines, start=1))
    cold = time.perf_counter() - t0
    doc = res.document()
    assert doc["events_in"] == n, doc["events_in"]
    dups = doc["duplicates"]
    t_parse = t_check = float("inf")
    for _ in range(repeats):  # interleaved, so that a busy moment hurts both sides alike
        t_parse = min(t_parse, best_of(parse, 1))
        t_check = min(t_check, best_of(check, 1))
    return Figure(
        name=name, ratio=t_parse / t_check, target=target, unit="events/s",
        baseline={"what": "json.loads of each line", "lines": source, "events": n, "rate": round(n / t_parse),
                  "us_per_event": round(t_parse / n * 1e6, 2)},
        measured={"what": "judge.pipeline.run_check (validate, de-duplicate, judge; all rule sets)", "events": n,
                  "rate": round(n / t_check), "us_per_event": round(t_check / n * 1e6, 2),
                  "cold_first_run_rate": round(n / cold), "processed": doc["processed"],
                  "violations": sum(doc["violations"].values()), "duplicates": dups, "repeats": repeats},
    )
