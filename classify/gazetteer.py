"""A US gazetteer: the state of a place or county named in an agency name that carries no state token.

The table (``gazetteer.tsv``, made by ``scripts/make_gazetteer.py`` from the Census place and county
lists; public domain: U.S. Census Bureau, American Community Survey 2023 and 2023 Gazetteer Files) holds
only names found in one state, so a name in several states never gets one: "Lincoln" is a city in 17
states, "Nevada County" is in California and Arkansas (never Nevada).

The place is the run of words before the first word that names a kind of agency ("Fort Collins Police
Services" -> "fort collins"); followed by "County" or "Parish" it is looked up as a county.

>>> [state_of_place(n) for n in ["Fort Collins Police Services (FCPS)", "Shasta County SO", "Lincoln PD"]]
['CO', 'CA', None]
>>> [state_of_place(n) for n in ["Nevada County Sheriff", "City of El Cajon Police", "FBI"]]
[None, 'CA', None]
>>> state_of_place("The Town of Los Gatos")
'CA'
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

__all__ = ["state_of_place", "place_words", "AGENCY_WORDS"]

#: Words that end the place part of a name.
AGENCY_WORDS = frozenset(
    """police pd so sd sheriff sheriffs department dept division services service public safety dps marshal
    marshals metro metropolitan transit authority office constable constables university college school
    schools isd district da attorney attorneys fire airport port park parks and of crime analysis center
    task force unit regional area law enforcement patrol highway state county parish co city town township
    twp village borough police's prosecutor prosecutors courts court jail corrections detention
    communications dispatch emergency management tribal tribe nation bureau agency commission""".split()
)
#: A place part followed by these is a name of something else.
_NOT_A_PLACE_AFTER = frozenset(
    {"state", "university", "college", "school", "schools", "isd", "national", "nation", "tribe", "tribal"}
)
_LEADING = ("city of ", "town of ", "village of ", "county of ", "township of ", "borough of ")
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str]]:
    places: dict[str, str] = {}
    counties: dict[str, str] = {}
    text = resources.files("classify").joinpath("gazetteer.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, place_list, county_list = line.split("\t")
        places.update(dict.fromkeys(filter(None, place_list.split("|")), code))
        counties.update(dict.fromkeys(filter(None, county_list.split("|")), code))
    return places, counties


def place_words(name: str) -> tuple[str, str]:
    """(the place part of a name, the word after it) in lower-case words.

    >>> place_words("City of Fort Collins Police Services (FCPS)"), place_words("Shasta County SO")
    (('fort collins', 'police'), ('shasta', 'county'))
    """
    text = re.sub(r"\([^)]*\)", " ", name.lower().replace("'", ""))
    words = " ".join(_WORD.findall(text))
    if words.startswith("the ") and words[4:].startswith(_LEADING):  # "The Town of X"; "The Colony" stays
        words = words[4:]
    for lead in _LEADING:
        if words.startswith(lead):
            words = words[len(lead):]
    parts = words.split()
    place: list[str] = []
    for w in parts:
        if w in AGENCY_WORDS:
            break
        place.append(w)
    after = parts[len(place)] if len(place) < len(parts) else ""
    return " ".join(place), after


def state_of_place(name: str) -> str | None:
    """The one state whose place or county the name starts with, else None."""
    place, after = place_words(name)
    if len(place) < 3 or after in _NOT_A_PLACE_AFTER:
        return None  # "Nicholls State University": a person's name, not the town of Nicholls
    places, counties = _table()
    if after in ("county", "parish"):
        return counties.get(f"{place} {after}")
    if after == "city" and f"{place} city" in places:
        return places[f"{place} city"]
    return places.get(place)
