"""Agency names -> party ids, states and kinds, by an explicit table-driven classifier.

Real exports (Flock transparency portals, the Atlas of Surveillance) name agencies as free text:
``"Sylvania OH PD"``, ``"Waterford Township PD- MI"``, ``"ATF Nashville TN"``, ``"FBI"``. This module

* normalises a name (:func:`normalise_name`) and makes its party id (:func:`agency_party_id`);
* finds the two-letter state in it (:func:`state_of_name`), avoiding tokens that only look like one
  (``PD``, ``SO``, ``DA``; ``CO`` for "county", ``SD`` for "sheriff's department", ``LA`` for Los Angeles,
  ``UT`` for the University of Texas, ``IN`` in "NOT IN USE");
* sorts it into a category and a registry kind (:func:`classify_agency`) with keyword tables
  (module-level constants below), checked in a fixed order; the first table that matches wins.

Categories and the registry kind (:data:`schemas.parties.PartyKind`) each maps to:

==============  =========================================================
category        kind
==============  =========================================================
federal         federal
military        federal (a state National Guard: state)
state           state
fusion center   fusion
sheriff         sheriff
local police    local (towns, counties, constables, marshals, airports,
                transit, park districts, school districts, hospitals)
fire            fire (fire departments and districts, fire marshals, rescue
                and EMS authorities: not police)
university      local
task force      local
prosecutor      local (district attorneys, county prosecutors, solicitors)
private         unknown (vendors, Flock's own demo/test orgs, railroads)
unknown         unknown
==============  =========================================================

Flock marks federal users' organisations: "(Federal) US Postal Inspection Service", "[Federal] X" and
"X (Federal)" are X (:func:`federal_tag`), and federal whatever the rest of the name says. An entry that is
switched off or not an agency ("[DEACTIVATED] - demo", "Z Do not use", a vendor's demo organisation) is
marked in ``left_out`` with why; importers leave it out of counts and say so.

A federal agency has no state of its own: its ``state`` is None and the state token of a field office
(``"ATF Nashville TN"``) is kept as ``located_in``.

>>> c = classify_agency("ATF Nashville TN")
>>> c.party_id, c.category, c.kind, c.state, c.located_in
('agency:atf-nashville-tn', 'federal', 'federal', None, 'TN')
>>> classify_agency("Dearborn MI PD").kind
'local'
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from classify.agency_words import (  # the classifier's keyword tables
    ACRONYM_STATES,
    AMBIGUOUS_CODES,
    CAPS_WORDS,
    CATEGORIES,
    CATEGORY_KINDS,
    DEACTIVATED_PHRASES,
    DEFUNCT_PHRASES,
    FALLBACK_WITH_STATE,
    FEDERAL_ACRONYMS,
    FEDERAL_LEADING,
    FEDERAL_PHRASES,
    FIRE_PHRASES,
    FUSION_PHRASES,
    LOCAL_PHRASES,
    MILITARY_PHRASES,
    MULTISTATE_PHRASES,
    NATIONAL_GUARD_PHRASES,
    NOTE_PHRASES,
    PLACE_NAME_TRAPS,
    POLICE_WORDS,
    PRIVATE_PHRASES,
    PRIVATE_UNIVERSITY_PHRASES,
    PROSECUTOR_PHRASES,
    SCHOOL_DISTRICT_PHRASES,
    SHERIFF_PHRASES,
    STATE_AG_PHRASES,
    STATE_BODY_WORDS,
    STATE_CODES,
    STATE_NAMES,
    STATE_PHRASES,
    STATELESS_CATEGORIES,
    SUFFIX_TOKENS,
    TASK_FORCE_PHRASES,
    TOWN_AFTER_STATE_NAME,
    TRIBAL_PHRASES,
    UNIVERSITY_PHRASES,
    UNIVERSITY_PLACE_TRAPS,
    VENDOR_TEST_PHRASES,
    WORDLIKE_CODES,
)
from classify.assists import federal_name_party
from classify.gazetteer import state_of_place
from schemas.parties import Party

__all__ = [
    "AgencyClass",
    "Override",
    "CATEGORIES",
    "CATEGORY_KINDS",
    "STATE_CODES",
    "STATE_NAMES",
    "normalise_name",
    "agency_slug",
    "agency_party_id",
    "state_of_name",
    "has_state_token",
    "classify_agency",
    "name_from_slug",
    "resolve_party",
    "make_resolver",
    "load_overrides",
    "federal_tag",
]


# --------------------------------------------------------------------------------------------------
# Names and ids
# --------------------------------------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_QUOTES = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'),
}


def normalise_name(raw: str) -> str:
    """Strip, collapse white space (also non-breaking), unify dashes and quotes.

    >>> normalise_name("  Waterford\\u00a0Township  PD\\u2014 MI ")
    'Waterford Township PD- MI'
    >>> normalise_name("Sheriff\\u2019s Office")
    "Sheriff's Office"
    """
    text = unicodedata.normalize("NFKC", raw or "")
    text = text.translate(_DASHES).translate(_QUOTES)
    return " ".join(text.split())


def agency_slug(name: str) -> str:
    """Lower-case slug: each run of characters other than ``a-z0-9`` becomes one ``-``, ends stripped.

    Letters with accents are folded to ASCII first.

    >>> agency_slug("Clark Co. IL Sheriff's Dept.")
    'clark-co-il-sheriff-s-dept'
    >>> agency_slug("Foothill-DeAnza CA PD"), agency_slug("Peñasco NM PD")
    ('foothill-deanza-ca-pd', 'penasco-nm-pd')
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_FEDERAL_TAG = re.compile(r"^\s*[\[(]\s*federal\s*[\])]\s*-?\s*|\s*-?\s*[\[(]\s*federal\s*[\])]\s*$", re.IGNORECASE)


