"""The interchange format, events v1: one pydantic model per event type.

Every event is a JSON object with ``event_id``, ``type`` and ``occurred_at`` (RFC 3339; stored in UTC).
Unknown top-level fields are kept (forward-compatible within v1); nested objects are strict.

>>> ev = parse_event(b'{"event_id":"e1","type":"clip_recorded","occurred_at":"2024-05-01T10:00:00Z",'
...                  b'"clip_id":"c1","owner":"resident:r-1","platform":"ring"}')
>>> ev.type, ev.clip_id, ev.occurred_at.isoformat()
('clip_recorded', 'c1', '2024-05-01T10:00:00+00:00')
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    model_validator,
)

from schemas.parties import PartyId

__all__ = [
    "Area",
    "Window",
    "Location",
    "ClipRecorded",
    "FootageRequest",
    "ConsentDecision",
    "Transfer",
    "Search",
    "LegalProcess",
    "AccessGrant",
    "Event",
    "EVENT_ADAPTER",
    "EVENT_TYPES",
    "EVENT_MODELS",
    "MODEL_OF",
    "BASES",
    "parse_event",
    "event_to_json",
    "INPUT_TOPICS",
    "MIXED_INPUT",
]


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as e:  # e.g. 0001-01-01T00:00:00+05:00 has no UTC equivalent
        raise ValueError(f"time out of range in UTC: {value.isoformat()}") from e


#: RFC 3339 date-time with an offset (the published schemas carry it too, so any validator agrees).
RFC3339 = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
_RFC3339 = re.compile(RFC3339)


def _rfc3339_text(value: object) -> object:
    # RFC 3339 is text with seconds and an offset: a bare number would otherwise be read as a Unix time.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("expected an RFC 3339 time with an offset, e.g. 2024-05-01T12:00:00Z")
    return value


UtcTime = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text), AfterValidator(_to_utc),
                    Field(json_schema_extra={"pattern": RFC3339})]
NonEmpty = Annotated[str, Field(min_length=1, max_length=512)]

BASES = ("consent", "warrant", "subpoena", "emergency", "agreement", "lookup", "public_post", "internal")
Basis = Literal["consent", "warrant", "subpoena", "emergency", "agreement", "lookup", "public_post", "internal"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Area(_Strict):
    """A circle on the map: centre and radius in metres."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(gt=0, allow_inf_nan=False)


