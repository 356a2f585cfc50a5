"""The keyword tables of the agency classifier (``classify.agencies``): states, traps, and the phrases that
name each kind of agency. Data, not logic: edit a table here and the tests in tests/test_agencies.py say
what it changed.

>>> STATE_CODES["CA"], "PD" in SUFFIX_TOKENS
('California', True)
"""

from __future__ import annotations

__all__ = [
    "STATE_CODES",
    "STATE_NAMES",
    "AMBIGUOUS_CODES",
    "WORDLIKE_CODES",
    "CAPS_WORDS",
    "SUFFIX_TOKENS",
    "PLACE_NAME_TRAPS",
    "ACRONYM_STATES",
    "TOWN_AFTER_STATE_NAME",
    "NOTE_PHRASES",
    "CATEGORIES",
    "CATEGORY_KINDS",
    "DEFUNCT_PHRASES",
    "PRIVATE_PHRASES",
    "VENDOR_TEST_PHRASES",
    "MULTISTATE_PHRASES",
    "TRIBAL_PHRASES",
    "SCHOOL_DISTRICT_PHRASES",
    "PRIVATE_UNIVERSITY_PHRASES",
    "STATELESS_CATEGORIES",
    "MILITARY_PHRASES",
    "NATIONAL_GUARD_PHRASES",
    "FEDERAL_ACRONYMS",
    "FEDERAL_PHRASES",
    "FEDERAL_LEADING",
    "UNIVERSITY_PHRASES",
    "UNIVERSITY_PLACE_TRAPS",
    "FUSION_PHRASES",
    "TASK_FORCE_PHRASES",
    "STATE_AG_PHRASES",
    "PROSECUTOR_PHRASES",
    "SHERIFF_PHRASES",
    "STATE_PHRASES",
    "STATE_BODY_WORDS",
    "LOCAL_PHRASES",
    "FIRE_PHRASES",
    "POLICE_WORDS",
    "DEACTIVATED_PHRASES",
    "FALLBACK_WITH_STATE",
]

STATE_CODES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
}
#: Spelled-out state names (lower case, words separated by one space) -> code. "washington" is left
#: out on purpose (Washington County / Township / Port Washington); "washington state" is in.
STATE_NAMES: dict[str, str] = {
    **{name.lower(): code for code, name in STATE_CODES.items() if code not in ("WA", "DC")},
    "washington state": "WA",
    "district of columbia": "DC",
    "calif": "CA",
    "cal": "CA",
    "nys": "NY",
    "nysp": "NY",
}

#: Two-letter codes that are also common abbreviations; when a name holds another state token these
#: are not the state: "Reeves CO TX SO" (county), "Los Angeles County CA SD" (sheriff's department),
#: "LA County CA Sheriff" (Los Angeles), "UT Health - Tyler (TX)" (University of Texas).
AMBIGUOUS_CODES = frozenset({"CO", "SD", "LA", "UT"})

#: Codes that read as ordinary words when not written in capitals ("La Mesa", "Mt. Zion", "Lake In The
#: Hills", "Truth or Consequences", "Bureau Co. IL SO", "De Pere"): mixed-case tokens never count.
WORDLIKE_CODES = frozenset(
    {
        "IN",
        "OR",
        "ME",
        "LA",
        "DE",
        "MT",
        "OH",
        "HI",
        "OK",
        "PA",
        "MA",
        "AL",
        "ID",
        "CO",
        "NE",
        "MO",
        "GA",
    }
)

#: Capitalised words next to which a code is an English word ("NOT IN USE", "DO NOT USE").
CAPS_WORDS = frozenset(
    {"NOT", "USE", "DO", "DONT", "AND", "OF", "THE", "FOR", "TO", "ONLY", "IS", "IT", "ON"}
)

#: Trailing words that follow the state slot: "Sylvania OH PD", "Los Angeles County CA SD".
SUFFIX_TOKENS = frozenset({"PD", "SO", "SD", "DPS", "DA", "TF", "FD"})

