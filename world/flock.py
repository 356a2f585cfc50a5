"""Flock Safety: plate cameras owned by agencies, agency-to-agency access grants (the real NC sharing
network), searches with free-text reasons (some typed on behalf of a federal agency), and, in the 2025
what-if, Community Requests whose shared video Flock packages and delivers (``via`` ``platform:flock``).

A search that hits yields a plate read: a ``clip_recorded`` with platform ``flock`` owned by the camera's
agency, handed to the searcher (basis ``lookup``) and, for a federal ask, on to the federal agency.

>>> from scenarios.load import load_scenario
>>> from world.bus import LocalBus
>>> from world.world import World
>>> s = load_scenario("ring-2025-community"); bus = LocalBus()
>>> f = FlockService(s, 3, bus, World(s, 3)); f.attach(); f.start()
>>> evs = bus.run(len(s.flock_grants) + 5)
>>> evs[0]["type"], evs[-1]["type"] in ("search", "clip_recorded", "transfer")
('access_grant', True)
"""

from __future__ import annotations

import itertools
from typing import Any

from world.base import DAY, HOUR, Deliverer, poisson

__all__ = ["FlockService"]


class FlockService(Deliverer):
    """FlockOS / Nova."""

    name = "flock"
    via = "platform:flock"
    delivery = "flock"

    def attach(self) -> None:
        super().attach()
        self.grants_to: dict[str, list[str]] = {}
        for g in self.s.flock_grants:
            self.grants_to.setdefault(g.grantee, []).append(g.grantor)
        self.searchers = [a for a in self.s.agencies if a.flock_searches_per_day > 0]
        self.feds_of: dict[str, list[Any]] = {}
        for fp in self.s.federal:
            if fp.search_reasons:
                for p in fp.partners:
                    self.feds_of.setdefault(p, []).append(fp)
        reasons = self.b.search_reasons
        self._reasons = [r for r, _ in reasons]
        self._cum = list(itertools.accumulate(w for _, w in reasons))
        self._reads = 0

    def start(self) -> None:
        names = {a.id: a.name for a in self.s.agencies}
        for g in self.s.flock_grants:
            self.emit(
                "access_grant",
                self.s.start_ts,
                grantor=g.grantor,
                grantee=g.grantee,
                system="flock",
                scope="alpr-search",
                grantor_name=names[g.grantor],
                grantee_name=names[g.grantee],
            )
        super().start()

    def day(self, day_start: int) -> None:
        b = self.b
        plan = []
        for agency in self.searchers:
            for _ in range(poisson(self.rng, agency.flock_searches_per_day)):
                plan.append((day_start + self.rng.randint(HOUR, DAY - 1), agency.id))
        plan.sort()
        for t, searcher in plan:
            fed = None
            feds = self.feds_of.get(searcher, [])
            if feds and self.rng.random() < b.federal_lookup_share:
                fed = self.rng.choice(feds)
                reason = self.rng.choice(fed.search_reasons)
            else:
                reason = self.rng.choices(self._reasons, cum_weights=self._cum)[0]
            grantors = self.grants_to.get(searcher, [])
            fields: dict[str, Any] = {
                "searcher": searcher,
                "reason": reason,
                "networks_searched": 1 + len(grantors) + int(self.uniform(b.networks_per_search)),
                "cameras_searched": int(self.uniform(b.cameras_per_search)),
            }
            if fed is not None:
                fields["on_behalf_of"] = fed.federal
            self.emit("search", t, **fields)
            if self.rng.random() < b.flock_hit_rate:
                self._hit(day_start, t, searcher, grantors, reason, fed)

    def _hit(self, day_start: int, t: int, searcher: str, grantors: list[str], reason: str, fed: Any) -> None:
        owner = self.rng.choice([searcher, *grantors])
        self._reads += 1
        clip = f"flock-read-{self._reads:07d}"
        read_at = self.rng.randint(day_start, t - 60)
        self.emit(
            "clip_recorded",
            read_at,
            clip_id=clip,
            owner=owner,
            platform="flock",
            camera_id=f"flock:{owner[7:]}-{self.rng.randint(1, 40)}",
            retention_days=self.b.flock_retention_days,
        )
        if owner != searcher:
            self.emit(
                "transfer",
                t + 1,
                clip_id=clip,
                from_party=owner,
                to_party=searcher,
                basis="lookup",
                purpose=reason,
                via="platform:flock",
            )
        if fed is not None:
            self.emit(
                "transfer",
                t + self.rng.randint(600, DAY),
                clip_id=clip,
                from_party=searcher,
                to_party=fed.federal,
                basis="lookup",
                purpose=reason,
            )
