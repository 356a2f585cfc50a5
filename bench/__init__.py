"""Benchmarks: every figure is a ratio against a baseline measured in the same run.

``python -m bench [--quick]`` runs every figure, prints a table and writes ``bench/results.json``.
Each figure module has ``run(size) -> Figure``; ``size`` is ``"full"``, ``"quick"`` or ``"smoke"`` (the
tiny run the test suite uses to exercise the code paths; its numbers mean nothing).
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Figure", "SIZES", "best_of", "machine", "realistic_lines", "scaled_lines", "percentile"]

SIZES = ("full", "quick", "smoke")


@dataclass
class Figure:
    """One benchmark figure: ``ratio`` = measured over a baseline measured in the same run, with its target.

    ``better`` says which way the target points: ``"higher"`` (ratio >= target) or ``"lower"`` (ratio <=
    target, e.g. shuffled over sorted time). ``kind="value"`` is a figure that is not a ratio (bytes per
    event over the process's own baseline): it is written as ``value``.
    """

    name: str
    ratio: float
    target: float
    unit: str
    baseline: dict[str, Any]
    measured: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    better: str = "higher"
    kind: str = "ratio"

    @property
    def meets(self) -> bool:
        ok = self.ratio >= self.target if self.better == "higher" else self.ratio <= self.target
        return bool(ok and self.extra.get("all_targets_met", True))

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            self.kind: round(self.ratio, 4), "target": self.target, "better": self.better, "meets": self.meets,
            "baseline": self.baseline, "measured": self.measured, "unit": self.unit,
        }
        if self.extra:
            doc["extra"] = self.extra
        if self.note:
            doc["note"] = self.note
        return doc


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Shortest wall time of ``repeats`` calls (the least disturbed by the rest of the machine)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, nearest-rank on sorted values."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return s[k]


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {
        "python": platform.python_version(), "implementation": platform.python_implementation(),
        "platform": platform.platform(), "cpus": os.cpu_count(),
    }
    try:
        load = os.getloadavg()
        info["loadavg_at_start"] = [round(x, 2) for x in load]
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for mod in ("pydantic", "pydantic_core", "faust", "aiokafka", "networkx"):
        try:
            m = __import__(mod)
            info[mod] = getattr(m, "__version__", getattr(m, "VERSION", "?"))
        except ImportError:
            pass
    return info


_LINES: dict[tuple[str, int, int], list[bytes]] = {}


def realistic_lines(n: int, seed: int = 7, scenario: str = "default") -> list[bytes]:
    """``n`` JSONL lines from the simulated services (``simulate(scenario, seed, n)``), cached per process."""
    key = (scenario, seed, n)
    if key not in _LINES:
        from world.simulate import event_line, simulate

        _LINES[key] = [event_line(e).encode() for e in simulate(scenario, seed, n)]
    return _LINES[key]


def scaled_lines(n: int, seed: int = 7, base: int = 100_000) -> list[bytes]:
    """``n`` lines made of copies of ``realistic_lines(min(n, base))``: copy ``k`` renames every event, clip
    and request id (``k<k>-...``), so the copies are distinct events with the same shape and times. Much
    faster than simulating a million events; the judge's work per event is the same.

    >>> a, b = scaled_lines(3, base=2)[1:]
    >>> b.replace(b'"k1-', b'"') == realistic_lines(2)[0]
    True
    """
    src = realistic_lines(min(n, base), seed)
    out = src[:n]
    k = 0
    while len(out) < n:
        k += 1
        tag = f"k{k}-".encode()
        for raw in src[: n - len(out)]:
            out.append(raw.replace(b'"event_id":"', b'"event_id":"' + tag).replace(
                b'"clip_id":"', b'"clip_id":"' + tag).replace(b'"request_id":"', b'"request_id":"' + tag))
    return out
