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
from functools import lru_cache

__all__ = [
    "PURPOSES",
    "PURPOSE_ORDER",
    "IMMIGRATION_TERMS",
    "REPRODUCTIVE_CARE_TERMS",
    "FORBIDDEN_PURPOSE_TERMS",
    "PLACEHOLDERS",
    "PURPOSE_TERMS",
    "classify_reason",
    "search_purpose",
    "code_section_purpose",
    "is_case_number",
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
    "usbp",
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
#: Phrases in which an immigration word is not about immigration: frozen water ("ice cream", "black ice"),
#: a crime ("ICE impersonation": someone posing as an agent), Desert Hot Springs ("DHS PD").
ICE_FALSE_FRIENDS: tuple[str, ...] = (
    "ice cream",
    "ice rink",
    "ice storm",
    "black ice",
    "ice machine",
    "ice chest",
    "ice maker",
    "ice impersonat*",
    "impersonat* ice",
    "impersonating an ice",
    "fake ice",
    "posing as ice",
    "dhs pd",
    "dhs police",
    "dhspd",
    "desert hot springs",
)
#: Words before an immigration term that deny it ("not immigration", "non-ICE").
NEGATIONS: tuple[str, ...] = ("not", "no", "non")

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
    "adw",
    "vro",
    "restraining order violation",
    "brandish*",
    "criminal threat*",
    "threats",
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
    "crim mis",
    "crim mischief",
    "g t a",
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
    "gta",
    "grand theft*",
    "stolen veh*",
    "unlawful taking",
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
    "evading",
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
    "offense",
    "susp",
    "sus veh",
    "impersonat*",
    "posing as",
    "fake",
    "service call",
    "arrest*",
    "parole*",
    "probation*",
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
#: A bare case or report number: "2514277", "20260332", "2026-0380", "25-001", "SO25-1234", "CR#2026-00017".
_CASE_NUMBER = re.compile(
    r"^(?:(?:case|cr|rpt|report|inc|dr|rb|gr)?\s*(?:no\.?|#)?\s*)?"
    r"(?:[a-z]{0,4}[-#]?\d{5,}[a-z0-9]*|[a-z]{0,4}[-#]?\d{2,4}[-_/]\d{2,}(?:[-_/]\d+)?[a-z]?)$"
)
_ALERT_PREFIX = re.compile(r"^other image search from alerts page associated with alert:\s*", re.IGNORECASE)
#: A code section: "245(a)(2)PC", "211 PC", "PC 459", "10851(a)CVC", "23152 VC", "HS 11350", "273.5PC".
_CODE_SECTION = re.compile(
    r"(?<![a-z0-9])(?:(?P<num>\d{2,5}(?:\.\d+)?)(?:\s*\([a-z0-9]{1,3}\))*\s*(?P<code>c?vc|pc|hs|h&s|hsc|wic|w&i|bp)"
    r"|(?P<code2>c?vc|pc|hs|h&s|hsc|wic|w&i)\s*(?P<num2>\d{2,5}(?:\.\d+)?))(?![a-z0-9])"
)
#: California penal-code sections (the integer part) -> purpose; any other PC section is a crime
#: ("investigation").
PENAL_CODE_PURPOSES: dict[str, str] = {
    **dict.fromkeys(
        ("187", "189", "192", "203", "205", "207", "209", "211", "212", "213", "215", "220", "236", "240",
         "241", "242", "243", "244", "245", "246", "261", "264", "273", "278", "288", "417", "422", "646",
         "664", "29800", "25850", "25400", "26100", "12020", "12021", "12025", "12031"), "violent_crime"),
    **dict.fromkeys(
        ("451", "459", "460", "470", "476", "484", "487", "488", "490", "496", "503", "530", "594", "602",
         "666"), "property_crime"),
}
#: Vehicle-code sections that are not traffic: vehicle theft and tampering.
VEHICLE_THEFT_SECTIONS = frozenset({"10851", "10852", "10853"})


def reason_words(text: str) -> list[str]:
    """Lower-case words of a reason (``+``, ``/``, ``-``, ``.`` separate words; accents folded).

    >>> reason_words("ICE+ERO / Person-Crime.")
    ['ice', 'ero', 'person', 'crime']
    """
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(folded.lower())


def code_section_purpose(text: str) -> str | None:
    """The purpose of the first penal-, vehicle- or health-and-safety-code section in a reason, or None.

    >>> [code_section_purpose(t) for t in ["245(a)(2)PC", "211PC", "10851(a)CVC", "459PC", "23152 VC"]]
    ['violent_crime', 'violent_crime', 'property_crime', 'property_crime', 'traffic']
    >>> code_section_purpose("HS 11350"), code_section_purpose("148 PC"), code_section_purpose("UUV")
    ('drugs', 'investigation', None)
    """
    folded = (text or "").lower()
    m = _CODE_SECTION.search(folded)
    if not m:
        return None
    code = (m["code"] or m["code2"]).replace("c", "") if (m["code"] or m["code2"]) in ("cvc", "vc") else (
        m["code"] or m["code2"])
    section = (m["num"] or m["num2"]).split(".")[0]
    if code == "v":
        return "property_crime" if section in VEHICLE_THEFT_SECTIONS else "traffic"
    if code in ("hs", "h&s", "hsc"):
        return "drugs" if section.startswith("11") else "investigation"
    if code == "pc":
        return PENAL_CODE_PURPOSES.get(section, "investigation")
    return "investigation"


def is_case_number(text: str | None) -> bool:
    """Is a reason only a case or report number ("20260332", "2026-0380", "25-001", "SO25-1234")?

    >>> [is_case_number(t) for t in ["20260332", "2026-0380", "25-001", "Case #2026-0380", "391NCQ", "2510"]]
    [True, True, True, True, False, False]
    """
    return bool(_CASE_NUMBER.match(" ".join((text or "").lower().split())))


def _matches(words: list[str], joined: str, term: str) -> bool:
    if term.endswith("*"):
        stem = term[:-1]
        if " " in stem:
            return f" {stem}" in joined
        return any(w.startswith(stem) for w in words)
    return f" {term} " in joined


def _match_table(words: list[str], joined: str, terms: tuple[str, ...]) -> bool:
    return any(_matches(words, joined, t) for t in terms)


def _without_false_friends(joined: str) -> str:
    cleaned = joined
    for friend in ICE_FALSE_FRIENDS:
        if "*" in friend:
            pattern = " " + re.escape(friend).replace(r"\*", "[a-z0-9]*") + " "
            cleaned = re.sub(pattern, "  ", cleaned)
        else:
            cleaned = cleaned.replace(f" {friend} ", "  ")
    for neg in NEGATIONS:
        cleaned = re.sub(rf" {neg} (?:[a-z]+ )?(?:ice|immig[a-z]*|dhs|ero|hsi|cbp|deport[a-z]*) ", "  ", cleaned)
    return " " + " ".join(cleaned.split()) + " "


@lru_cache(maxsize=1 << 16)
def classify_reason(text: str | None) -> str:
    """The purpose of a free-text search reason (one of :data:`PURPOSES`).

    Junk (empty, ``***``, ``——``, ``NA``, ``test``, a single letter, a plate-like token) is ``unspecified``;
    a bare case number and a code section are read as what they are.

    >>> [classify_reason(r) for r in ["ICE WARRANT", "immigration", "juice", "device theft", "service"]]
    ['immigration', 'immigration', 'unspecified', 'property_crime', 'unspecified']
    >>> [classify_reason(r) for r in ["abortion", "Missing Person", "DUII / Reckless", "2514277", "a"]]
    ['reproductive_care', 'missing_person', 'traffic', 'investigation', 'unspecified']
    >>> [classify_reason(r) for r in ["ICE impersonation", "DHS PD case", "211PC", "GTA", "susp veh", "2026-0380"]]
    ['investigation', 'investigation', 'violent_crime', 'property_crime', 'investigation', 'investigation']
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
    cleaned = _without_false_friends(joined)
    if _match_table(cleaned.split(), cleaned, IMMIGRATION_TERMS):
        return "immigration"
    section = code_section_purpose(raw)
    for purpose, terms in PURPOSE_TERMS.items():
        if purpose == "immigration":
            continue
        if purpose == "investigation" and section is not None:
            return section
        if _match_table(words, joined, terms):
            return purpose
    if section is not None:
        return section
    if is_case_number(raw) or all(is_case_number(w) for w in words):
        return "investigation"
    return "unspecified"


def search_purpose(reason: str | None, offense_type: str | None = None) -> str:
    """The purpose of a search from its reason and, where the reason does not say, its offense type.

    A specific purpose in the reason wins; a reason that is blank or only says "investigation" takes the
    offense type's purpose when that is more specific.

    >>> search_purpose("", "Burglary"), search_purpose("inv", "Stolen Vehicle"), search_purpose("ICE", "Theft")
    ('property_crime', 'property_crime', 'immigration')
    >>> search_purpose("***", None), search_purpose("", "Other")
    ('unspecified', 'unspecified')
    """
    purpose = classify_reason(reason)
    if offense_type and purpose in ("unspecified", "investigation"):
        from_offense = classify_reason(offense_type)
        if from_offense != "unspecified" and (purpose == "unspecified" or from_offense != "investigation"):
            return from_offense
    return purpose


def is_real_reason(text: str | None) -> bool:
    """Does a reason say why the search was made (anything but ``unspecified``)?

    >>> is_real_reason("UUV"), is_real_reason("——"), is_real_reason("Daytime search for best result")
    (True, False, False)
    """
    return classify_reason(text) != "unspecified"