def federal_tag(name: str) -> tuple[str, bool]:
    """(the name without Flock's federal mark, whether it had one): "(Federal) X", "[Federal] X", "X (Federal)".
    "Federal Way WA PD" is a town's police, not a mark.

    >>> federal_tag("(Federal) US Postal Inspection Service"), federal_tag("Federal Way WA PD")
    (('US Postal Inspection Service', True), ('Federal Way WA PD', False))
    """
    stripped = _FEDERAL_TAG.sub("", name)
    return (stripped.strip(), True) if stripped != name and stripped.strip() else (name, False)


def agency_party_id(name: str) -> str:
    """Party id of an agency: ``agency:`` and the slug of its normalised name (Flock's federal mark dropped).

    >>> agency_party_id(" El Cajon CA PD "), agency_party_id("FBI")
    ('agency:el-cajon-ca-pd', 'agency:fbi')
    >>> agency_party_id("US Postal Inspection Service"), agency_party_id("[Federal] US Postal Inspection Service")
    ('agency:us-postal-inspection-service', 'agency:us-postal-inspection-service')
    """
    return "agency:" + agency_slug(federal_tag(normalise_name(name))[0])


_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+")


def _tokens(name: str) -> list[str]:
    return _TOKEN.findall(name)


def _words(name: str) -> str:
    """Lower-case words separated by single spaces, padded: ' sheriff s office '."""
    return " " + " ".join(t.lower() for t in _tokens(name)) + " "


def _has_any(words: str, phrases: tuple[str, ...]) -> str | None:
    for phrase in phrases:
        if f" {phrase} " in words:
            return phrase
    return None


def _strip_notes(name: str) -> str:
    text = name
    for phrase in NOTE_PHRASES:
        text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
    return text


def has_state_token(name: str) -> bool:
    """Does a name carry a two-letter state code (not just a spelled-out state)?

    >>> has_state_token("Sylvania OH PD"), has_state_token("Wyoming Police Department")
    (True, False)
    """
    return bool(_state_tokens(_tokens(_strip_notes(normalise_name(name)))))


def _state_tokens(tokens: list[str]) -> list[str]:
    found = []
    for i, tok in enumerate(tokens):
        if tok not in STATE_CODES:
            continue
        neighbours = tokens[max(0, i - 1) : i] + tokens[i + 1 : i + 2]
        if tok in WORDLIKE_CODES and any(n in CAPS_WORDS for n in neighbours):
            continue  # "NOT IN USE"
        found.append(tok)
    return found


