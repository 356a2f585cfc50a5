"""The scenario file, as pydantic models: an era, the rule sets it applies, real parties, who passes clips
to whom, neighbourhoods of camera owners, behaviour parameters, and the facts a run is calibrated on.

A scenario file is self-contained: the real agency names it uses (from ``../shared/data``) are copied into
it, with the data's credit lines in ``credit``. Every number from DOMAIN.md is a parameter here, never a
constant in the services.

>>> b = Behaviour()
>>> round(b.share_rate + b.decline_rate + b.ignore_rate, 6)
1.0
>>> Fact(id="x", metric="consent_asks_per_request", value=14.5, tolerance=3, source="s").basis
'reported'
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from schemas.parties import Party, PartyRegistry

__all__ = [
    "Agency",
    "Neighbourhood",
    "SharingLink",
    "FederalPartner",
    "FlockGrant",
    "Channel",
    "Behaviour",
    "Fact",
    "Scenario",
    "METRICS",
]

Prob = Annotated[float, Field(ge=0, le=1)]
Range = Annotated[tuple[float, float], Field(description="[low, high], drawn uniformly")]
AgencyId = Annotated[str, Field(pattern=r"^agency:[a-z0-9][a-z0-9-]*$")]

#: What a calibration fact can measure in a run (see ``world.calibrate``).
Metric = Literal[
    "consent_asks_per_request",
    "requests_per_agency_per_month",
    "overbroad_window_share",
    "emergency_per_agency_per_half_year",
    "federal_search_share",
    "placeholder_reason_share",
    "median_cameras_per_search",
]
METRICS: tuple[str, ...] = get_args(Metric)


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Agency(_M):
    """A real agency (local, sheriff, state, fusion or federal) and where its name comes from."""

    id: AgencyId
    name: str = Field(description="the name as the source spells it")
    kind: Literal["local", "sheriff", "state", "fusion", "federal"]
    state: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="None for federal agencies")
    jurisdiction: str | None = None
    source: str = Field(description="ring-partnerships-2020, flock-sharing-nc-2024, or DOMAIN.md")
    joined: str | None = Field(default=None, description="year it joined Ring's Neighbors portal")
    ring_partner: bool = Field(default=False, description="may request footage through Ring")
    flock_cameras: int = Field(default=0, ge=0, description="Flock plate cameras it owns")
    flock_searches_per_day: float = Field(default=0, ge=0)

    def party(self) -> Party:
        """The registry entry."""
        return Party(
            id=self.id,
            kind=self.kind,
            name=self.name,
            state=self.state,
            jurisdiction=self.jurisdiction,
            joined=self.joined,
        )


class Neighbourhood(_M):
    """Camera owners around a point, policed by ``agency``."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    agency: AgencyId
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(gt=0)
    owners: int = Field(ge=1, description="Ring owners in the neighbourhood")
    cameras_per_owner: float = Field(default=1.3, ge=1)


class SharingLink(_M):
    """An agency passes clips it received on to a partner (out of band: e-mail, shared evidence)."""

    from_party: AgencyId
    to_party: AgencyId
    rate: Prob = Field(description="share of received clips passed on")
    basis: Literal["agreement", "lookup"] = "agreement"
    purpose: str = "regional intelligence sharing"


class FederalPartner(_M):
    """A federal agency, the local agencies it leans on, and how often it asks."""

    federal: AgencyId
    partners: list[AgencyId]
    purpose: str = Field(description="what it says it wants the footage for")
    asks_per_month: float = Field(ge=0, description="asks for Ring footage (direct attempt, then a partner)")
    search_reasons: list[str] = Field(
        default_factory=list, description="reasons typed on its behalf in Flock"
    )


class FlockGrant(_M):
    """A real "grantor shares its Flock cameras with grantee" edge."""

    grantor: AgencyId
    grantee: AgencyId


class Channel(_M):
    """How police ask owners for footage in this era, and who delivers what owners share."""

    kind: Literal["portal", "rfa", "none", "community", "flock_community"]
    request_platform: str = "ring"
    delivery: Literal["ring", "axon", "flock"] = "ring"
    eligible_kinds: list[str] = Field(
        default_factory=lambda: ["local", "sheriff", "state"],
        description="requester kinds the platform fans out for",
    )


