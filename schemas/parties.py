"""Party ids (``kind:slug``) and the party registry.

A party id is a string such as ``resident:r-17``, ``platform:ring``, ``agency:oakland-ca-pd`` or
``public``. A registry (from a scenario or an importer) tells each agency's kind, state and jurisdiction;
a party that no registry knows is still valid, and its kind then comes from its prefix (else ``unknown``).

>>> reg = PartyRegistry([Party(id="agency:ice-hsi", kind="federal")])
>>> reg.kind_of("agency:ice-hsi"), reg.kind_of("resident:r-1"), reg.kind_of("someone")
('federal', 'resident', 'unknown')
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

__all__ = [
    "PartyId", "PartyKind", "PARTY_KINDS", "AGENCY_KINDS", "STATE_BOUND_KINDS", "Party", "PartyRegistry",
    "prefix_kind",
]

PartyId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S+$")]

#: Every kind of party, listed here only: the other lists are made from this one (a test checks the rest).
PartyKind = Literal[
    "resident", "platform", "local", "sheriff", "state", "fusion", "federal", "fire", "public", "unknown",
]
PARTY_KINDS: tuple[str, ...] = get_args(PartyKind)
#: Kinds that are law-enforcement agencies (a fire and rescue agency is an agency, not law enforcement).
AGENCY_KINDS = frozenset({"local", "sheriff", "state", "fusion", "federal"})
#: Kinds bound by the laws of a state of their own (a rule that needs the state names those whose state it
#: does not know); federal agencies, residents, platforms and the public are not.
STATE_BOUND_KINDS = frozenset({"local", "sheriff", "state", "fusion", "fire", "unknown"})

# A prefix that names a kind directly (``federal:ice-hsi``) or a family whose kind the registry refines.
_PREFIX_KINDS: dict[str, str] = {
    "resident": "resident",
    "owner": "resident",
    "platform": "platform",
    "public": "public",
    "local": "local",
    "police": "local",
    "sheriff": "sheriff",
    "state": "state",
    "fusion": "fusion",
    "federal": "federal",
    "fire": "fire",
}


def prefix_kind(party_id: str) -> str:
    """Kind implied by a party id alone (no registry).

    >>> prefix_kind("platform:ring"), prefix_kind("public"), prefix_kind("agency:x"), prefix_kind("federal:fbi")
    ('platform', 'public', 'unknown', 'federal')
    """
    prefix = party_id.split(":", 1)[0] if ":" in party_id else party_id
    return _PREFIX_KINDS.get(prefix, "unknown")


class Party(BaseModel):
    """One registry entry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: PartyId
    kind: PartyKind = "unknown"
    name: str | None = None
    state: str | None = Field(default=None, description="Two-letter US state, or None (federal, unknown)")
    jurisdiction: str | None = None
    subkind: str | None = Field(default=None, description="finer kind: university, military, task force, ...")
    joined: str | None = Field(default=None, description="when the agency joined a platform, e.g. '2019'")


_PARTY_LIST = TypeAdapter(list[Party])


@cache
@cache
def _hint_keys(field: str) -> tuple[str, str]:
    """The fields beside a party field that carry its name and state as an importer read them."""
    return f"{field}_name", f"{field}_state"


@cache
def _declares_hints(model: type[BaseModel], fields: tuple[str, ...]) -> bool:
    """Whether ``model`` declares a name or state field beside any of its party ``fields``."""
    declared = model.model_fields
    return any(key in declared for f in fields for key in _hint_keys(f))