def state_of_name(name: str) -> str | None:
    """The US state an agency name carries, as a two-letter code, or None.

    Capitalised two-letter tokens first (the last one wins when several, after dropping ``CO``/``SD``/
    ``LA``/``UT`` used as abbreviations); then a mixed-case code in the state slot ("Crestview Fl PD");
    then a spelled-out state name ("Austin Texas PD", "Georgia Bureau of Investigation"), avoiding
    place names such as "Kansas City" or "Michigan City".

    >>> [state_of_name(n) for n in ["Sylvania OH PD", "Madison TWP (Franklin CO) OH PD", "CO - Fort Collins"]]
    ['OH', 'OH', 'CO']
    >>> [state_of_name(n) for n in ["Los Angeles County CA SD", "LA County CA Sheriff", "Wagoner CO SO OK"]]
    ['CA', 'CA', 'OK']
    >>> [state_of_name(n) for n in ["Lake In The Hills IL PD", "La Mesa CA PD", "Austin Texas PD", "FBI"]]
    ['IL', 'CA', 'TX', None]
    >>> state_of_name("NCRIC")  # a regional intelligence center's acronym that names its state's region
    'CA'

    """
    text = _strip_notes(normalise_name(name))
    tokens = _tokens(text)
    candidates = _state_tokens(tokens)
    if len(set(candidates)) > 1:
        plain = [c for c in candidates if c not in AMBIGUOUS_CODES]
        if plain:
            candidates = plain
    if candidates:
        return candidates[-1]
    # a mixed-case code in the state slot: just before the trailing PD/SO, or last
    slot = list(tokens)
    while slot and slot[-1].upper() in SUFFIX_TOKENS and len(slot) > 1:
        slot.pop()
    if len(slot) > 1:
        last = slot[-1]
        if len(last) == 2 and last.upper() in STATE_CODES and last.upper() not in WORDLIKE_CODES:
            return last.upper()
    words = _words(text)
    for acronym, state in ACRONYM_STATES.items():
        if f" {acronym} " in words:
            return state
    for phrase, code in PLACE_NAME_TRAPS.items():
        if f" {phrase} " in words:
            return code
    best: tuple[int, str] | None = None
    for state_name, code in sorted(STATE_NAMES.items(), key=lambda kv: -len(kv[0])):
        pos = words.find(f" {state_name} ")
        if pos < 0:
            continue
        if pos == 0 and _next_word(words, state_name) in TOWN_AFTER_STATE_NAME:
            continue  # "Wyoming Police Department" (Wyoming, OH), "Maryland Heights", "Oregon City"
        if best is None or pos < best[0]:
            best = (pos, code)
        words = words.replace(f" {state_name} ", " " + "_" * len(state_name) + " ")
    if best:
        return best[1]
    return state_of_place(text)  # a place or county found in one state only (Census gazetteer)


def _next_word(words: str, phrase: str) -> str:
    rest = words[len(phrase) + 2 :].split()
    return rest[0] if rest else ""


def _leading_state(tokens: list[str], words: str) -> bool:
    """Does the name begin with a state ("Ohio DPS", "MS Office of ...", "AZ - Department ...")?"""
    if tokens and tokens[0] in STATE_CODES:
        return True
    for phrase in PLACE_NAME_TRAPS:
        if words.startswith(f" {phrase} "):
            return False
    return any(
        words.startswith(f" {state_name} ") and _next_word(words, state_name) not in TOWN_AFTER_STATE_NAME
        for state_name in STATE_NAMES
    )


# --------------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyClass:
    """What the classifier says about one agency name."""

    name: str
    party_id: str
    state: str | None
    category: str
    kind: str
    located_in: str | None = None
    rule: str = ""
    """Which table and phrase decided (or ``override``): explains the answer."""
    left_out: str | None = None
    """Why this entry is not counted as an agency (deactivated, do not use, a demo or test organisation)."""

    def to_party(self, joined: str | None = None, jurisdiction: str | None = None) -> Party:
        """The registry entry for this agency.

        >>> classify_agency("Fort Eustis VA US Army").to_party().model_dump(exclude_none=True)
        {'id': 'agency:fort-eustis-va-us-army', 'kind': 'federal', 'name': 'Fort Eustis VA US Army', \
'subkind': 'military'}
        """
        return Party(
            id=self.party_id,
            kind=self.kind,  # type: ignore[arg-type]
            name=self.name,
            state=self.state,
            jurisdiction=jurisdiction,
            subkind=self.category,
            joined=joined,
        )


