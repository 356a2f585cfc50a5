"""Free-text search reasons -> purposes, by keyword tables.

Flock search audits carry a free-text reason ("UUV", "Person+Crime", "inv", "ICE+ERO", "***").
:func:`classify_reason` sorts one into a purpose from :data:`PURPOSES`. Reasons are split into
lower-case words (on anything but letters and digits, so ``+``, ``/`` and ``-`` separate words) and the
tables below are matched on whole words or word prefixes, in the order of :data:`PURPOSE_ORDER`: the
first purpose whose table matches wins (immigration before everything, since "ICE WARRANT" is a warrant
for ICE; a specific crime before the generic "investigation").

Whole words matter: "police", "juice", "service" and "device" contain "ice" but are not ICE.

>>> [classify_reason(r) for r in ["ICE+ERO", "police", "UUV", "Person+Crime", "inv", "***", ""]]
['immigration', 'unspecified', 'property_crime', 'violent_crime', 'investigation', 'unspecified', \
'unspecified']
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "PURPOSES",
    "PURPOSE_ORDER",
    "IMMIGRATION_TERMS",
    "REPRODUCTIVE_CARE_TERMS",
    "FORBIDDEN_PURPOSE_TERMS",
    "PLACEHOLDERS",
    "PURPOSE_TERMS",
    "classify_reason",
    "is_real_reason",
    "reason_words",
]

PURPOSES: tuple[str, ...] = (
    "immigration",
    "reproductive_care",
    "violent_crime",
    "property_crime",
    "missing_person",
    "traffic",
    "drugs",
    "investigation",
    "unspecified",
)

# Each table: whole words (``"ice"``), multi-word phrases (``"hit and run"``) or prefixes ending in
# ``*`` (``"deport*"`` matches deport, deported, deportation).

IMMIGRATION_TERMS: tuple[str, ...] = (
    "ice",
    "ero",
    "hsi",
    "cbp",
    "immig*",
    "imigr*",
    "deport*",
    "undocumented",
    "illegal alien*",
    "alien",
    "aliens",
    "border patrol",
    "removal order",
    "ice warrant",
    "customs and border",
    "dhs",
    "enforcement and removal",
    "homeland security investigations",
)
#: Words after "ice" that make it frozen water or meth, not the agency ("ice cream", "black ice").
ICE_FALSE_FRIENDS: tuple[str, ...] = ("ice cream", "ice rink", "ice storm", "black ice", "ice machine")

REPRODUCTIVE_CARE_TERMS: tuple[str, ...] = (
    "abortion*",
    "reproductive*",
    "planned parenthood",
    "mifepristone",
    "misoprostol",
    "self managed abortion",
    "pregnancy termination",
    "terminated pregnancy",
)

MISSING_PERSON_TERMS: tuple[str, ...] = (
    "missing*",
    "misper",
    "amber",
    "silver alert",
    "endangered",
    "runaway*",
    "welfare*",
    "wellness",
    "lost child",
    "missing person",
)

VIOLENT_CRIME_TERMS: tuple[str, ...] = (
    "person crime*",
    "person crimes",
    "peron crime",
    "felony person",
    "crimes against person*",
    "homicide*",
    "murder*",
    "shooting*",
    "shots",
    "shot",
    "assault*",
    "robbery",
    "robberies",
    "rape",
    "sex abuse",
    "sexual*",
    "kidnap*",
    "abduct*",
    "carjack*",
    "stabbing",
    "weapon*",
    "gun",
    "guns",
    "firearm*",
    "intimidation",
    "menacing",
    "strangulation",
    "domestic",
    "dv",
    "icac",
    "child abuse",
    "human trafficking",
    "violent",
    "armed",
    "harassment",
    "stalking",
    "attempted murder",
)

PROPERTY_CRIME_TERMS: tuple[str, ...] = (
    "property*",
    "propert*",
    "proeprt*",
    "prop crime",
    "theft*",
    "thief",
    "thefts",
    "burg*",
    "stolen*",
    "uuv*",
    "uumv",
    "unauthorized use",
    "vandal*",
    "criminal mischief",
    "fraud*",
    "forgery",
    "financial crime",
    "shoplift*",
    "larceny",
    "embezzle*",
    "catalytic",
    "identity theft",
    "arson",
    "trespass*",
    "stolen plate",
    "stolen vehicle",
    "stolen car",
    "car prowl",
    "vehicle prowl",
    "scam",
)

TRAFFIC_TERMS: tuple[str, ...] = (
    "traffic",
    "duii",
    "dui",
    "dwi",
    "owi",
    "reckless*",
    "hit and run",
    "hit run",
    "hnr",
    "crash*",
    "collision",
    "expired license",
    "suspended license",
    "speeding",
    "eluding",
    "elude",
    "driving",
    "road rage",
    "fail to yield",
    "failure to yield",
)

DRUG_TERMS: tuple[str, ...] = (
    "drug*",
    "narcotic*",
    "meth",
    "methamphetamine",
    "fentanyl",
    "heroin",
    "cocaine",
    "cannabis",
    "marijuana",
    "controlled substance",
    "dealing",
    "overdose",
)

INVESTIGATION_TERMS: tuple[str, ...] = (
    "inv*",
    "ives*",
    "inest*",
    "invst*",
    "case",
    "case number",
    "warrant*",
    "warr",
    "wanted",
    "suspect*",
    "suspicious",
    "cfs",
    "call for service",
    "tip",
    "crime*",
    "criminal*",
    "crim",
    "atl",
    "attempt to locate",
    "follow up",
    "fu",
    "bolo",
    "felony",
    "felny",
    "misdemeanor",
    "misdo",
    "alert",
    "detective",
    "lead",
    "leads",
    "probable cause",
    "vro",
    "offense",
)

#: Reasons that are no reason at all (matched on the whole reason, case-insensitively).
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "",
        "na",
        "n/a",
        "n a",
        "none",
        "null",
        "nil",
        "unknown",
        "unk",
        "-",
        "--",
        "---",
        "——",
        "—",
        "–",
        "***",
        "**",
        "*",
        "...",
        "..",
        ".",
        "?",
        "??",
        "x",
        "xx",
        "xxx",
        "test",
        "testing",
        "tests",
        "admin test",
        "administrative test",
        "camera test",
        "training",
        "demo",
        "other",
        "misc",
        "asdf",
        "search",
        "lookup",
        "police",
        "law enforcement",
        "le",
        "daytime search for best result",
        "pattern of life",
        "dragnet",
        "drag",
    }
)

#: Purposes that laws forbid for some uses, and the words that reveal them (used by rule sets).
FORBIDDEN_PURPOSE_TERMS: dict[str, tuple[str, ...]] = {
    "immigration": IMMIGRATION_TERMS,
    "reproductive_care": REPRODUCTIVE_CARE_TERMS,
}

#: Tables in the order they are tried.
PURPOSE_TERMS: dict[str, tuple[str, ...]] = {
    "immigration": IMMIGRATION_TERMS,
    "reproductive_care": REPRODUCTIVE_CARE_TERMS,
    "missing_person": MISSING_PERSON_TERMS,
    "violent_crime": VIOLENT_CRIME_TERMS,
    "drugs": DRUG_TERMS,
    "property_crime": PROPERTY_CRIME_TERMS,
    "traffic": TRAFFIC_TERMS,
    "investigation": INVESTIGATION_TERMS,
}
PURPOSE_ORDER: tuple[str, ...] = tuple(PURPOSE_TERMS) + ("unspecified",)

_WORD = re.compile(r"[a-z0-9]+")
_CASE_NUMBER = re.compile(r"^(?:[a-z]{0,4}\d{5,}[a-z0-9]*|\d{2,4}-\d{3,})$")
_ALERT_PREFIX = re.compile(r"^other image search from alerts page associated with alert:\s*", re.IGNORECASE)


def reason_words(text: str) -> list[str]:
    """Lower-case words of a reason (``+``, ``/``, ``-``, ``.`` separate words; accents folded).

    >>> reason_words("ICE+ERO / Person-Crime.")
    ['ice', 'ero', 'person', 'crime']
    """
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(folded.lower())


def _matches(words: list[str], joined: str, term: str) -> bool:
    if term.endswith("*"):
        stem = term[:-1]
        if " " in stem:
            return f" {stem}" in joined
        return any(w.startswith(stem) for w in words)
    return f" {term} " in joined


def _match_table(words: list[str], joined: str, terms: tuple[str, ...]) -> bool:
    return any(_matches(words, joined, t) for t in terms)


def classify_reason(text: str | None) -> str:
    """The purpose of a free-text search reason (one of :data:`PURPOSES`).

    Junk (empty, ``***``, ``——``, ``NA``, ``test``, a single letter, a plate-like token, digits that are
    not a case number) is ``unspecified``; a bare case number is ``investigation``.

    >>> [classify_reason(r) for r in ["ICE WARRANT", "immigration", "juice", "device theft", "service"]]
    ['immigration', 'immigration', 'unspecified', 'property_crime', 'unspecified']
    >>> [classify_reason(r) for r in ["abortion", "Missing Person", "DUII / Reckless", "2514277", "a"]]
    ['reproductive_care', 'missing_person', 'traffic', 'investigation', 'unspecified']
    """
    raw = (text or "").strip()
    raw = _ALERT_PREFIX.sub("", raw)
    if raw.lower() in PLACEHOLDERS:
        return "unspecified"
    words = reason_words(raw)
    if not words:
        return "unspecified"
    joined = " " + " ".join(words) + " "
    if joined.strip() in PLACEHOLDERS:
        return "unspecified"
    for purpose, terms in PURPOSE_TERMS.items():
        if purpose == "immigration":
            cleaned = joined
            for friend in ICE_FALSE_FRIENDS:
                cleaned = cleaned.replace(f" {friend} ", " ")
            cleaned_words = cleaned.split()
            if _match_table(cleaned_words, cleaned, terms):
                return purpose
            continue
        if _match_table(words, joined, terms):
            return purpose
    if all(_CASE_NUMBER.match(w) for w in words):
        return "investigation"
    return "unspecified"


def is_real_reason(text: str | None) -> bool:
    """Does a reason say why the search was made (anything but ``unspecified``)?

    >>> is_real_reason("UUV"), is_real_reason("——"), is_real_reason("Daytime search for best result")
    (True, False, False)
    """
    return classify_reason(text) != "unspecified"
