"""Words for people: party ids, rule ids and bases as a reader would say them.

Every human-facing surface (the headline, tables, pictures, the report, the live view) names things
through this module, so one party has one name everywhere; JSON documents keep the ids.

- :func:`party_name`: ``agency:houston-police-department-tx`` -> ``Houston Police Department (TX)``;
  a camera owner -> ``a camera owner in Aurora, IL``;
- :func:`party_group` and :func:`aggregate`: camera owners counted by place
  (``612 camera owners in Aurora, IL``), everyone else by name;
- :func:`rule_title`: a rule's plain-words title (``policies/*.toml``), :func:`basis_words`: a basis in words.

>>> from schemas.parties import Party, PartyRegistry
>>> reg = PartyRegistry([Party(id="agency:aurora-pd-il", kind="local", name="Aurora Police Department",
...                            state="IL", jurisdiction="Aurora")])
>>> party_name("agency:aurora-pd-il", reg), party_name("resident:aurora-pd-il-1-7", reg)
('Aurora Police Department (IL)', 'a camera owner in Aurora, IL')
>>> aggregate(["resident:aurora-pd-il-1-7", "resident:aurora-pd-il-2-1", "agency:aurora-pd-il"], reg)
[('2 camera owners in Aurora, IL', 2), ('Aurora Police Department (IL)', 1)]
"""

from __future__ import annotations

import re
import weakref
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from schemas.parties import PartyRegistry

__all__ = [
    "party_name", "names_in", "PARTY_KEYS",
    "party_group", "aggregate", "owner_place", "rule_title", "rule_set_title", "basis_words",
    "kind_words", "plural", "count_of", "counted_words", "COUNTED",
]

#: What a graph counts (its ``basis``), short and in full.
COUNTED = {
    "judged": ("custody as judged", "custody as judged (the hand-overs the platform and rule gates let through)"),
    "attempts": ("every attempt in the log",
                 "every attempt in the log (every valid transfer read as a hand-over, nothing judged)"),
}

_PLATFORMS = {"platform:ring": "Ring", "platform:flock": "Flock Safety", "platform:axon": "Axon",
              "platform:neighbors": "Ring Neighbors"}
_BASES = {
    "consent": "the owner's consent",
    "warrant": "a warrant",
    "subpoena": "a subpoena",
    "emergency": "an emergency request",
    "agreement": "an information-sharing agreement",
    "lookup": "a lookup run for another agency",
    "public_post": "a public post",
    "internal": "an upload to the owner's own cloud account",
    "grant": "an access grant",
    "search": "a search",
}
_KINDS = {
    "federal": "federal agency", "state": "state agency", "fusion": "fusion centre", "sheriff": "sheriff's office",
    "local": "local police", "fire": "fire and rescue agency", "resident": "camera owner", "platform": "platform",
    "public": "the public",
    "unknown": "party of unknown kind",
}
_REGISTRY = PartyRegistry()
_AREAS: weakref.WeakKeyDictionary[PartyRegistry, dict[str, Any]] = weakref.WeakKeyDictionary()


def _slug(party_id: str) -> str:
    """The part of ``kind:slug`` after the kind; an id without a kind prefix whole (``=X("http://y")``)."""
    kind, sep, rest = party_id.partition(":")
    return rest if sep and kind.isalpha() and kind.islower() else party_id


def _has_state(name: str, state: str) -> bool:
    return re.search(rf"(^|[^A-Za-z]){re.escape(state)}([^A-Za-z]|$)", name) is not None