class Behaviour(_M):
    """Rates and ranges (assumptions unless a calibration fact pins them)."""

    share_rate: Prob = 0.3
    decline_rate: Prob = 0.2
    ignore_rate: Prob = 0.5
    requests_per_agency_per_month: float = Field(default=4.4, ge=0)
    report_delay_hours: Range = (1, 36)
    decision_delay_hours: Range = (0.2, 48)
    window_hours: Range = (2, 12)
    overbroad_share: Prob = 0.25
    overbroad_window_hours: Range = (18, 96)
    radius_m: Range = (150, 700)
    overbroad_radius_m: Range = (900, 2000)
    missing_case_number_share: Prob = 0.03
    capture_radius_m: float = Field(
        default=400, gt=0, description="cameras this close to an incident record it"
    )
    capture_probability: Prob = 0.6
    background_clips_per_owner_per_week: float = Field(default=0.05, ge=0)
    public_post_rate: Prob = Field(default=0.25, description="share of background clips posted on Neighbors")
    retention_days: list[int] = Field(default_factory=lambda: [60], description="owner choices (drawn)")
    warrant_rate: Prob = Field(
        default=0.08, description="declined clips, or incidents without requests, that get legal process"
    )
    subpoena_share: Prob = 0.3
    emergency_per_agency_per_half_year: float = Field(default=0.005, ge=0)
    pass_delay_hours: Range = (2, 240)
    federal_lookup_share: Prob = Field(
        default=0.0, description="Flock searches run on behalf of a federal agency"
    )
    search_reasons: list[tuple[str, float]] = Field(
        default_factory=lambda: [("investigation", 1.0)],
        description="[reason, weight]: free-text search reasons",
    )
    cameras_per_search: Range = (10, 300)
    networks_per_search: Range = (1, 50)
    flock_hit_rate: Prob = 0.3
    flock_retention_days: int = Field(default=30, ge=1)

    @model_validator(mode="after")
    def _sums(self) -> Behaviour:
        total = self.share_rate + self.decline_rate + self.ignore_rate
        if abs(total - 1) > 1e-6:
            raise ValueError(f"share_rate + decline_rate + ignore_rate must be 1 (is {total:g})")
        return self


class Fact(_M):
    """A fact from the public record (or derived from the real data) that a run should reproduce."""

    id: str
    metric: Metric
    value: float
    tolerance: float = Field(ge=0, description="absolute: ok when |produced - value| <= tolerance")
    source: str
    basis: Literal["reported", "derived", "assumed"] = "reported"
    note: str | None = None


class Scenario(_M):
    """One scenario file."""

    name: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    description: str
    era: str
    start: AwareDatetime
    end: AwareDatetime
    rule_sets: list[str] = Field(min_length=1)
    credit: list[str] = Field(min_length=1, description="credit lines of the data the parties come from")
    channel: Channel
    agencies: list[Agency] = Field(min_length=1)
    neighbourhoods: list[Neighbourhood] = Field(min_length=1)
    sharing: list[SharingLink] = Field(default_factory=list)
    federal: list[FederalPartner] = Field(default_factory=list)
    flock_grants: list[FlockGrant] = Field(default_factory=list)
    behaviour: Behaviour = Behaviour()
    calibration: list[Fact] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        ids = [a.id for a in self.agencies]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"agency listed twice: {', '.join(dup)}")
        known = set(ids)
        refs: list[tuple[str, str]] = [
            (f"neighbourhoods[{n.id}].agency", n.agency) for n in self.neighbourhoods
        ]
        refs += [(f"sharing[{i}]", p) for i, s in enumerate(self.sharing) for p in (s.from_party, s.to_party)]
        refs += [(f"federal[{f.federal}]", p) for f in self.federal for p in [f.federal, *f.partners]]
        refs += [
            (f"flock_grants[{i}]", p) for i, g in enumerate(self.flock_grants) for p in (g.grantor, g.grantee)
        ]
        for where, party in refs:
            if party not in known:
                raise ValueError(f"{where}: {party} is not among the agencies")
        if self.end <= self.start:
            raise ValueError("end is not after start")
        nbs = [n.id for n in self.neighbourhoods]
        if len(set(nbs)) != len(nbs):
            raise ValueError("neighbourhood ids must be unique")
        return self

    def agency(self, party_id: str) -> Agency:
        """The agency with this id (KeyError if none)."""
        for a in self.agencies:
            if a.id == party_id:
                return a
        raise KeyError(party_id)

    def registry(self) -> PartyRegistry:
        """A party registry of the scenario's agencies (unlisted ids are classified from their slug)."""
        from classify.registry import default_registry

        return default_registry(parties=[a.party() for a in self.agencies])

    def request_agencies(self) -> list[str]:
        """Agencies that police a neighbourhood (they make the requests), in file order."""
        seen: dict[str, None] = {}
        for n in self.neighbourhoods:
            seen.setdefault(n.agency, None)
        return list(seen)

    @property
    def start_ts(self) -> int:
        """Start as seconds since the epoch."""
        return int(self.start.timestamp())
