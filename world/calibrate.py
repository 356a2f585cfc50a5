"""What a run produced next to each fact its scenario is calibrated on.

>>> from scenarios.load import load_scenario
>>> from world.simulate import simulate
>>> s = load_scenario("default")
>>> rows = calibration(s, simulate(s, seed=1, n_events=3000))
>>> rows[0].metric, isinstance(rows[0].produced, float)
('consent_asks_per_request', True)
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from classify.purposes import classify_reason
from scenarios.model import Scenario
from world.bus import ts

__all__ = ["CalibrationRow", "calibration", "measure", "MEASURES"]

Events = Sequence[dict[str, Any]]
_MONTH = 30.4375 * 86_400


@dataclass(frozen=True)
class CalibrationRow:
    """One fact: what the run produced, the target, the tolerance, and whether it is within it."""

    fact: str
    metric: str
    produced: float
    target: float
    tolerance: float
    ok: bool
    basis: str
    source: str
    sample: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def _local_requests(s: Scenario, events: Events) -> list[dict[str, Any]]:
    reg = s.registry()
    return [
        e
        for e in events
        if e["type"] == "footage_request"
        and e["platform"] == s.channel.request_platform
        and reg.kind_of(e["requester"]) in s.channel.eligible_kinds
    ]


def _span(s: Scenario, events: Events) -> float:
    return max(1.0, ts(events[-1]["occurred_at"]) - s.start_ts) if events else 1.0


def _asks(s: Scenario, events: Events) -> tuple[float, int]:
    # Requests old enough for every owner to have answered (the run's last 3 days are left out).
    cutoff = ts(events[-1]["occurred_at"]) - 3 * 86_400 if events else 0
    reqs = {e["request_id"] for e in _local_requests(s, events) if ts(e["occurred_at"]) <= cutoff}
    n = sum(1 for e in events if e["type"] == "consent_decision" and e["request_id"] in reqs)
    return (n / len(reqs) if reqs else 0.0), len(reqs)


def _volume(s: Scenario, events: Events) -> tuple[float, int]:
    reqs = [e for e in _local_requests(s, events) if not e["request_id"].startswith("fed-")]
    agencies = max(1, len(s.request_agencies()))
    return len(reqs) / agencies / (_span(s, events) / _MONTH), len(reqs)


def _overbroad(s: Scenario, events: Events) -> tuple[float, int]:
    reqs = _local_requests(s, events)
    long = sum(1 for e in reqs if ts(e["window"]["end"]) - ts(e["window"]["start"]) > 12 * 3600)
    return (long / len(reqs) if reqs else 0.0), len(reqs)


def _emergency(s: Scenario, events: Events) -> tuple[float, int]:
    n = sum(1 for e in events if e["type"] == "transfer" and e["basis"] == "emergency")
    half_years = _span(s, events) / (182.625 * 86_400)
    return n / max(1, len(s.request_agencies())) / half_years, n


def _searches(events: Events) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "search"]


def _federal_share(s: Scenario, events: Events) -> tuple[float, int]:
    reg = s.registry()
    found = _searches(events)
    fed = sum(
        1
        for e in found
        if (e.get("on_behalf_of") and reg.kind_of(e["on_behalf_of"]) == "federal")
        or classify_reason(e["reason"]) == "immigration"
    )
    return (fed / len(found) if found else 0.0), len(found)


def _placeholder(s: Scenario, events: Events) -> tuple[float, int]:
    found = _searches(events)
    bad = sum(1 for e in found if classify_reason(e["reason"]) == "unspecified")
    return (bad / len(found) if found else 0.0), len(found)


def _cameras(s: Scenario, events: Events) -> tuple[float, int]:
    cams = [e["cameras_searched"] for e in _searches(events) if "cameras_searched" in e]
    return (float(statistics.median(cams)) if cams else 0.0), len(cams)


#: metric name -> function (scenario, events) -> (value, sample size)
MEASURES: dict[str, Callable[[Scenario, Events], tuple[float, int]]] = {
    "consent_asks_per_request": _asks,
    "requests_per_agency_per_month": _volume,
    "overbroad_window_share": _overbroad,
    "emergency_per_agency_per_half_year": _emergency,
    "federal_search_share": _federal_share,
    "placeholder_reason_share": _placeholder,
    "median_cameras_per_search": _cameras,
}


def measure(scenario: Scenario, events: Events, metric: str) -> tuple[float, int]:
    """``(value, sample size)`` of one metric over a run's events (sorted by time)."""
    return MEASURES[metric](scenario, events)


def calibration(scenario: Scenario, events: Events) -> list[CalibrationRow]:
    """One row per calibration fact of the scenario, in file order."""
    rows = []
    for fact in scenario.calibration:
        value, n = measure(scenario, events, fact.metric)
        value = round(value, 4)
        rows.append(
            CalibrationRow(
                fact.id,
                fact.metric,
                value,
                fact.value,
                fact.tolerance,
                abs(value - fact.value) <= fact.tolerance,
                fact.basis,
                fact.source,
                n,
            )
        )
    return rows