def owner_place(party_id: str, registry: PartyRegistry | None = None) -> str | None:
    """Where a camera owner lives, from the agency whose area their id names (``resident:<agency slug>-n-m``).

    >>> from schemas.parties import Party, PartyRegistry
    >>> reg = PartyRegistry([Party(id="agency:x-pd-tx", kind="local", name="X PD", state="TX", jurisdiction="X")])
    >>> owner_place("resident:x-pd-tx-3-1", reg), owner_place("resident:r-1", reg)
    ('X, TX', None)
    """
    reg = registry if registry is not None else _REGISTRY
    areas = _AREAS.get(reg)
    if areas is None:
        areas = _AREAS[reg] = {_slug(p.id): p for p in reg if p.kind != "resident"}
    parts = _slug(party_id).split("-")
    best = None
    while len(parts) > 1 and best is None:  # drop the owner's numbers until an agency's slug is left
        parts.pop()
        best = areas.get("-".join(parts))
    if best is None:
        return None
    place = best.jurisdiction or best.name
    if not place:
        return best.state
    return f"{place}, {best.state}" if best.state and not _has_state(place, best.state) else place


_SMALL_WORDS = frozenset({"of", "the", "and", "for", "at", "on", "in", "de", "la", "del"})


def _name_from_id(party_id: str, kind: str) -> str:
    """A name rebuilt from an id when nothing carried one (no registry entry, no name on an event): small words
    in lower case after the first, and a fusion centre's one-word slug as the acronym it is.

    >>> _name_from_id("agency:city-of-riverside-ca-pd", "local"), _name_from_id("agency:ncric", "fusion")
    ('City of Riverside CA PD', 'NCRIC')
    """
    slug = _slug(party_id)
    if not party_id.startswith("agency:"):
        return slug
    if kind == "fusion" and slug.isalpha():
        return slug.upper()
    from classify.agencies import name_from_slug

    words = name_from_slug(slug).split(" ")
    return " ".join(w.lower() if i and w.lower() in _SMALL_WORDS and w != w.upper() else w
                    for i, w in enumerate(words))


def party_name(party_id: str, registry: PartyRegistry | None = None) -> str:
    """The name a reader knows a party by: name and state for agencies, a place for camera owners.

    >>> party_name("agency:el-cajon-ca-pd"), party_name("public"), party_name("platform:ring")
    ('El Cajon CA PD', 'the public', 'Ring')
    """
    if party_id == "public":
        return "the public"
    if party_id in _PLATFORMS:
        return _PLATFORMS[party_id]
    reg = registry if registry is not None else _REGISTRY
    party = reg.get(party_id)
    if party.kind == "resident" or party_id.startswith("resident:"):
        place = owner_place(party_id, reg)
        return f"a camera owner in {place}" if place else "a camera owner"
    name = party.name
    if not name:
        name = _name_from_id(party_id, party.kind)
    if party.state and party.kind != "federal" and not _has_state(name, party.state):
        name = f"{name} ({party.state})"
    return name


#: Keys of ``--json`` documents whose values are party ids (a string, or a list of them).
PARTY_KEYS = frozenset({
    "party", "owner", "to", "from", "agency", "parties", "intermediaries", "senders", "targets", "party_list",
    "direct_list", "grantor", "grantee", "searcher", "on_behalf_of", "from_party", "to_party", "requester",
    "federal_parties",
})


