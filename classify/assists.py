"""Searches run for a federal agency, read from the reason or case text: "FBI ASSIST: BANK THEFT", "Wanted
fugitive, US Marshall assist", "I.C.E.", "287(g)", "Dept of Homeland Security".

:func:`federal_assist` names the agency (a party id of :data:`ASSIST_TERMS`) and the words that named it;
:func:`with_inferred_assist` sets a search's ``on_behalf_of`` from them, marked as inferred
(``on_behalf_of_inferred`` holds the words), when the source named no one. It is the one place the
inference is made: the importers call it on every search they write, and the judge on every search it reads
(an event given with only a reason text), so every rule, ``reach`` and report counts the same party.

Words match whole (after dotted initials are closed up: "I.C.E." is "ice", "U.S." is "us"), so "police",
"office", "device", "justice" and "service" are not ICE, and "ICAC" (the Internet Crimes Against Children
task force) is not ICE. The false friends of ``classify.purposes`` are dropped first ("ICE impersonation",
"not ICE", "DHS PD"), and DHS is left out where the text says it is a county or state Department of Human
or Health Services ("county DHS", "DHS child welfare", "Oregon DHS").

>>> federal_assist("FBI ASSIST: BANK THEFT")
Assist(party='agency:fbi', words=('fbi',))
>>> [federal_assist(t).party for t in ["Wanted fugitive, US Marshall assist", "I.C.E.", "287(g)"]]
['agency:us-marshals', 'agency:ice', 'agency:ice']
>>> [federal_assist(t) for t in ["ICAC", "police", "device theft", "county DHS child welfare"]]
[None, None, None, None]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from classify.purpose_words import DHS_NOT_FEDERAL
from classify.purposes import reason_words, without_false_friends

__all__ = ["Assist", "ASSIST_TERMS", "DHS_NOT_FEDERAL", "federal_assist", "federal_name_party", "with_inferred_assist"]


@dataclass(frozen=True, slots=True)
class Assist:
    """A federal agency a search was run for, and the words of the text that named it."""

    party: str
    words: tuple[str, ...]


#: party id -> the words or phrases that name it (whole words; ``*`` ends a prefix), most specific first:
#: the first party with a match wins.
ASSIST_TERMS: dict[str, tuple[str, ...]] = {
    "agency:ice-hsi": ("hsi", "homeland security investigation*", "ice hsi"),
    "agency:ice-ero": ("ero", "enforcement and removal*", "enforcement removal*", "ice ero"),
    "agency:ice": (
        "ice", "immigration and customs enforcement", "immigration customs enforcement", "287 g", "287g",
        "immigration*", "immig", "imigration*", "deport*", "ice detainer", "removal order",
    ),
    "agency:cbp": (
        "cbp", "customs and border protection", "customs border protection", "border protection",
        "border patrol", "usbp",
    ),
    "agency:us-marshals": (
        "usms", "us marshal*", "u s marshal*", "united states marshal*", "federal marshal*",
        "marshals service", "marshal service", "marshals task force", "marshals fugitive*",
    ),
    "agency:fbi": ("fbi", "federal bureau of investigation", "safe streets task force"),
    "agency:dhs": (
        "dhs", "homeland security", "dept of homeland*", "department of homeland*", "homeland sec*",
    ),
    "agency:atf": ("atf", "alcohol tobacco firearms", "bureau of alcohol*"),
    "agency:dea": ("dea", "drug enforcement administration"),
    "agency:us-postal-inspection-service": ("uspis", "postal inspector*", "postal inspection*"),
    "agency:secret-service": ("usss", "secret service"),
}
def _found(words: list[str], joined: str, term: str) -> str | None:
    if term.endswith("*"):
        stem = term[:-1]
        if " " in stem:
            m = re.search(r" " + re.escape(stem) + r"[a-z0-9]*", joined)
            return m.group(0).strip() if m else None
        return next((w for w in words if w.startswith(stem)), None)
    return term if f" {term} " in joined else None


@lru_cache(maxsize=1 << 16)
def federal_assist(text: str | None) -> Assist | None:
    """The federal agency a reason or case text names, with the words that named it, or None.

    >>> federal_assist("FBI SAFE ST TF"), federal_assist("Dept of Homeland Security").party
    (Assist(party='agency:fbi', words=('fbi',)), 'agency:dhs')
    >>> federal_assist("ICE+ERO").party, federal_assist("HSI case 25-1").party, federal_assist("ice cream truck")
    ('agency:ice-ero', 'agency:ice-hsi', None)
    """
    if not text or not text.strip():
        return None
    words = reason_words(text)
    if not words:
        return None
    joined = without_false_friends(" " + " ".join(words) + " ")
    words = joined.split()
    for party, terms in ASSIST_TERMS.items():
        hits = [w for w in (_found(words, joined, t) for t in terms) if w]
        if not hits:
            continue
        return Assist(party, tuple(dict.fromkeys(hits)))
    return None


#: Words a federal agency's name carries beside the words that name it ("US Marshals Service", "the FBI").
_NAME_FILLER = frozenset({"the", "us", "u", "s", "united", "states", "of", "dept", "department", "service",
                          "federal"})


def federal_name_party(name: str) -> str | None:
    """The party id of a federal agency whose name is only its name, however written ("Federal Bureau of
    Investigation (FBI)", "USMS", "U.S. Marshals Service", "Homeland Security Investigations"): the id the
    assists of :data:`ASSIST_TERMS` name, so the agency searching and the agency searched for are one party.
    A name with more (a field office, a place: "ATF Louisville KY", "DHS Office of Inspector General") is None.

    >>> [federal_name_party(n) for n in ["Federal Bureau of Investigation (FBI)", "USMS", "U.S. Marshals Service"]]
    ['agency:fbi', 'agency:us-marshals', 'agency:us-marshals']
    >>> [federal_name_party(n) for n in ["HSI", "ATF Louisville KY", "DHS Office of Inspector General", "Yakima PD"]]
    ['agency:ice-hsi', None, None, None]
    """
    found = federal_assist(name)
    if found is None:
        return None
    named = {w for hit in found.words for w in hit.split()}
    rest = [w for w in reason_words(name) if w not in named and w not in _NAME_FILLER]
    return found.party if not rest else None


def _has_letters(text: str) -> bool:
    """Whether a case number could name an agency (most are digits and dashes: skipped without a lookup)."""
    return any(c.isalpha() for c in text)


def with_inferred_assist(ev: Any) -> Any:
    """The event with ``on_behalf_of`` set from its reason (else its case number) when it is a search that
    names no one it was run for and the text names a federal agency other than the searcher; any other
    event as it is.

    >>> from schemas.events import parse_event
    >>> s = parse_event('{"event_id":"s","type":"search","occurred_at":"2025-01-01T00:00:00Z",'
    ...   '"searcher":"agency:a-pd","reason":"Wanted fugitive, US Marshall assist","networks_searched":1}')
    >>> t = with_inferred_assist(s)
    >>> t.on_behalf_of, t.on_behalf_of_inferred
    ('agency:us-marshals', ['us marshall'])
    """
    if ev.type != "search" or ev.on_behalf_of:
        return ev
    case = ev.case_number
    found = federal_assist(ev.reason) or (federal_assist(case) if case and _has_letters(case) else None)
    if found is None or found.party == ev.searcher:
        return ev
    return ev.model_copy(update={"on_behalf_of": found.party, "on_behalf_of_inferred": list(found.words)})
