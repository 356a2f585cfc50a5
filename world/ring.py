"""Ring: owners and cameras in neighbourhoods, clips uploaded to the cloud (kept ``retention_days``), public
posts on Neighbors, the fan-out of a police request to every owner in its area (share, decline, ignore),
deliveries through its portal (2018-2024 eras), and disclosures on warrants, subpoenas and emergencies.

>>> from scenarios.load import load_scenario
>>> from world.bus import LocalBus
>>> from world.world import World
>>> s = load_scenario("default"); w = World(s, 1)
>>> ring = RingService(s, 1, LocalBus(), w); ring.attach()
>>> len(ring.owners) == sum(n.owners for n in s.neighbourhoods)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from world.base import DAY, HOUR, Deliverer, distance, offset, poisson
from world.bus import ts

__all__ = ["RingService", "Owner"]

_BASIS = {"warrant": "warrant", "court_order": "warrant", "subpoena": "subpoena", "emergency": "emergency"}


@dataclass
class Owner:
    """A camera owner (``resident:<neighbourhood>-<n>``) and the clips Ring holds for them, in time order."""

    id: str
    neighbourhood: str
    lat: float
    lon: float
    cameras: int
    retention_days: int
    clips: list[tuple[int, str]] = field(default_factory=list)


class RingService(Deliverer):
    """Ring's cloud, Neighbors and law-enforcement portal."""

    name = "ring"
    via = "platform:ring"
    delivery = "ring"

    def attach(self) -> None:
        super().attach()
        self.owners: list[Owner] = []
        self.by_nb: dict[str, list[Owner]] = {}
        self.clips: dict[str, tuple[int, Owner]] = {}
        for nb in self.s.neighbourhoods:
            group = []
            for i in range(nb.owners):
                r = nb.radius_m * math.sqrt(self.rng.random())
                a = self.rng.uniform(0, 2 * math.pi)
                lat, lon = offset(nb.lat, nb.lon, r * math.cos(a), r * math.sin(a))
                cams = 1 + poisson(self.rng, nb.cameras_per_owner - 1)
                group.append(
                    Owner(
                        f"resident:{nb.id}-{i + 1}",
                        nb.id,
                        lat,
                        lon,
                        cams,
                        self.rng.choice(self.b.retention_days),
                    )
                )
            self.by_nb[nb.id] = group
            self.owners.extend(group)
        self._clip_n = 0
        if self.s.channel.kind != "none":
            self.bus.subscribe("footage-requests", self._fan_out)
        self.bus.subscribe("legal-process", self._disclose)

    # -- cameras ---------------------------------------------------------------------------------------
    def record(self, owner: Owner, t: int) -> str:
        """A camera of ``owner`` records a clip at ``t``; it is uploaded to Ring's cloud a second later."""
        self._clip_n += 1
        clip = f"ring-clip-{self._clip_n:07d}"
        cam = self.rng.randint(1, owner.cameras)
        self.emit(
            "clip_recorded",
            t,
            clip_id=clip,
            owner=owner.id,
            platform="ring",
            location={"lat": owner.lat, "lon": owner.lon},
            camera_id=f"cam:{owner.id[9:]}-{cam}",
            retention_days=owner.retention_days,
        )
        self.emit(
            "transfer",
            t + 1,
            clip_id=clip,
            from_party=owner.id,
            to_party="platform:ring",
            basis="internal",
            purpose="cloud upload",
        )
        owner.clips.append((t, clip))
        self.clips[clip] = (t, owner)
        return clip

    def day(self, day_start: int) -> None:
        b = self.b
        plan: list[tuple[int, Owner]] = []
        for inc in self.world.incidents(day_start):
            for owner in self.by_nb[inc.neighbourhood]:
                if (
                    distance(owner.lat, owner.lon, inc.lat, inc.lon) <= b.capture_radius_m
                    and self.rng.random() < b.capture_probability
                ):
                    plan.append((inc.t + self.rng.randint(0, 600), owner))
        for nb in self.s.neighbourhoods:
            group = self.by_nb[nb.id]
            for _ in range(poisson(self.rng, len(group) * b.background_clips_per_owner_per_week / 7)):
                plan.append((day_start + self.rng.randint(0, DAY - 1), self.rng.choice(group)))
        plan.sort(key=lambda p: (p[0], p[1].id))
        for t, owner in plan:
            clip = self.record(owner, t)
            if self.rng.random() < b.public_post_rate:
                self.emit(
                    "transfer",
                    t + self.rng.randint(600, 6 * HOUR),
                    clip_id=clip,
                    from_party=owner.id,
                    to_party="public",
                    basis="public_post",
                    purpose="Neighbors post",
                )

    # -- requests --------------------------------------------------------------------------------------
    def _fan_out(self, req: dict[str, Any]) -> None:
        ch = self.s.channel
        if req["platform"] != ch.request_platform:
            return
        if self.registry.kind_of(req["requester"]) not in ch.eligible_kinds:
            return  # the platform refuses: federal agencies are not partners
        t = ts(req["occurred_at"])
        area, win = req["area"], req["window"]
        start, end = ts(win["start"]), ts(win["end"])
        b = self.b
        for nb in self.s.neighbourhoods:
            if distance(nb.lat, nb.lon, area["lat"], area["lon"]) > nb.radius_m + area["radius_m"]:
                continue
            for owner in self.by_nb[nb.id]:
                if distance(owner.lat, owner.lon, area["lat"], area["lon"]) > area["radius_m"]:
                    continue
                clips = [c for (ct, c) in owner.clips if start <= ct <= end]
                r = self.rng.random()
                decision = (
                    "share"
                    if r < b.share_rate
                    else "decline"
                    if r < b.share_rate + b.decline_rate
                    else "ignore"
                )
                if decision == "share" and not clips:
                    decision = "ignore"
                when = t + max(1, int(self.uniform(b.decision_delay_hours) * HOUR))
                self.emit(
                    "consent_decision",
                    when,
                    request_id=req["request_id"],
                    owner=owner.id,
                    decision=decision,
                    clip_ids=clips if decision != "ignore" else [],
                )

    # -- legal process ---------------------------------------------------------------------------------
    def _disclose(self, lp: dict[str, Any]) -> None:
        if lp["platform"] != "ring":
            return
        t = ts(lp["occurred_at"])
        basis = _BASIS[lp["kind"]]
        delay = (600, 4 * HOUR) if basis == "emergency" else (DAY, 10 * DAY)
        for clip in lp["clip_ids"]:
            known = self.clips.get(clip)
            if known is None:
                continue
            recorded, owner = known
            when = t + self.rng.randint(*delay)
            if when - recorded > owner.retention_days * DAY:
                continue  # expired: Ring no longer has it
            self.emit(
                "transfer",
                when,
                clip_id=clip,
                from_party="platform:ring",
                to_party=lp["requester"],
                basis=basis,
                purpose=f"{lp['kind']} {lp['request_id']}",
                request_id=lp["request_id"],
            )
