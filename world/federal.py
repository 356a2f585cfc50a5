"""Federal agencies (ICE HSI and ERO, CBP, FBI, ATF, Secret Service, NCIS, Postal Inspection Service):
they are not eligible to ask Ring owners, so they try (a ``footage_request`` the platform refuses and the
judge gates), then ask a local partner directly (platform ``direct``: no platform in between), who
obtains the footage and hands it over (see :mod:`world.police`).

>>> from scenarios.load import load_scenario
>>> from world.bus import LocalBus
>>> from world.world import World
>>> s = load_scenario("default"); bus = LocalBus()
>>> f = FederalService(s, 5, bus, World(s, 5)); f.attach(); f.start()
>>> evs = bus.run(2)
>>> [e["platform"] for e in evs], evs[0]["requester"] == evs[1]["requester"]
(['ring', 'direct'], True)
"""

from __future__ import annotations

from world.base import DAY, HOUR, Service, poisson
from world.bus import iso

__all__ = ["FederalService"]


class FederalService(Service):
    """The federal agencies that lean on local partners."""

    name = "federal"
    _asks = 0

    def day(self, day_start: int) -> None:
        # What a federal agent wants footage of: somewhere something happened in a partner's area lately.
        recent = [inc for k in (1, 2, 3) for inc in self.world.incidents(day_start - k * DAY)]
        for fp in self.s.federal:
            spots = [inc for inc in recent if inc.agency in fp.partners]
            if not spots:
                continue
            for _ in range(poisson(self.rng, fp.asks_per_month / 30.4375)):
                inc = self.rng.choice(spots)
                t = day_start + self.rng.randint(0, DAY - 1)
                start = inc.t - self.rng.randint(HOUR, 4 * HOUR)
                end = min(t - 60, inc.t + self.rng.randint(HOUR, 4 * HOUR))
                self._asks += 1
                code = f"{fp.federal[7:].upper()}-{self._asks:05d}"
                common = {
                    "requester": fp.federal,
                    "area": {"lat": inc.lat, "lon": inc.lon, "radius_m": 400.0},
                    "window": {"start": iso(start), "end": iso(end)},
                    "investigation_code": code,
                    "purpose": fp.purpose,
                }
                self.emit(
                    "footage_request",
                    t,
                    request_id=f"fed-{self._asks:05d}",
                    platform=self.s.channel.request_platform,
                    **common,
                )
                self.emit(
                    "footage_request",
                    t + self.rng.randint(HOUR, 2 * DAY),
                    request_id=f"fed-{self._asks:05d}-ask",
                    platform="direct",
                    **common,
                )