#: Phrases, matched before spelled-out states, whose state word is a place name.
PLACE_NAME_TRAPS: dict[str, str | None] = {
    "kansas city": None,
    "michigan city": "IN",
    "missouri city": "TX",
    "oklahoma city": "OK",
    "iowa city": "IA",
    "iowa colony": "TX",
    "nevada city": "CA",
    "california city": "CA",
    "florida city": "FL",
    "texas city": "TX",
    "arkansas city": "KS",
    "virginia beach": "VA",
    "indiana township": None,
    "ohio township": None,
    "wisconsin dells": "WI",
    "wisconsin rapids": "WI",
    "delaware county": None,
    "iowa county": None,
    "nevada county": None,
}

#: A leading state name followed by one of these words is a town's name: "Wyoming Police Department"
#: (Wyoming, OH), "Oregon Police Department" (Oregon, WI), "Maryland Heights", "Oregon City".
TOWN_AFTER_STATE_NAME = frozenset(
    {
        "police",
        "pd",
        "city",
        "township",
        "twp",
        "heights",
        "village",
        "town",
        "borough",
        "so",
        "sheriff",
        "fire",
    }
)

#: Notes that exports put into names; removed before looking for the state.
NOTE_PHRASES: tuple[str, ...] = (
    "not in use",
    "do not use",
    "don't use",
    "dont use",
    "duplicate",
    "inactive",
    "delete",
)

CATEGORIES: tuple[str, ...] = (
    "federal",
    "military",
    "state",
    "fusion center",
    "multistate center",
    "sheriff",
    "local police",
    "fire",
    "school district",
    "tribal",
    "university",
    "private university",
    "task force",
    "prosecutor",
    "private",
    "vendor test",
    "unknown",
)
CATEGORY_KINDS: dict[str, str] = {
    "federal": "federal",
    "military": "federal",
    "state": "state",
    "fusion center": "fusion",
    "multistate center": "fusion",
    "sheriff": "sheriff",
    "local police": "local",
    "fire": "fire",
    "school district": "local",
    "tribal": "local",
    "university": "local",
    "private university": "unknown",
    "task force": "local",
    "prosecutor": "local",
    "private": "unknown",
    "vendor test": "unknown",
    "unknown": "unknown",
}
#: Categories with no state of their own (like federal agencies): a business or a vendor's test account
#: is not bound by the laws of the state in its name. The state token is kept as ``located_in``. (A
#: multistate center keeps the state it sits in: data sent to it leaves the sender's state unless that is
#: its own.)
STATELESS_CATEGORIES = frozenset({"private", "vendor test"})

# Keyword tables. ACRONYMS are matched case-sensitively against the name's tokens (so "Dearborn" is not
# "DEA" and "police" is not "ICE"); PHRASES are matched on whole lower-case words (so "Foothill-DeAnza"
# gives the words "foothill deanza", and "national park" does not match "National City").

DEFUNCT_PHRASES: tuple[str, ...] = ("do not use", "don t use", "dont use", "dnu", "delete", "z do not use")

#: A vendor's own test, demo and training organisations (not agencies).
VENDOR_TEST_PHRASES: tuple[str, ...] = (
    "flock le training",
    "flock training",
    "le flock",
    "demo",
    "demo account",
    "test org",
    "test agency",
    "test account",
    "testing",
    "external testing",
    "le training",
    "walkthrough",
    "sandbox",
    "example pd",
)