class PartyRegistry:
    """Parties by id; lookups fall back to what the id itself says.

    ``resolver`` (optional) is asked for parties the registry does not list, e.g. a classifier of agency
    slugs; its answer is cached.
    """

    def __init__(self, parties: Iterable[Party] = (), resolver=None) -> None:  # type: ignore[no-untyped-def]
        self._parties: dict[str, Party] = {p.id: p for p in parties}
        self._resolver = resolver
        self._cache: dict[str, Party] = {}
        self._hints: dict[str, tuple[str | None, str | None]] = {}

    def __contains__(self, party_id: object) -> bool:
        return party_id in self._parties

    def __iter__(self) -> Iterator[Party]:
        return iter(self._parties.values())

    def __len__(self) -> int:
        return len(self._parties)

    def add(self, party: Party) -> None:
        """Add or replace an entry."""
        self._parties[party.id] = party
        self._cache.pop(party.id, None)

    def learn(self, event: object) -> None:
        """Take the names and states an event carries for its parties (``grantor_name``, ``grantor_state``,
        ``searcher_state``, ...: the field name plus ``_name`` / ``_state``), for parties the registry does
        not list. So a check without a registry keeps what the import read from the names.

        >>> reg = PartyRegistry()
        >>> ev = type("E", (), {"PARTY_FIELDS": ("grantor",), "grantor": "agency:co-fort-collins-pd",
        ...                     "grantor_name": "CO - Fort Collins PD", "grantor_state": "CO"})()
        >>> reg.learn(ev); reg.state_of("agency:co-fort-collins-pd"), reg.get("agency:co-fort-collins-pd").name
        ('CO', 'CO - Fort Collins PD')
        """
        fields = getattr(event, "PARTY_FIELDS", ())
        if not fields:
            return
        if isinstance(event, BaseModel):  # declared fields and extras, without pydantic's slow attribute misses
            extra: dict[str, Any] = event.model_extra or {}
            if not extra and not _declares_hints(type(event), fields):
                return  # no field of this event can carry a hint (most events): nothing to learn
            declared: dict[str, Any] = vars(event)
        else:
            declared = {name: getattr(event, name, None) for f in fields for name in (f, *_hint_keys(f))}
            extra = {}
        for field in fields:
            party_id = declared.get(field)
            if not party_id or party_id in self._parties:
                continue
            name_key, state_key = _hint_keys(field)
            hint = (declared.get(name_key, extra.get(name_key)), declared.get(state_key, extra.get(state_key)))
            if hint == (None, None):
                continue
            known = self._hints.get(party_id)
            if known is not None:  # a later event that leaves out the name or the state keeps what was known
                hint = (hint[0] or known[0], hint[1] or known[1])
                if hint == known:
                    continue
            self._hints[party_id] = hint
            self._cache.pop(party_id, None)

    def get(self, party_id: str) -> Party:
        """The entry for ``party_id``; an unlisted party gets one built from its id.

        >>> PartyRegistry().get("resident:r-9").kind
        'resident'
        """
        known = self._parties.get(party_id)
        if known is not None:
            return known
        cached = self._cache.get(party_id)
        if cached is not None:
            return cached
        party = None
        if self._resolver is not None:
            party = self._resolver(party_id)
        if party is None:
            party = Party(id=party_id, kind=prefix_kind(party_id))  # type: ignore[arg-type]
        hint = self._hints.get(party_id)
        if hint is not None:
            name, state = hint
            update = {"name": name or party.name}
            if state and party.kind != "federal":
                update["state"] = state
            party = party.model_copy(update=update)
        self._cache[party_id] = party
        return party

    def kind_of(self, party_id: str) -> str:
        """Kind of a party (``unknown`` when nothing says)."""
        return self.get(party_id).kind

    def state_of(self, party_id: str) -> str | None:
        """Two-letter state of a party, if known."""
        return self.get(party_id).state

    @classmethod
    def from_file(cls, path: str | Path, resolver=None) -> PartyRegistry:  # type: ignore[no-untyped-def]
        """Load a registry from a JSON list or a ``.jsonl`` file of party entries."""
        text = Path(path).read_text(encoding="utf-8")
        if str(path).endswith(".jsonl"):
            parties = [Party.model_validate_json(line) for line in text.splitlines() if line.strip()]
        else:
            parties = _PARTY_LIST.validate_json(text)
        return cls(parties, resolver=resolver)

    def to_json(self) -> str:
        """The registry as a JSON list (sorted by id)."""
        return json.dumps([p.model_dump(exclude_none=True) for p in sorted(self, key=lambda p: p.id)], indent=1)
