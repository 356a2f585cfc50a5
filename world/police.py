"""Local police, sheriffs, state police and fusion centers: they ask for footage (some requests
over-broad: a window over 12 hours or a radius too big), serve warrants and subpoenas, ask for emergency
disclosures, keep every clip they receive without expiry, pass clips to state, fusion and federal
partners, and act for federal agents who ask them (a request of their own, then a hand-over).

>>> from scenarios.load import load_scenario
>>> from world.bus import LocalBus
>>> from world.world import World
>>> s = load_scenario("default"); bus = LocalBus(); w = World(s, 2)
>>> p = PoliceService(s, 2, bus, w); p.attach(); p.start()
>>> {e["type"] for e in bus.run(5)}
{'footage_request'}
"""

from __future__ import annotations

from functools import partial
from typing import Any

from world.base import DAY, HOUR, Service, distance, offset, poisson
from world.bus import iso, ts

__all__ = ["PoliceService"]


class PoliceService(Service):
    """Every non-federal agency of the scenario."""

    name = "police"

    def attach(self) -> None:
        s = self.s
        self.ours = {a.id for a in s.agencies if a.kind != "federal"}
        self.links: dict[str, list[Any]] = {}
        for link in s.sharing:
            self.links.setdefault(link.from_party, []).append(link)
        self.partners_of = {fp.federal: fp for fp in s.federal}
        self.nbs = {nb.id: nb for nb in s.neighbourhoods}
        self.my_requests: dict[str, str] = {}  # request id -> requesting agency
        self.for_federal: dict[str, Any] = {}  # request / legal-process id -> FederalPartner
        self.seen: dict[str, set[str]] = {}  # clip -> parties it went to
        self.ring_clips: dict[str, list[tuple[int, str]]] = {}  # neighbourhood -> [(t, clip)]
        self._req = self._lp = 0
        self.bus.subscribe("clips", self._on_clip)
        self.bus.subscribe("consent-decisions", self._on_decision)
        self.bus.subscribe("transfers", self._on_transfer)
        self.bus.subscribe("footage-requests", self._on_ask)

    # -- what police learn -----------------------------------------------------------------------------
    def _on_clip(self, ev: dict[str, Any]) -> None:
        cam = ev.get("camera_id", "")
        if ev["platform"] == "ring" and cam.startswith("cam:"):
            self.ring_clips.setdefault(cam[4:].rsplit("-", 2)[0], []).append(
                (ts(ev["occurred_at"]), ev["clip_id"])
            )

    def _clips_near(self, nb: str, start: int, end: int) -> list[str]:
        return [c for t, c in self.ring_clips.get(nb, []) if start <= t <= end]

    # -- requests and legal process ---------------------------------------------------------------------
    def day(self, day_start: int) -> None:
        b = self.b
        for inc in self.world.incidents(day_start):
            if self.s.channel.kind == "none":
                if self.rng.random() < b.warrant_rate:
                    at = inc.t + self.rng.randint(DAY, 10 * DAY)
                    args = (inc.agency, inc.neighbourhood, inc.t - 2 * HOUR, inc.t + HOUR, at)
                    self.bus.call_at(at, partial(self._warrant_for, *args))
                continue
            t_req = inc.t + int(self.uniform(b.report_delay_hours) * HOUR)
            self.request(inc.agency, t_req, inc.lat, inc.lon, inc.t, inc.kind)
        per_day = b.emergency_per_agency_per_half_year / 182.625
        for agency, nbs in self.world.by_agency.items():
            for _ in range(poisson(self.rng, per_day)):
                at = day_start + self.rng.randint(0, DAY - 1)
                nb = self.rng.choice(nbs).id
                self.bus.call_at(at, partial(self._emergency, agency, nb, at))

    def request(
        self,
        agency: str,
        t: int,
        lat: float,
        lon: float,
        t_inc: int,
        purpose: str,
        overbroad: bool | None = None,
        window: tuple[int, int] | None = None,
    ) -> str:
        """Publish a footage request by ``agency`` at ``t`` about ``t_inc`` near (lat, lon); its id."""
        b = self.b
        if overbroad is None:
            overbroad = self.rng.random() < b.overbroad_share
        hours = self.uniform(b.overbroad_window_hours if overbroad else b.window_hours)
        wide = overbroad and self.rng.random() < 0.4
        radius = round(self.uniform(b.overbroad_radius_m if wide else b.radius_m))
        end = min(t - 60, t_inc + self.rng.randint(0, int(hours * HOUR / 2)))
        start = min(end - int(hours * HOUR), t_inc - 60)
        if window is not None:
            start, end = window[0], min(window[1], t - 60)
        self._req += 1
        rid = f"req-{agency[7:]}-{self._req:06d}"
        code = (
            None
            if self.rng.random() < b.missing_case_number_share
            else f"{agency[7:11].upper()}-{self._req:06d}"
        )
        clat, clon = offset(lat, lon, self.rng.uniform(-40, 40), self.rng.uniform(-40, 40))
        self.emit(
            "footage_request",
            t,
            request_id=rid,
            requester=agency,
            platform=self.s.channel.request_platform,
            area={"lat": clat, "lon": clon, "radius_m": radius},
            window={"start": iso(start), "end": iso(end)},
            investigation_code=code,
            purpose=purpose,
            **({"case_number": code} if code else {}),
        )
        self.my_requests[rid] = agency
        return rid

    def _legal(self, agency: str, at: int, kind: str, clips: list[str]) -> str:
        self._lp += 1
        lid = f"lp-{agency[7:]}-{self._lp:06d}"
        self.emit(
            "legal_process", at, request_id=lid, requester=agency, platform="ring", kind=kind, clip_ids=clips
        )
        return lid

    def _warrant_for(self, agency: str, nb: str, start: int, end: int, at: int) -> str | None:
        clips = self._clips_near(nb, start, end)[:6]
        if not clips:
            return None
        kind = "subpoena" if self.rng.random() < self.b.subpoena_share else "warrant"
        return self._legal(agency, at, kind, clips)

    def _emergency(self, agency: str, nb: str, at: int) -> None:
        recent = self._clips_near(nb, at - 2 * DAY, at)
        if recent:
            self._legal(agency, at, "emergency", [self.rng.choice(recent)])

    def _on_decision(self, ev: dict[str, Any]) -> None:
        agency = self.my_requests.get(ev["request_id"])
        if agency is None or ev["decision"] != "decline" or not ev["clip_ids"]:
            return
        if self.rng.random() < self.b.warrant_rate:
            kind = "subpoena" if self.rng.random() < self.b.subpoena_share else "warrant"
            lid = self._legal(
                agency, ts(ev["occurred_at"]) + self.rng.randint(DAY, 14 * DAY), kind, ev["clip_ids"]
            )
            if ev["request_id"] in self.for_federal:
                self.for_federal[lid] = self.for_federal[ev["request_id"]]

    # -- federal asks ----------------------------------------------------------------------------------
    def _on_ask(self, ev: dict[str, Any]) -> None:
        if ev["platform"] != "direct":
            return
        fp = self.partners_of.get(ev["requester"])
        if fp is None:
            return
        area = ev["area"]
        nb = next(
            (
                n
                for n in self.s.neighbourhoods
                if n.agency in fp.partners and distance(n.lat, n.lon, area["lat"], area["lon"]) <= n.radius_m
            ),
            None,
        )
        if nb is None:
            return
        t = ts(ev["occurred_at"])
        win_start, win_end = ts(ev["window"]["start"]), ts(ev["window"]["end"])
        if self.s.channel.kind == "none":
            at = t + self.rng.randint(DAY, 5 * DAY)

            def serve(nb_id: str = nb.id, agency: str = nb.agency, at: int = at) -> None:
                lid = self._warrant_for(agency, nb_id, win_start, win_end, at)
                if lid:
                    self.for_federal[lid] = fp

            self.bus.call_at(at, serve)
            return
        # A request of its own, for a case of its own: the federal purpose is not what the form says.
        honest = self.rng.random() < 0.2
        t_req = t + self.rng.randint(2 * HOUR, 3 * DAY)
        rid = self.request(
            nb.agency,
            t_req,
            area["lat"],
            area["lon"],
            (win_start + win_end) // 2,
            fp.purpose if honest else "investigation",
            overbroad=False,
            window=(win_start, win_end),
        )
        self.for_federal[rid] = fp

    # -- hand-overs ------------------------------------------------------------------------------------
    def _on_transfer(self, ev: dict[str, Any]) -> None:
        clip, to = ev["clip_id"], ev["to_party"]
        seen = self.seen.setdefault(clip, {ev["from_party"]})
        seen.add(to)
        if to not in self.ours:
            return
        t = ts(ev["occurred_at"])
        fp = self.for_federal.get(ev.get("request_id") or "")
        if fp is not None and fp.federal not in seen:
            seen.add(fp.federal)
            self.emit(
                "transfer",
                t + self.rng.randint(HOUR, 2 * DAY),
                clip_id=clip,
                from_party=to,
                to_party=fp.federal,
                basis="lookup",
                purpose=fp.purpose,
            )
        for link in self.links.get(to, ()):
            if link.to_party not in seen and self.rng.random() < link.rate:
                seen.add(link.to_party)
                self.emit(
                    "transfer",
                    t + int(self.uniform(self.b.pass_delay_hours) * HOUR),
                    clip_id=clip,
                    from_party=to,
                    to_party=link.to_party,
                    basis=link.basis,
                    purpose=link.purpose,
                )