#: Businesses and vendors (not police), including "Monster Energy Corporate Office (CA)", "Ulta (IL)".
PRIVATE_PHRASES: tuple[str, ...] = (
    "flock safety",
    "corporate office",
    "corporate security",
    "corporation",
    "corp",
    "company",
    "monster energy",
    "ulta",
    "ulta beauty",
    "home depot",
    "lowe s",
    "lowes",
    "walmart",
    "kroger",
    "costco",
    "simon property",
    "loss prevention",
    "homeowners association",
    "hoa",
    "apartments",
    "axon",
    "genetec",
    "skycop",
    "verra mobility",
    "ubicquia",
    "ontic technologies",
    "applied intel",
    "policing project",
    "southern company",
    "mississippi power",
    "fedex",
    "fxgsoc",
    "inc",
    "llc",
    "railroad",
    "railway",
    "business league",
    "properties",
    "lynne drake",
)

MILITARY_PHRASES: tuple[str, ...] = (
    "us army",
    "us air force",
    "us navy",
    "air force",
    "army",
    "navy",
    "naval",
    "marine corps",
    "air force base",
    "afb",
    "military police",
    "national guard",
    "coast guard",
)
NATIONAL_GUARD_PHRASES: tuple[str, ...] = ("national guard",)

FEDERAL_ACRONYMS = frozenset(
    {
        "FBI",
        "DEA",
        "ATF",
        "ICE",
        "HSI",
        "CBP",
        "ERO",
        "USMS",
        "NCIS",
        "DHS",
        "USPIS",
        "IRS",
        "TVA",
        "USSS",
        "USBP",
        "GSA",
        "USCP",
        "NPS",
        "USFWS",
        "BLM",
        "BIA",
        "OIG",
        "USDA",
    }
)
FEDERAL_PHRASES: tuple[str, ...] = (
    "us postal inspection service",
    "postal inspection",
    "postal service",
    "us marshal",
    "us marshals",
    "united states",
    "u s",
    "federal bureau of investigation",
    "drug enforcement administration",
    "bureau of alcohol",
    "immigration and customs",
    "homeland security investigations",
    "customs and border",
    "border patrol",
    "border control",
    "secret service",
    "national park service",
    "national park",
    "national recreation area",
    "n r a",
    "veterans affairs",
    "tennessee valley authority",
    "bureau of indian affairs",
    "fish and wildlife service",
    "forest service",
    "bureau of land management",
    "federal protective service",
    "federal reserve police",
    "department of homeland security",
    "amtrak",
)
#: Leading token that marks a US federal body ("US - GSA Inspector General", "USA ...").
FEDERAL_LEADING = frozenset({"US", "USA"})

UNIVERSITY_PHRASES: tuple[str, ...] = (
    "university",
    "univ",
    "college",
    "campus",
    "polytechnic",
    "institute of technology",
    "georgia tech",
    "virginia tech",
    "suny",
    "cuny",
    "uc",
    "ut health",
    "ut southwestern",
    "school of the arts",
    "a t university",
    "ummc",
    "seminary",
    "cal state",
)
#: Places named after a university or college (towns, not campuses).
UNIVERSITY_PLACE_TRAPS: tuple[str, ...] = (
    "university park",
    "university city",
    "university place",
    "university heights",
    "university circle",
    "college park",
    "college station",
    "college hill",
    "college place",
    "rutherford college",
)

FUSION_PHRASES: tuple[str, ...] = (
    "fusion center",
    "information analysis center",
    "intelligence center",
    "regional intelligence",
    "crime analysis center",
    "intelligence unit",
    "ncric",
    "cac",
    "information network",
)

#: Acronyms of state and regional intelligence centers that name no state but serve one (words, lowercase).
ACRONYM_STATES: dict[str, str] = {
    "ncric": "CA",  # Northern California Regional Intelligence Center
    "jric": "CA",  # Joint Regional Intelligence Center (Los Angeles)
    "stic": "IL",  # Statewide Terrorism and Intelligence Center (Illinois)
    "nysic": "NY",  # New York State Intelligence Center
    "miac": "MO",  # Missouri Information Analysis Center
    "gisac": "GA",  # Georgia Information Sharing and Analysis Center
}

