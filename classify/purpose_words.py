"""The keyword tables of the reason classifier (``classify.purposes``): purposes, the words that reveal each,
their false friends, and the reasons that are no reason. Data, not logic: edit a table here and
tests/test_purposes.py (with its hand-labelled reasons) says what it changed.

Each table holds whole words (``"ice"``), multi-word phrases (``"hit and run"``) or prefixes ending in
``*`` (``"deport*"`` matches deport, deported, deportation).

>>> "immigration" in PURPOSES, "deport*" in IMMIGRATION_TERMS
(True, True)
"""

from __future__ import annotations

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
    "homeland security",
    "287 g",
    "287g",
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
#: Words around "DHS" that make it a county or state Department of Human or Health Services, not Homeland
#: Security ("county DHS child welfare", "Oregon DHS"): with one of them, and no "homeland", DHS is dropped.
DHS_NOT_FEDERAL: tuple[str, ...] = (
    "county", "human service*", "health service*", "human svcs", "child welfare", "cps", "caseworker*",
    "case worker*", "social worker*", "foster", "odhs", "state dhs", "oregon", "iowa", "minnesota",
    "arkansas", "alabama", "oklahoma", "wisconsin", "pennsylvania", "michigan", "illinois", "tennessee",
    "benefit*", "snap", "medicaid", "welfare check",
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
    "suicid*",
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
    "sex offense*",
    "sex crime*",
    "elder abuse",
    "dependent adult abuse",
    "extortion",
    "blackmail",
    "fight*",
    "lewd*",
    "indecent*",
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
    "tamper*",
    "graffiti",
    "counterfeit*",
    "damage*",
    "elder financial abuse",
    "s v",
    "stln*",
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
    "sideshow*",
    "takeover*",
    "street takeover",
    "exhibition of speed",
    "exhibition speed",
    "pursuit",
    "abandoned vehicle",
    "abandoned auto",
    "abandoned car",
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
    "fugitive*",
    "obstruct*",
    "disturbance*",
    "of interest",
    "voi",
    "poi",
)

#: Reasons that stand in for no reason (matched on the whole reason, lower case, spaces collapsed): the
#: *missing* tier of ``classify.reason_tiers`` and, with :data:`VAGUE_REASONS`, the ``unspecified`` purpose.
MISSING_PLACEHOLDERS: frozenset[str] = frozenset({
    "", "na", "n/a", "n.a.", "n a", "n\\a", "none", "none given", "no reason", "no reason given", "not given",
    "not applicable", "null", "nil", "unknown", "unk", "unkn", "tbd", "tba", "x", "xx", "xxx", "xxxx",
    "asdf", "asdfg", "qwerty", "blank", "empty", "reason", "no", "nope", "?", "??", "???", "unspecified",
    "not specified", "none specified", "not provided", "none provided", "no reason provided", "not stated",
    "no info", "no information", "nan", "not available", "nothing", "unknown reason", "other - not applicable",
    "other - n/a", "other: n/a", "other n/a",
    "-", "--", "---", "——", "—", "–", "***", "**", "*", "...", "..", ".",
})
#: Reasons that say something, but nothing that names a purpose (a test, "other", "police", "dragnet"): stated
#: but unrecognised as a tier, ``unspecified`` as a purpose.
VAGUE_REASONS: frozenset[str] = frozenset({
    "test", "testing", "tests", "admin test", "administrative test", "camera test", "training", "demo", "other",
    "misc", "search", "lookup", "police", "law enforcement", "le", "daytime search for best result",
    "pattern of life", "dragnet", "drag",
})
#: Reasons that are no reason at all as far as a purpose goes (matched on the whole reason, case-insensitively).
PLACEHOLDERS: frozenset[str] = MISSING_PLACEHOLDERS | VAGUE_REASONS

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