class Location(_Strict):
    """Where a camera is."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Window(_Strict):
    """A time window, both ends in UTC; ``end`` is not before ``start``."""

    start: UtcTime
    end: UtcTime

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError("window.end is before window.start")
        return self

    @property
    def hours(self) -> float:
        """Length of the window in hours."""
        return (self.end - self.start).total_seconds() / 3600


class _Event(BaseModel):
    # Top-level extras are kept so that v1 producers may add fields without breaking older consumers.
    model_config = ConfigDict(frozen=True, extra="allow")

    event_id: NonEmpty
    occurred_at: UtcTime
    schema_version: Literal[1] = 1
    source: str | None = None

    #: The fields of this event type that name parties, in a fixed order (the one place that says so).
    PARTY_FIELDS: ClassVar[tuple[str, ...]] = ()
    #: The field naming the party that acts (whom a finding on the event is against, the audit's actor).
    ACTOR: ClassVar[str]
    #: The fields naming where data comes from and whom it reaches (``None``: the event moves no data).
    ENDS: ClassVar[tuple[str | None, str | None]] = (None, None)
    #: The input topic events of this type travel on (a prefix is added on a broker).
    TOPIC: ClassVar[str]
    #: Among events at the same instant, lower ranks are judged first (a recording before what is done with it).
    RANK: ClassVar[int]
    #: The field naming the platform (or system) the event goes through, if it names one; else the platform
    #: every event of the type goes through (``""``: none, or, for a hand-over, its clip's).
    PLATFORM_FIELD: ClassVar[str | None] = None
    PLATFORM: ClassVar[str] = ""

    def parties(self) -> list[str]:
        """The parties this event names, in ``PARTY_FIELDS`` order (absent optional ones left out).

        >>> parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
        ...   '"from_party":"agency:a","to_party":"agency:b","basis":"lookup","purpose":"x"}').parties()
        ['agency:a', 'agency:b']
        """
        d = self.__dict__
        return [p for p in (d[n] for n in self.PARTY_FIELDS) if p]

    def ends(self) -> tuple[str | None, str | None]:
        """Where data comes from and whom it reaches (``ENDS``); ``(None, None)`` for an event that moves none.

        >>> parse_event('{"event_id":"g","type":"access_grant","occurred_at":"2024-01-01T00:00:00Z",'
        ...   '"grantor":"agency:a","grantee":"agency:b","system":"flock","scope":"x"}').ends()
        ('agency:a', 'agency:b')
        """
        d = self.__dict__
        origin, recipient = self.ENDS
        return (d[origin] if origin else None), (d[recipient] if recipient else None)

    def actor(self) -> str:
        """The party that acts (``ACTOR``): whom a finding on the event is against.

        >>> parse_event('{"event_id":"s","type":"search","occurred_at":"2024-01-01T00:00:00Z",'
        ...   '"searcher":"agency:a","reason":"x","networks_searched":1}').actor()
        'agency:a'
        """
        return str(self.__dict__[self.ACTOR])


class ClipRecorded(_Event):
    """A camera recorded a clip; custody starts with its owner at ``occurred_at``."""

    type: Literal["clip_recorded"]
    PARTY_FIELDS = ("owner",)
    ACTOR, TOPIC, RANK, PLATFORM_FIELD = "owner", "clips", 0, "platform"
    clip_id: NonEmpty
    owner: PartyId
    platform: NonEmpty
    location: Location | None = None
    camera_id: str | None = None
    retention_days: float | None = Field(default=None, ge=0)


class FootageRequest(_Event):
    """An agency asks a platform for footage of an area and a time window."""

    type: Literal["footage_request"]
    PARTY_FIELDS = ("requester", "on_behalf_of")
    ACTOR, ENDS, TOPIC, RANK = "requester", ("requester", "on_behalf_of"), "footage-requests", 1
    PLATFORM_FIELD = "platform"
    request_id: NonEmpty
    requester: PartyId
    platform: NonEmpty
    area: Area
    window: Window
    investigation_code: str | None
    purpose: str
    case_number: str | None = None
    on_behalf_of: PartyId | None = None


class ConsentDecision(_Event):
    """An owner answers a request: share (some clips), decline or ignore."""

    type: Literal["consent_decision"]
    PARTY_FIELDS = ("owner",)
    ACTOR, TOPIC, RANK = "owner", "consent-decisions", 2
    request_id: NonEmpty
    owner: PartyId
    decision: Literal["share", "decline", "ignore"]
    clip_ids: list[NonEmpty]


class Transfer(_Event):
    """A hand-over of one clip from one party to another, on a basis, for a purpose."""

    type: Literal["transfer"]
    PARTY_FIELDS = ("from_party", "to_party", "via")
    ACTOR, ENDS, TOPIC, RANK = "from_party", ("from_party", "to_party"), "transfers", 6
    clip_id: NonEmpty
    from_party: PartyId
    to_party: PartyId
    basis: Basis
    purpose: str
    request_id: str | None = None
    via: PartyId | None = None


class Search(_Event):
    """A lookup in a camera network (a Flock search), with its free-text reason."""

    type: Literal["search"]
    PARTY_FIELDS = ("on_behalf_of", "searcher")
    ACTOR, ENDS, TOPIC, RANK = "searcher", ("searcher", "on_behalf_of"), "searches", 5
    PLATFORM = "flock"  # the searches custodiet reads are Flock audits
    searcher: PartyId
    reason: str
    networks_searched: int | list[PartyId] = Field(union_mode="left_to_right")
    on_behalf_of: PartyId | None = None
    cameras_searched: int | None = Field(default=None, ge=0)
    case_number: str | None = None
    purpose: str | None = None
    #: As the audit named them: the searcher's name and state (kept for a check without a registry).
    searcher_name: str | None = None
    searcher_state: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    offense_type: str | None = None
    #: The time frame the search looked at, as the audit gave it.
    time_frame_start: UtcTime | None = None
    time_frame_end: UtcTime | None = None
    search_type: str | None = None
    moderation: str | None = None
    user: str | None = None
    #: False when the source has no reason field at all (the reason is then unknown, not missing).
    reason_published: bool = True
    #: How much the reason says (``classify.reason_tiers.TIERS``) and the words that decided it, as the
    #: import read them; when absent the judge reads the reason itself.
    reason_tier: Literal["missing", "not_published", "code_only", "unrecognised", "category"] | None = None
    reason_words: list[str] | None = None
    #: The words of the reason or case number that named the agency when ``on_behalf_of`` was inferred
    #: from them (``classify.assists``), absent when the source named it.
    on_behalf_of_inferred: list[str] | None = None


class LegalProcess(_Event):
    """A warrant, subpoena, court order or emergency demand served on a platform for named clips."""

    type: Literal["legal_process"]
    PARTY_FIELDS = ("requester",)
    ACTOR, ENDS, TOPIC, RANK = "requester", ("requester", "platform"), "legal-process", 3
    PLATFORM_FIELD = "platform"
    request_id: NonEmpty
    requester: PartyId
    platform: NonEmpty
    kind: Literal["warrant", "subpoena", "court_order", "emergency"]
    clip_ids: list[NonEmpty]


class AccessGrant(_Event):
    """A standing link: ``grantor``'s camera data can be searched by ``grantee`` (observed at ``occurred_at``)."""

    type: Literal["access_grant"]
    PARTY_FIELDS = ("grantor", "grantee")
    ACTOR, ENDS, TOPIC, RANK = "grantor", ("grantor", "grantee"), "access-grants", 4
    PLATFORM_FIELD = "system"
    grantor: PartyId
    grantee: PartyId
    system: NonEmpty
    scope: str
    grantor_name: str | None = None
    grantee_name: str | None = None
    #: States as the import read them from the names (kept for a check without a registry).
    grantor_state: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    grantee_state: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