@dataclass(frozen=True)
class Override:
    """A user's correction for one agency; None fields leave the classifier's answer alone."""

    kind: str | None = None
    state: str | None = None
    category: str | None = None
    clear_state: bool = False


def _category(name: str) -> tuple[str, str]:
    """(category, rule) for a normalised name."""
    tokens = _tokens(name)
    words = _words(name)
    upper = set(tokens)

    if hit := _has_any(words, DEFUNCT_PHRASES):
        if not _has_any(words, ("pd", "police", "so")):
            return "unknown", f"defunct:{hit}"
    if hit := _has_any(words, VENDOR_TEST_PHRASES):
        return "vendor test", f"vendor test:{hit}"
    if (hit := _has_any(words, PRIVATE_PHRASES)) and not _has_any(words, ("fire company",)):
        return "private", f"private:{hit}"
    if tokens and tokens[0] == "Flock":
        return "private", "private:Flock"
    if hit := _has_any(words, MILITARY_PHRASES):
        return "military", f"military:{hit}"
    if hits := upper & FEDERAL_ACRONYMS:
        return "federal", f"federal:{sorted(hits)[0]}"
    if tokens and tokens[0] in FEDERAL_LEADING:
        return "federal", f"federal:{tokens[0]}"
    if hit := _has_any(words, FEDERAL_PHRASES):
        return "federal", f"federal:{hit}"
    if (hit := _has_any(words, PRIVATE_UNIVERSITY_PHRASES)) and (
        _has_any(words, UNIVERSITY_PHRASES) or _has_any(words, ("university", "college", "dps", "public safety"))
    ):  # "Georgetown County SC SO" is not Georgetown University
        return "private university", f"private university:{hit}"
    if _has_any(words, UNIVERSITY_PHRASES):
        trap = _has_any(words, UNIVERSITY_PLACE_TRAPS)
        rest = words.replace(f" {trap} ", " ") if trap else words
        if hit := _has_any(rest, UNIVERSITY_PHRASES):
            return "university", f"university:{hit}"
    if hit := _has_any(words, MULTISTATE_PHRASES):
        return "multistate center", f"multistate center:{hit}"
    if hit := _has_any(words, FUSION_PHRASES):
        return "fusion center", f"fusion:{hit}"
    if hit := _has_any(words, TASK_FORCE_PHRASES):
        return "task force", f"task force:{hit}"
    if hit := _has_any(words, STATE_AG_PHRASES):
        return "state", f"state:{hit}"
    if hit := _has_any(words, PROSECUTOR_PHRASES):
        return "prosecutor", f"prosecutor:{hit}"
    if hit := _has_any(words, TRIBAL_PHRASES):
        return "tribal", f"tribal:{hit}"
    if (hit := _has_any(words, SCHOOL_DISTRICT_PHRASES)) and "SO" not in upper and not _has_any(
        words, SHERIFF_PHRASES
    ):
        return "school district", f"school district:{hit}"
    if (hit := _has_any(words, FIRE_PHRASES)) and not _has_any(words, POLICE_WORDS):
        return "fire", f"fire:{hit}"
    if "SO" in upper:
        return "sheriff", "sheriff:SO"
    if acronym := next((t for t in tokens if _SHERIFF_ACRONYM.fullmatch(t)), None):
        return "sheriff", f"sheriff:{acronym}"
    if hit := _has_any(words, SHERIFF_PHRASES):
        return "sheriff", f"sheriff:{hit}"
    # "SD" is a sheriff's department only after another state token: "Los Angeles County CA SD"
    if tokens and tokens[-1] == "SD" and len(set(_state_tokens(tokens))) > 1:
        return "sheriff", "sheriff:SD"
    if hit := _has_any(words, STATE_PHRASES):
        return "state", f"state:{hit}"
    if _leading_state(tokens, words) and (hit := _has_any(words, STATE_BODY_WORDS)):
        return "state", f"state:leading state + {hit}"
    if "homeland security" in words:
        return "federal", "federal:homeland security"
    if hit := _has_any(words, LOCAL_PHRASES):
        return "local police", f"local:{hit}"
    if acronym := next((t for t in tokens if _POLICE_ACRONYM.fullmatch(t)), None):
        return "local police", f"local:{acronym}"
    if _state_tokens(tokens):
        return FALLBACK_WITH_STATE, "local:place and state"
    return "unknown", "no rule"


