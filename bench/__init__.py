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

__all__ = ["Figure", "SIZES", "best_of", "machine", "realistic_lines", "percentile"]

SIZES = ("full", "quick", "smoke")


@dataclass
class Figure:
    """One benchmark figure: ``ratio`` = measured / baseline (higher is better), with its target."""

    name: str
    ratio: float
    target: float
    unit: str
    baseline: dict[str, Any]
    measured: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def meets(self) -> bool:
        return bool(self.ratio >= self.target and self.extra.get("all_targets_met", True))

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "ratio": round(self.ratio, 4), "target": self.target, "meets": self.meets,
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
