"""How much a search's reason says: one of five tiers, and the words that decided it.

Audits fill the reason field in many ways; only a blank or a stand-in for nothing is a *missing* reason.

- ``missing``: nothing written, or a placeholder for nothing (``n/a``, ``none``, ``unknown``, ``TBD``, ``x``,
  punctuation only, a single character, only such words: "n/a n/a", "none - unknown"):
  :data:`MISSING_PLACEHOLDERS`;
- ``not_published``: the source has no reason field at all (a portal that publishes none), so nothing is
  known of the reason;
- ``code_only``: only a statute or penal-code section, a local radio code or a case number ("459",
  "10851 VC", "PC 459", "1700", "24-012345", "Case #2024-00123");
- ``unrecognised``: words that say something, but no purpose the classifier knows ("patrol", "Admin
  test", a plate);
- ``category``: a purpose of :data:`classify.purposes.PURPOSES` (``classify_reason``), with the table term
  that matched.

The tiers are tried in that order. A reason that is missing, unpublished or unrecognised, with an offense
type that names a purpose ("Burglary"), reads as that category (the offense type is the stated reason).

>>> [read_reason(r).tier for r in ["", "n/a", "459", "10851 VC", "24-012345", "patrol", "Stolen car"]]
['missing', 'missing', 'code_only', 'code_only', 'code_only', 'unrecognised', 'category']
>>> [read_reason(r).tier for r in ["nan", "(blank)", "Other - Not Applicable", "Other"]]
['missing', 'missing', 'missing', 'unrecognised']
>>> read_reason("Stolen car")
ReasonReading(tier='category', category='property_crime', words=('stolen*',))
>>> read_reason(None, published=False).tier
'not_published'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from classify.purpose_words import MISSING_PLACEHOLDERS
from classify.purposes import purpose_and_words, reason_words
from classify.reason_codes import is_case_number

__all__ = ["TIERS", "ReasonReading", "read_reason", "search_reading", "MISSING_PLACEHOLDERS", "CODE_WORDS"]

#: The tiers, from saying nothing to naming a purpose.
TIERS: tuple[str, ...] = ("missing", "not_published", "code_only", "unrecognised", "category")

#: Brackets around a placeholder ("(blank)", "[none]", "<n/a>") say no more than the placeholder.
_BRACKETS = "()[]<>{}"
#: Words that, all of them and nothing else, say nothing ("n/a n/a", "none - unknown", "NA / TBD").
_NOTHING_WORDS = frozenset({"n", "a", "na", "none", "unknown", "unk", "tbd", "tba", "null", "nil", "x", "xx", "xxx"})
#: Words of a code-only reason that name the code or the kind of number rather than a purpose.
CODE_WORDS: frozenset[str] = frozenset({
    "pc", "vc", "cvc", "hs", "hsc", "h&s", "wic", "w&i", "bp", "ors", "rcw", "ilcs", "usc", "u.s.c.", "ncgs",
    "gs", "mc", "lmc", "ccr", "penal", "code", "vehicle", "veh", "health", "and", "safety", "sec", "sec.",
    "section", "§", "cal", "ca", "pen", "statute", "stat", "case", "case#", "cr", "rpt", "report", "inc",
    "incident", "dr", "no", "no.", "number", "num", "#", "cad", "call", "ref", "file", "event", "ev", "radio",
    "10-code", "rd", "ir", "rb", "gr", "ccn", "oca", "ocn", "evt", "cn", "pr", "agency", "id",
})
_SPLIT = re.compile(r"[\s,;|+]+")
_EDGE_PUNCT = ".:#*-_'\"!?"
#: A section or radio code: "459", "459pc", "pc459", "245(a)(2)pc", "10851(a)", "273.5", "11-99", "9a.56.020".
_CODE_TOKEN = re.compile(
    r"^(?:pc|vc|cvc|hs|hsc|wic|bp|ors|rcw|usc|§)?\d[\d.\-/]*(?:\([a-z0-9]{1,3}\))*"
    r"(?:[a-z](?:[\d.]+)?)?(?:pc|vc|cvc|hs|hsc|h&s|wic|w&i|bp)?$"
)


@dataclass(frozen=True, slots=True)
class ReasonReading:
    """What a reason says: its tier, its purpose when it names one, and the words that decided."""

    tier: str
    category: str | None = None
    words: tuple[str, ...] = ()


def _is_missing(raw: str) -> str | None:
    """The placeholder a reason is (its lower-case text), or None when it says something."""
    low = " ".join(raw.lower().split())
    if not low:
        return ""
    if low in MISSING_PLACEHOLDERS or low.strip(_EDGE_PUNCT + _BRACKETS + " ") in MISSING_PLACEHOLDERS:
        return low
    if all(w in _NOTHING_WORDS for w in reason_words(low)):
        return low  # "n/a n/a", "none - unknown", or punctuation only
    alnum = [c for c in low if c.isalnum()]
    if len(alnum) <= 1 or (alnum and not any(c.isdigit() for c in alnum) and len(set(alnum)) == 1):
        return low  # punctuation only, one character, or one letter repeated ("xxxxx")
    return None


def _is_code(tok: str) -> bool:
    bare = tok.lstrip("#")
    if _CODE_TOKEN.match(bare) or is_case_number(bare) or is_case_number(tok):
        return True
    kind, hash_, number = bare.partition("#")  # "cad#250612-1234", "rd#24-1234"
    return bool(hash_) and kind in CODE_WORDS and (bool(_CODE_TOKEN.match(number)) or is_case_number(number))


def _code_words(raw: str) -> tuple[str, ...] | None:
    """The codes of a reason that is only codes and numbers (at least two digits in all), else None."""
    low = raw.lower().replace("# ", "#").replace("p.c.", "pc").replace("v.c.", "vc")
    tokens = [t.strip(_EDGE_PUNCT) for t in _SPLIT.split(low)]
    codes: list[str] = []
    for tok in tokens:
        parts = [tok] if _is_code(tok) else tok.split("/")  # "664/187" is one code, "PC459/PC496" two
        for part in parts:
            part = part.strip(_EDGE_PUNCT)
            if not part or part in CODE_WORDS or part.strip("#") in CODE_WORDS:
                continue
            if not _is_code(part):
                return None
            codes.append(part)
    if not codes or sum(c.isdigit() for c in "".join(codes)) < 2:
        return None
    return tuple(codes)


@lru_cache(maxsize=1 << 16)
def read_reason(text: str | None, *, published: bool = True, offense_type: str | None = None) -> ReasonReading:
    """The tier of a search reason (one of :data:`TIERS`) and the words that decided it.

    >>> read_reason("N/A"), read_reason("***")
    (ReasonReading(tier='missing', category=None, words=('n/a',)), ReasonReading(tier='missing', category=None, \
words=('***',)))
    >>> read_reason("PC 459"), read_reason("Case #2024-00123").words
    (ReasonReading(tier='code_only', category=None, words=('459',)), ('2024-00123',))
    >>> read_reason("SUICIDAL SUBJECT").tier, read_reason("", offense_type="Burglary")
    ('category', ReasonReading(tier='category', category='property_crime', words=('offense type: burg*',)))
    """
    if not published:
        tier = ReasonReading("not_published")
    else:
        raw = (text or "").strip()
        placeholder = _is_missing(raw)
        if placeholder is not None:
            tier = ReasonReading("missing", None, (placeholder,) if placeholder else ())
        else:
            purpose, words = purpose_and_words(raw)
            if purpose == "immigration":  # "287(g)" names immigration enforcement, not only a section
                return ReasonReading("category", purpose, words)
            codes = _code_words(raw)
            if codes is not None:
                return ReasonReading("code_only", None, codes)
            if purpose != "unspecified":
                return ReasonReading("category", purpose, words)
            tier = ReasonReading("unrecognised", None, tuple(reason_words(raw)[:8]))
    if offense_type:
        purpose, words = purpose_and_words(offense_type)
        if purpose != "unspecified":
            return ReasonReading("category", purpose, tuple(f"offense type: {w}" for w in words))
    return tier


def search_reading(ev: Any) -> ReasonReading:
    """The reading of a search event's reason: the tier the event carries (``reason_tier``, set by the
    import with :func:`read_reason`), else :func:`read_reason` of its reason, ``reason_published`` and
    offense type. The one place the judge, ``explain`` and the summaries take a search's tier from.

    >>> from schemas.events import parse_event
    >>> s = parse_event('{"event_id":"s","type":"search","occurred_at":"2025-01-01T00:00:00Z",'
    ...   '"searcher":"agency:a-pd","reason":"","reason_published":false,"networks_searched":1}')
    >>> search_reading(s).tier
    'not_published'
    """
    computed = read_reason(ev.reason, published=ev.reason_published, offense_type=ev.offense_type)
    given = ev.reason_tier
    if given is None or given == computed.tier:
        return computed
    return ReasonReading(given, computed.category if given == "category" else None, tuple(ev.reason_words or ()))