Event = Annotated[
    ClipRecorded | FootageRequest | ConsentDecision | Transfer | Search | LegalProcess | AccessGrant,
    Field(discriminator="type"),
]

#: Built once and reused: validation of raw bytes goes through this adapter.
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

#: Every event model, in rank order (the order events at the same instant are judged in).
EVENT_MODELS: tuple[type[_Event], ...] = tuple(sorted(get_args(get_args(Event)[0]), key=lambda m: m.RANK))
#: Every event type, in rank order.
EVENT_TYPES: tuple[str, ...] = tuple(get_args(m.model_fields["type"].annotation)[0] for m in EVENT_MODELS)
#: event type -> its model
MODEL_OF: dict[str, type[_Event]] = dict(zip(EVENT_TYPES, EVENT_MODELS, strict=True))
#: event type -> its input topic (the wire layout every producer follows; a prefix is added on a broker)
INPUT_TOPICS: dict[str, str] = {t: m.TOPIC for t, m in MODEL_OF.items()}
#: Lines whose type cannot be read still enter here (and become dead letters).
MIXED_INPUT = "events"


def parse_event(raw: bytes | str) -> Event:
    """Validate one raw JSON event (bytes or str) into its model; raises ``pydantic.ValidationError``.

    >>> parse_event('{"event_id":"t1","type":"transfer","occurred_at":"2024-05-01T12:00:00+02:00",'
    ...             '"clip_id":"c1","from_party":"resident:r-1","to_party":"agency:x-pd",'
    ...             '"basis":"consent","purpose":"burglary"}').occurred_at.hour
    10
    """
    return EVENT_ADAPTER.validate_json(raw)


def event_to_json(event: Event) -> str:
    """Serialise an event back to compact JSON (times in UTC); it validates again as the same event.

    >>> ev = parse_event('{"event_id":"e","type":"search","occurred_at":"2025-06-18T00:02:04Z",'
    ...                  '"searcher":"agency:eugene-or-pd","reason":"inv","networks_searched":1}')
    >>> event_to_json(ev)[:40]
    '{"event_id":"e","occurred_at":"2025-06-1'
    """
    return event.model_dump_json()
