"""Run the simulated services of a scenario on the in-process bus: exactly ``n_events`` events, sorted by
``occurred_at`` then ``event_id``; the same seed gives the same events (and the same bytes on disk).

>>> from scenarios.load import load_scenario
>>> s = load_scenario("default")
>>> a = simulate(s, seed=7, n_events=500)
>>> len(a), a == simulate(s, seed=7, n_events=500), a == simulate(s, seed=8, n_events=500)
(500, True, False)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from scenarios.load import load_scenario
from scenarios.model import Scenario
from world.axon import AxonService
from world.base import Service
from world.bus import Bus, LocalBus
from world.calibrate import CalibrationRow, calibration
from world.federal import FederalService
from world.flock import FlockService
from world.police import PoliceService
from world.ring import RingService
from world.world import World

__all__ = [
    "simulate",
    "calibration",
    "CalibrationRow",
    "build_services",
    "event_line",
    "write_events",
    "SERVICES",
]

#: The services, in the order they attach to the bus (the order is part of determinism).
SERVICES: tuple[type[Service], ...] = (RingService, AxonService, FlockService, PoliceService, FederalService)


def build_services(scenario: Scenario, seed: int, bus: Bus) -> list[Service]:
    """Attach every service of a scenario to ``bus`` and schedule their first day.

    >>> [s.name for s in build_services(load_scenario("default"), 1, LocalBus())]
    ['ring', 'axon', 'flock', 'police', 'federal']
    """
    world = World(scenario, seed)
    services = [cls(scenario, seed, bus, world) for cls in SERVICES]
    for svc in services:
        svc.attach()
    for svc in services:
        svc.start()
    return services


def simulate(
    scenario: Scenario | str, seed: int, n_events: int, progress: Callable[[int], None] | None = None
) -> list[dict[str, Any]]:
    """Exactly ``n_events`` events of ``scenario`` (a model, a name or a path), deterministic per ``seed``."""
    if isinstance(scenario, str):
        scenario = load_scenario(scenario)
    if n_events < 0:
        raise ValueError("n_events must be >= 0")
    bus = LocalBus()
    build_services(scenario, seed, bus)
    events = bus.run(n_events, progress) if n_events else []
    events.sort(key=lambda e: (e["occurred_at"], e["event_id"]))
    return events


def event_line(event: dict[str, Any]) -> str:
    """One event as one compact JSON line (no trailing newline).

    >>> event_line({"event_id": "e", "type": "search"})
    '{"event_id":"e","type":"search"}'
    """
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def write_events(events: Iterable[dict[str, Any]], out: str | Path | IO[str]) -> None:
    """Write events as ``.jsonl`` to a path or an open text stream."""
    if isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8", newline="\n") as fh:
            write_events(events, fh)
        return
    for ev in events:
        out.write(event_line(ev) + "\n")