def _left_out(name: str, category: str) -> str | None:
    words = _words(name)
    if hit := _has_any(words, DEACTIVATED_PHRASES):
        return f"marked {hit}"
    if _has_any(words, DEFUNCT_PHRASES):
        return "marked do not use"
    if category == "vendor test":
        return "a demo, test or training organisation"
    return None


_SHERIFF_ACRONYM = re.compile(r"[A-Z]{1,4}(SO|SD)")  # LASD, BCSO, HCSO, CSO
_POLICE_ACRONYM = re.compile(r"[A-Z]{1,4}PD")  # LAPD, NYPD


def classify_agency(name: str, overrides: Mapping[str, Override] | None = None) -> AgencyClass:
    """Classify one agency name; ``overrides`` (from :func:`load_overrides`) win over the tables.

    >>> [classify_agency(n).category for n in ["FBI", "US Postal Inspection Service", "Foothill-DeAnza CA"]]
    ['federal', 'federal', 'local police']
    >>> c = classify_agency("MS Office of Homeland Security")
    >>> c.category, c.kind, c.state
    ('state', 'state', 'MS')
    >>> [classify_agency(n).kind for n in ["Wake County NC SO", "Northeast Ohio Regional Fusion Center"]]
    ['sheriff', 'fusion']
    """
    clean, tagged = federal_tag(normalise_name(name))
    party_id = agency_party_id(clean)
    category, rule = _category(clean)
    if tagged and CATEGORY_KINDS[category] != "federal":
        category, rule = "federal", "federal:Flock's federal mark"
    located = state_of_name(clean)
    kind = CATEGORY_KINDS[category]
    if category == "military" and _has_any(_words(clean), NATIONAL_GUARD_PHRASES) and located:
        kind = "state"
    state = None if kind == "federal" or category in STATELESS_CATEGORIES else located
    if kind == "federal":  # "Federal Bureau of Investigation (FBI)" is agency:fbi, as "FBI" is
        party_id = federal_name_party(clean) or party_id
    result = AgencyClass(clean, party_id, state, category, kind, located, rule, _left_out(clean, category))
    if overrides:
        ov = overrides.get(party_id) or overrides.get(clean.lower())
        if ov is not None:
            new_category = ov.category or category
            new_kind = ov.kind or (CATEGORY_KINDS[ov.category] if ov.category else kind)
            new_state = None if ov.clear_state else (ov.state or state)
            result = replace(result, category=new_category, kind=new_kind, state=new_state, rule="override")
    return result


# --------------------------------------------------------------------------------------------------
# Party ids back to names, and the registry resolver
# --------------------------------------------------------------------------------------------------

_SLUG_UPPER = (
    SUFFIX_TOKENS | FEDERAL_ACRONYMS | FEDERAL_LEADING | {"TWP", "SBI", "GBI", "TBI", "KBI", "HIDTA"}
)


def name_from_slug(slug: str) -> str:
    """A readable name from a slug, with acronyms and the state slot in capitals.

    >>> name_from_slug("dearborn-mi-pd"), name_from_slug("la-mesa-ca-pd"), name_from_slug("atf-nashville-tn")
    ('Dearborn MI PD', 'La Mesa CA PD', 'ATF Nashville TN')
    """
    parts = [p for p in slug.split("-") if p]
    slot = len(parts) - 1
    while slot > 0 and parts[slot].upper() in SUFFIX_TOKENS:
        slot -= 1
    out = []
    for i, part in enumerate(parts):
        up = part.upper()
        if up in _SLUG_UPPER and not (up == "SO" and i == 0):
            out.append(up)
        elif len(part) == 2 and up in STATE_CODES and (i == slot or up not in WORDLIKE_CODES):
            out.append(up)
        else:
            out.append(part.capitalize())
    return " ".join(out)


