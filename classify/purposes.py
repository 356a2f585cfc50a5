"""Free-text search reasons -> purposes, by keyword tables.

Flock search audits carry a free-text reason ("UUV", "Person+Crime", "inv", "ICE+ERO", "***").
:func:`classify_reason` sorts one into a purpose from :data:`PURPOSES`. Reasons are split into
lower-case words (on anything but letters and digits, so ``+``, ``/`` and ``-`` separate words) and the
tables of :mod:`classify.purpose_words` are matched on whole words or word prefixes, in the order of
:data:`PURPOSE_ORDER`: the first purpose whose table matches wins (immigration before everything, since
"ICE WARRANT" is a warrant for ICE; a specific crime before the generic "investigation"). Code sections and
case numbers are read by :mod:`classify.reason_codes`.

Whole words matter: "police", "juice", "service" and "device" contain "ice" but are not ICE.

>>> [classify_reason(r) for r in ["ICE+ERO", "police", "UUV", "Person+Crime", "inv", "***", ""]]
['immigration', 'unspecified', 'property_crime', 'violent_crime', 'investigation', 'unspecified', \
'unspecified']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from classify.purpose_words import (  # the classifier's keyword tables
    DHS_NOT_FEDERAL,
    FORBIDDEN_PURPOSE_TERMS,
    ICE_FALSE_FRIENDS,
    IMMIGRATION_TERMS,
    NEGATIONS,
    PLACEHOLDERS,
    PURPOSE_ORDER,
    PURPOSE_TERMS,
    PURPOSES,
    REPRODUCTIVE_CARE_TERMS,
)
from classify.reason_codes import code_section_purpose, code_section_text, is_case_number

__all__ = [
    "PURPOSES",
    "PURPOSE_ORDER",
    "IMMIGRATION_TERMS",
    "REPRODUCTIVE_CARE_TERMS",
    "FORBIDDEN_PURPOSE_TERMS",
    "PLACEHOLDERS",
    "PURPOSE_TERMS",
    "classify_reason",
    "purpose_and_words",
    "search_purpose",
    "code_section_purpose",
    "is_case_number",
    "is_real_reason",
    "reason_words",
    "without_false_friends",
]

_WORD = re.compile(r"[a-z0-9]+")
_ALERT_PREFIX = re.compile(r"^other image search from alerts page associated with alert:\s*", re.IGNORECASE)


_INITIALS = re.compile(r"(?<![a-z0-9])(?:[a-z]\.\s?){2,}(?![a-z])")


def reason_words(text: str) -> list[str]:
    """Lower-case words of a reason (``+``, ``/``, ``-``, ``.`` separate words; accents folded; dotted
    initials closed up: "I.C.E." is "ice", "U.S. Marshals" is "us marshals").

    >>> reason_words("ICE+ERO / Person-Crime.")
    ['ice', 'ero', 'person', 'crime']
    >>> reason_words("I.C.E. / U.S. Marshals / P.C. 459")
    ['ice', 'us', 'marshals', 'pc', '459']
    """
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    if "." in folded:
        folded = _INITIALS.sub(lambda m: m.group(0).replace(".", "").replace(" ", "") + " ", folded)
    return _WORD.findall(folded)


def _matches(words: list[str], joined: str, term: str) -> bool:
    if term.endswith("*"):
        stem = term[:-1]
        if " " in stem:
            return f" {stem}" in joined
        return any(w.startswith(stem) for w in words)
    return f" {term} " in joined


def _match_table(words: list[str], joined: str, terms: tuple[str, ...]) -> str | None:
    """The first term of ``terms`` the words match, or None."""
    return next((t for t in terms if _matches(words, joined, t)), None)


def without_false_friends(joined: str) -> str:
    """Padded words (``" a b "``) without the phrases in which an immigration word is not about immigration
    (:data:`ICE_FALSE_FRIENDS`), nor the immigration words a negation denies ("not ICE"), nor "DHS" where the
    text says it is a county or state Department of Human Services (:data:`DHS_NOT_FEDERAL`).

    >>> without_false_friends(" ice cream truck not ice hsi agent ")
    ' truck agent '
    >>> without_false_friends(" county dhs child welfare "), without_false_friends(" dhs homeland security county ")
    (' county child welfare ', ' dhs homeland security county ')
    """
    cleaned = joined
    if " dhs " in cleaned and " homeland " not in cleaned and any(
            _matches(cleaned.split(), cleaned, t) for t in DHS_NOT_FEDERAL):
        cleaned = cleaned.replace(" dhs ", "  ")
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
    return purpose_and_words(text)[0]


@lru_cache(maxsize=1 << 16)
def purpose_and_words(text: str | None) -> tuple[str, tuple[str, ...]]:
    """The purpose of a reason (:func:`classify_reason`) and the table term or code that decided it.

    >>> purpose_and_words("ICE+ERO"), purpose_and_words("Stolen car"), purpose_and_words("211PC")
    (('immigration', ('ice',)), ('property_crime', ('stolen*',)), ('violent_crime', ('211pc',)))
    >>> purpose_and_words("***"), purpose_and_words("2026-0380")
    (('unspecified', ()), ('investigation', ('2026-0380',)))
    """
    raw = (text or "").strip()
    raw = _ALERT_PREFIX.sub("", raw)
    if raw.lower() in PLACEHOLDERS:
        return "unspecified", ()
    words = reason_words(raw)
    if not words:
        return "unspecified", ()
    joined = " " + " ".join(words) + " "
    if joined.strip() in PLACEHOLDERS:
        return "unspecified", ()
    cleaned = without_false_friends(joined)
    term = _match_table(cleaned.split(), cleaned, IMMIGRATION_TERMS)
    if term:
        return "immigration", (term,)
    section = code_section_purpose(raw)
    found = code_section_text(raw)
    code: tuple[str, ...] = (found,) if found else ()
    for purpose, terms in PURPOSE_TERMS.items():
        if purpose == "immigration":
            continue
        if purpose == "investigation" and section is not None:
            return section, code
        term = _match_table(words, joined, terms)
        if term:
            return purpose, (term,)
    if section is not None:
        return section, code
    if is_case_number(raw) or all(is_case_number(w) for w in words):
        return "investigation", (" ".join(raw.lower().split()),)
    return "unspecified", ()


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
