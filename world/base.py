"""What every simulated service shares: its own random stream, event ids, daily timers, geometry.

Each service draws from ``random.Random("<seed>:<service>")``: no global random state, no wall clock.

>>> abs(distance(*offset(40.0, -88.0, 300.0, 400.0), 40.0, -88.0) - 500) < 2
True
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from scenarios.model import Scenario
from schemas.geo import distance_m
from world.bus import TOPIC_OF, Bus, iso, ts

__all__ = ["Service", "DAY", "HOUR", "offset", "distance", "poisson", "Deliverer"]

DAY = 86_400
HOUR = 3_600
distance = distance_m


def offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point ``east_m`` east and ``north_m`` north of (lat, lon), rounded to about 1 cm."""
    dlat = north_m / 111_320.0
    dlon = east_m / (111_320.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 7), round(lon + dlon, 7)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth; a normal approximation for large means).

    >>> poisson(random.Random(1), 0.0)
    0
    """
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class Service:
    """A simulated service attached to a bus; subclasses subscribe in ``attach`` and plan days in ``day``."""

    name = "service"

    def __init__(self, scenario: Scenario, seed: int, bus: Bus, world: Any) -> None:
        self.s = scenario
        self.b = scenario.behaviour
        self.bus = bus
        self.world = world
        self.rng = random.Random(f"{seed}:{self.name}")
        self.registry = world.registry
        self._n = 0

    def attach(self) -> None:
        """Subscribe to topics (default: none)."""

    def start(self) -> None:
        """Schedule the first day."""
        self.bus.call_at(self.s.start_ts, lambda: self._tick(self.s.start_ts))

    def _tick(self, day_start: int) -> None:
        self.day(day_start)
        self.bus.call_at(day_start + DAY, lambda: self._tick(day_start + DAY))

    def day(self, day_start: int) -> None:
        """Plan one day's events (default: nothing)."""

    def uniform(self, r: Sequence[float]) -> float:
        """A draw from a [low, high] range."""
        return self.rng.uniform(r[0], r[1])

    def emit(self, type_: str, t: int, **fields: Any) -> dict[str, Any]:
        """Publish one event of this service at time ``t``; ids are ``<service>-<n>``, in emission order."""
        self._n += 1
        ev = {
            "event_id": f"{self.name}-{self._n:07d}",
            "type": type_,
            "occurred_at": iso(t),
            "source": f"sim:{self.name}",
            **fields,
        }
        self.bus.publish(TOPIC_OF[type_], ev)
        return ev


class Deliverer(Service):
    """A platform that hands shared clips to the requester (Ring's portal, Axon's evidence store, Flock)."""

    via = "platform:ring"
    delivery = "ring"

    def attach(self) -> None:
        self.requests: dict[str, dict[str, Any]] = {}
        if self.s.channel.delivery != self.delivery:
            return
        self.bus.subscribe("footage-requests", self._remember)
        self.bus.subscribe("consent-decisions", self._deliver)

    def _remember(self, ev: dict[str, Any]) -> None:
        self.requests[ev["request_id"]] = ev

    def _deliver(self, ev: dict[str, Any]) -> None:
        req = self.requests.get(ev["request_id"])
        if req is None or ev["decision"] != "share":
            return
        t = ts(ev["occurred_at"])
        for clip in ev["clip_ids"]:
            t += self.rng.randint(1, 600)
            self.emit(
                "transfer",
                t,
                clip_id=clip,
                from_party=ev["owner"],
                to_party=req["requester"],
                basis="consent",
                purpose=req["purpose"],
                request_id=req["request_id"],
                via=self.via,
            )