def make_resolver(overrides: Mapping[str, Override] | None = None) -> Callable[[str], Party | None]:
    """A resolver for ``PartyRegistry(resolver=...)`` that applies ``overrides``.

    >>> from schemas.parties import PartyRegistry
    >>> reg = PartyRegistry(resolver=make_resolver({"agency:fbi": Override(kind="state")}))
    >>> reg.kind_of("agency:fbi"), reg.kind_of("agency:dearborn-mi-pd")
    ('state', 'local')
    """

    def resolve(party_id: str) -> Party | None:
        if not party_id.startswith("agency:"):
            return None
        slug = party_id.split(":", 1)[1]
        if not slug:
            return None
        cls = classify_agency(name_from_slug(slug), overrides)
        return Party(
            id=party_id,
            kind=cls.kind,  # type: ignore[arg-type]
            state=cls.state,
            subkind=cls.category,
        )

    return resolve


def resolve_party(party_id: str) -> Party | None:
    """Registry entry for an ``agency:<slug>`` id, classified from the de-slugged name; else None.

    >>> from schemas.parties import PartyRegistry
    >>> reg = PartyRegistry(resolver=resolve_party)
    >>> reg.kind_of("agency:fbi"), reg.state_of("agency:el-cajon-ca-pd"), reg.kind_of("resident:r-1")
    ('federal', 'CA', 'resident')
    """
    return _DEFAULT_RESOLVER(party_id)


_DEFAULT_RESOLVER = make_resolver()


# --------------------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------------------

_OVERRIDE_KEYS = ("agency", "name", "party", "party_id", "id")


def _override_from(row: Mapping[str, object]) -> Override:
    def field(key: str) -> str | None:
        value = row.get(key)
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    kind = field("kind")
    category = field("category")
    state = field("state")
    if kind is not None:
        from schemas.parties import PARTY_KINDS

        if kind not in PARTY_KINDS:
            raise ValueError(f"unknown kind {kind!r} (one of {', '.join(PARTY_KINDS)})")
    if category is not None and category not in CATEGORY_KINDS:
        raise ValueError(f"unknown category {category!r} (one of {', '.join(CATEGORIES)})")
    clear = state is not None and state.lower() in ("none", "-", "null")
    if state is not None and not clear:
        state = state.upper()
        if state not in STATE_CODES:
            raise ValueError(f"unknown state {state!r}")
    return Override(kind=kind, state=None if clear else state, category=category, clear_state=clear)


def _override_key(value: str) -> str:
    text = normalise_name(value)
    return text if ":" in text and " " not in text else agency_party_id(text)


def load_overrides(path: str | Path) -> dict[str, Override]:
    """Read a user's corrections, keyed by party id.

    Format, CSV (header required; blank cells leave the classifier's answer)::

        agency,kind,state,category
        Tennessee Valley Authority Police,federal,,federal
        agency:sikeston-mo-dps,local,MO,
        Some County SO,,none,

    or JSON, either a list of such objects or an object keyed by name or party id::

        {"Tennessee Valley Authority Police": {"kind": "federal"}, "agency:fbi": {"state": "DC"}}

    The first column (``agency``, also ``name``, ``party``, ``party_id`` or ``id``) is an agency name or
    an ``agency:...`` party id; ``kind`` is a registry kind, ``category`` one of :data:`CATEGORIES`
    (sets the kind too unless ``kind`` is given), ``state`` a two-letter code or ``none`` to clear it.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("agency,kind,state,category\\nTennessee Valley Authority Police,federal,,\\n")
    >>> ov = load_overrides(f.name); os.unlink(f.name)
    >>> classify_agency("Tennessee Valley Authority Police", ov).kind
    'federal'
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8-sig")
    rows: list[tuple[str, Mapping[str, object]]] = []
    if p.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        data = json.loads(text)
        if isinstance(data, dict):
            rows = [(str(k), v) for k, v in data.items()]
        else:
            for item in data:
                key = next((str(item[k]) for k in _OVERRIDE_KEYS if item.get(k)), "")
                rows.append((key, item))
    else:
        for item in csv.DictReader(text.splitlines()):
            clean = {(k or "").strip().lower(): (v or "") for k, v in item.items()}
            key = next((clean[k] for k in _OVERRIDE_KEYS if clean.get(k, "").strip()), "")
            rows.append((key, clean))
    out: dict[str, Override] = {}
    for key, row in rows:
        if not key.strip():
            raise ValueError(f"{path}: an override without an agency name or party id")
        out[_override_key(key)] = _override_from(row)
    return out