def names_in(doc: Any, registry: PartyRegistry | None = None) -> dict[str, str]:
    """The name of every party id a ``--json`` document names (under :data:`PARTY_KEYS`), id -> name, so a
    document carries names beside its ids with or without a registry.

    >>> names_in({"to": "agency:fbi", "clips": [{"owner": "agency:el-cajon-ca-pd", "intermediaries": []}],
    ...           "parties": [{"party": "platform:ring"}]})
    {'agency:el-cajon-ca-pd': 'El Cajon CA PD', 'agency:fbi': 'FBI', 'platform:ring': 'Ring'}
    """
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in PARTY_KEYS and isinstance(v, str):
                    found.add(v)
                elif k in PARTY_KEYS and isinstance(v, list) and all(isinstance(x, str) for x in v):
                    found.update(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(doc)
    return {p: party_name(p, registry) for p in sorted(found)}


def party_group(party_id: str, registry: PartyRegistry | None = None) -> tuple[str, str]:
    """``(singular, plural stem)`` of the group a party is counted in: camera owners by place, others alone.

    >>> party_group("resident:r-1"), party_group("agency:fbi")
    (('a camera owner', 'camera owners'), ('FBI', 'FBI'))
    """
    reg = registry if registry is not None else _REGISTRY
    if party_id.startswith("resident:") or reg.kind_of(party_id) == "resident":
        place = owner_place(party_id, registry)
        where = f" in {place}" if place else ""
        return f"a camera owner{where}", f"camera owners{where}"
    name = party_name(party_id, registry)
    return name, name


def aggregate(parties: Iterable[str], registry: PartyRegistry | None = None) -> list[tuple[str, int]]:
    """Parties counted by group, largest first: ``[("612 camera owners in Aurora, IL", 612), (name, 1)]``.

    >>> aggregate(["resident:r-1", "agency:fbi", "resident:r-2"])
    [('2 camera owners', 2), ('FBI', 1)]
    """
    counts: Counter[tuple[str, str]] = Counter(party_group(p, registry) for p in parties)
    rows = []
    for (one, many), n in counts.items():
        rows.append((f"{n} {many}" if n > 1 else one, n))
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows


@lru_cache(maxsize=1)
def _rule_titles() -> dict[str, tuple[str, str]]:
    from judge.rulesets import load_rule_sets

    titles: dict[str, tuple[str, str]] = {}
    for rs in load_rule_sets(None):
        titles[rs.id] = (rs.title, rs.title)
        for rule in rs.rules:
            title = getattr(rule, "title", None) or rule.description
            titles[rule.id] = (title, rule.description)
    return titles


def rule_title(rule_id: str) -> str:
    """A rule's plain-words title (the id itself for a rule no shipped set holds).

    >>> rule_title("ca-sb34.public-agencies-only")
    'California plate data shared out of state or with a federal agency'
    >>> rule_title("my.rule")
    'my.rule'
    """
    return _rule_titles().get(rule_id, (rule_id, rule_id))[0]


def rule_set_title(rule_set_id: str) -> str:
    """A rule set's title (``ca-sb34`` -> ``California ALPR sharing (...)``).

    >>> rule_set_title("core")
    'Custody continuity'
    """
    return _rule_titles().get(rule_set_id, (rule_set_id, rule_set_id))[0]


def basis_words(basis: str) -> str:
    """A basis of a hand-over in words.

    >>> basis_words("lookup"), basis_words("made-up")
    ('a lookup run for another agency', 'made-up')
    """
    return _BASES.get(basis, basis.replace("_", " "))


def kind_words(kind: str, n: int = 1) -> str:
    """A party kind in words, plural when ``n`` is not 1.

    >>> kind_words("sheriff", 2), kind_words("federal")
    ("sheriff's offices", 'federal agency')
    """
    word = _KINDS.get(kind, kind)
    return word if n == 1 or word in ("local police", "the public") else plural(word)


def plural(word: str) -> str:
    """English plural of a noun phrase's last word.

    >>> plural("agency"), plural("clip"), plural("fusion centre")
    ('agencies', 'clips', 'fusion centres')
    """
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def count_of(n: int, noun: str, nouns: str | None = None) -> str:
    """``n`` with its noun, singular or plural, and thousands separated.

    >>> count_of(1, "clip"), count_of(1200, "path"), count_of(2, "camera owner")
    ('1 clip', '1,200 paths', '2 camera owners')
    """
    return f"{n:,} {noun if n == 1 else (nouns or plural(noun))}"


def counted_words(basis: str, full: bool = False) -> str:
    """What a graph with this ``basis`` counts, in words.

    >>> counted_words("judged"), counted_words("attempts")
    ('custody as judged', 'every attempt in the log')
    """
    short, long = COUNTED.get(basis, COUNTED["attempts"])
    return long if full else short