#: The six Regional Information Sharing Systems centers, each serving several states.
MULTISTATE_PHRASES: tuple[str, ...] = (
    "riss",
    "mocic",
    "rocic",
    "magloclen",
    "nespin",
    "rmin",
    "wsin",
    "regional information sharing",
    "regional organized crime information center",
    "mid states organized crime",
    "middle atlantic great lakes organized crime",
    "new england state police information network",
    "rocky mountain information network",
    "western states information network",
)

#: Police of a tribal nation.
TRIBAL_PHRASES: tuple[str, ...] = (
    "tribal",
    "tribe",
    "tribes",
    "nation",
    "band of",
    "pueblo",
    "rancheria",
    "indian community",
    "reservation",
    "indian tribe",
)

#: School-district police ("Cy-Fair ISD PD" is not a sheriff's department although "ISD" ends in "SD").
SCHOOL_DISTRICT_PHRASES: tuple[str, ...] = (
    "isd",
    "cisd",
    "usd",
    "school district",
    "school districts",
    "unified school district",
    "independent school district",
    "public schools",
    "school police",
    "schools police",
    "school pd",
    "schools pd",
    "school board",
    "board of education",
    "school",
    "schools",
)

#: Private universities (their police are not public agencies), matched before the public ones.
PRIVATE_UNIVERSITY_PHRASES: tuple[str, ...] = (
    "stanford",
    "university of san francisco",
    "university of the pacific",
    "pacific university",
    "university of southern california",
    "usc",
    "santa clara university",
    "loyola",
    "loyola marymount",
    "pepperdine",
    "caltech",
    "california institute of technology",
    "chapman university",
    "azusa pacific",
    "biola",
    "university of la verne",
    "university of redlands",
    "claremont",
    "saint mary s college",
    "st mary s college",
    "harvard",
    "yale",
    "princeton university",
    "duke",
    "vanderbilt",
    "emory",
    "rice university",
    "baylor",
    "texas christian",
    "southern methodist",
    "tulane",
    "northwestern university",
    "university of chicago",
    "notre dame",
    "georgetown",
    "johns hopkins",
    "university of miami",
    "wake forest",
    "elon university",
    "campbell university",
    "davidson college",
    "high point university",
    "brigham young",
    "byu",
    "university of denver",
    "creighton",
    "marquette",
    "villanova",
    "drexel",
    "carnegie mellon",
    "case western",
    "university of rochester",
    "syracuse university",
    "cornell",
    "columbia university",
    "new york university",
    "nyu",
    "boston university",
    "boston college",
    "northeastern university",
    "tufts",
    "brown university",
    "dartmouth",
    "university of pennsylvania",
    "saint louis university",
    "washington university",
    "university of dayton",
    "xavier university",
    "liberty university",
    "mercer university",
    "samford",
    "belmont university",
    "lipscomb",
    "trinity university",
    "university of tulsa",
    "concordia university",
    "denison university",
    "furman university",
    "millikin university",
    "milikin university",
    "presbyterian college",
    "regent university",
    "university of indianapolis",
    "marian university",
    "long island university",
    "bradley university",
)

TASK_FORCE_PHRASES: tuple[str, ...] = (
    "task force",
    "taskforce",
    "tf",
    "strike force",
    "drug enforcement team",
    "hidta",
    "major crimes",
    "anti crime",
    "anti gang",
    "drug enforcement agency",
    "narcotics unit",
    "drug unit",
    "dtf",
)

STATE_AG_PHRASES: tuple[str, ...] = ("attorney general",)

PROSECUTOR_PHRASES: tuple[str, ...] = (
    "da",
    "das",
    "da s",
    "district attorney",
    "prosecutor",
    "prosecutors",
    "prosecutor s",
    "attorney s office",
    "attorneys office",
    "state attorney",
    "state attorney s",
    "solicitor",
    "solicitor s",
    "judicial circuit",
    "judicial district",
    "county attorney",
)

