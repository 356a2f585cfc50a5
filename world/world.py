"""The simulated world both Ring's cameras and the police see: incidents in neighbourhoods.

Not a service: nobody publishes it. Cameras record an incident because it happened in front of them;
police learn of it from a report. Each day's incidents come from their own random stream
(``"<seed>:world:<day>"``), so they do not depend on who asks first.

>>> from scenarios.load import load_scenario
>>> w = World(load_scenario("default"), seed=1)
>>> a = w.incidents(w.scenario.start_ts); b = w.incidents(w.scenario.start_ts)
>>> a == b and all(i.agency.startswith("agency:") for i in a)
True
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

from scenarios.model import Neighbourhood, Scenario
from world.base import DAY, offset, poisson

__all__ = ["World", "Incident", "INCIDENT_KINDS"]

INCIDENT_KINDS = (
    "package theft",
    "burglary",
    "vehicle break-in",
    "vandalism",
    "stolen vehicle",
    "assault",
    "hit and run",
    "robbery",
    "suspicious person",
    "shooting",
)


@dataclass(frozen=True)
class Incident:
    """Something that happened at ``t`` near (lat, lon) in a neighbourhood policed by ``agency``."""

    id: str
    t: int
    agency: str
    neighbourhood: str
    lat: float
    lon: float
    kind: str


class World:
    """Neighbourhoods, incidents and the scenario's party registry."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.registry = scenario.registry()
        self.by_agency: dict[str, list[Neighbourhood]] = {}
        for nb in scenario.neighbourhoods:
            self.by_agency.setdefault(nb.agency, []).append(nb)
        self._day = lru_cache(maxsize=8)(self._incidents)

    def incidents(self, day_start: int) -> tuple[Incident, ...]:
        """Incidents of the day starting at ``day_start`` (the same answer every time)."""
        return self._day(day_start)

    def _incidents(self, day_start: int) -> tuple[Incident, ...]:
        rng = random.Random(f"{self.seed}:world:{day_start // DAY}")
        per_day = self.scenario.behaviour.requests_per_agency_per_month / 30.4375
        out = []
        for agency, nbs in self.by_agency.items():
            for k in range(poisson(rng, per_day)):
                nb = rng.choice(nbs)
                r = nb.radius_m * 0.6 * math.sqrt(rng.random())
                a = rng.uniform(0, 2 * math.pi)
                lat, lon = offset(nb.lat, nb.lon, r * math.cos(a), r * math.sin(a))
                t = day_start + rng.randint(0, DAY - 1)
                out.append(
                    Incident(
                        f"inc-{day_start // DAY}-{agency.split(':')[1]}-{k}",
                        t,
                        agency,
                        nb.id,
                        lat,
                        lon,
                        rng.choice(INCIDENT_KINDS),
                    )
                )
        out.sort(key=lambda i: (i.t, i.id))
        return tuple(out)