SHERIFF_PHRASES: tuple[str, ...] = ("sheriff", "sheriffs", "sheriff s", "bcso", "lcso")

#: Agencies of a state government whatever their name's prefix.
STATE_PHRASES: tuple[str, ...] = (
    "state police",
    "state highway patrol",
    "highway patrol",
    "state patrol",
    "bureau of investigation",
    "bureau of investigations",
    "bureau of criminal investigation",
    "state bureau",
    "law enforcement division",
    "department of corrections",
    "department of correction",
    "doc",
    "mdoc",
    "department of natural resources",
    "dnr",
    "parks wildlife",
    "wildlife and parks",
    "wildlife commission",
    "department of conservation",
    "state park",
    "state parks",
    "state recreation area",
    "state recreational area",
    "state natural area",
    "capitol",
    "state fairgrounds",
    "state port authority",
    "department of revenue",
    "department of insurance",
    "commissioner of insurance",
    "department of labor",
    "bureau of motor vehicles",
    "dotd",
    "dmv",
    "gaming board",
    "bureau of narcotics",
    "marine fisheries",
    "office of agriculture",
    "department of agriculture",
    "secretary of state",
    "board of criminal justice",
    "workers compensation",
    "alea",
    "sled",
    "scdps",
    "kbi",
    "gbi",
    "tbi",
    "sbi",
    "state park police",
    "department of health",
    "dept of health",
)
#: Words that make a state-prefixed name a state body ("Ohio DPS", "MS Office of Homeland Security",
#: "WI Department of Justice"); without the state prefix they are local ("Sikeston MO DPS").
STATE_BODY_WORDS: tuple[str, ...] = (
    "department",
    "dept",
    "office",
    "bureau",
    "dps",
    "division",
    "agency",
    "commission",
    "board",
    "homeland security",
    "patrol",
    "law enforcement",
)

LOCAL_PHRASES: tuple[str, ...] = (
    "pd",
    "police",
    "dps",
    "public safety",
    "constable",
    "const",
    "marshal",
    "marshals",
    "marshal s",
    "marshall s",
    "city",
    "town",
    "village",
    "township",
    "twp",
    "borough",
    "metro",
    "metropolitan",
    "airport",
    "transit",
    "port",
    "park district",
    "rangers",
    "dispatch",
    "911",
    "communications",
    "code compliance",
    "arson",
    "probation",
    "hospital",
    "medical center",
    "levee",
    "water district",
    "water agency",
    "public service authority",
    "emergency services",
    "joint services",
    "county",
    "parish",
    "arboretum",
    "housing authority",
    "abc",
    "crime prevention",
    "comm ctr",
    "communications center",
    "dispatch center",
    "disptach",
)
#: Fire and rescue agencies (their own kind: not police), unless the name also names police.
FIRE_PHRASES: tuple[str, ...] = (
    "fire",
    "fd",
    "fire department",
    "fire dept",
    "fire district",
    "fire protection",
    "fire authority",
    "fire rescue",
    "fire and rescue",
    "fire marshal",
    "fire marshal s",
    "rescue squad",
    "ems",
    "emergency medical services",
    "emergency services authority",
)
#: Words that make a name police whatever else it says ("Police and Fire", "Fire/PD Dispatch").
POLICE_WORDS: tuple[str, ...] = ("pd", "police", "so", "sheriff", "sheriffs", "sheriff s", "dps", "public safety")

#: Marks of an account that is switched off ("[DEACTIVATED] - demo", "Some PD (inactive)"); with
#: :data:`DEFUNCT_PHRASES` and the vendor test organisations these entries are left out of counts.
DEACTIVATED_PHRASES: tuple[str, ...] = ("deactivated", "inactive", "disabled", "archived")

#: A name that matches no table but carries a state token ("Hamilton GA", "Ramsey NJ") is a local body.
FALLBACK_WITH_STATE = "local police"
