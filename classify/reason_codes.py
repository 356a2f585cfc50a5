"""Reasons that are a code section or a case number: "245(a)(2)PC", "10851(a)CVC", "HS 11350", "2026-0380".

Audits from California write the penal-, vehicle- or health-and-safety-code section of the offence as the
reason; :func:`code_section_purpose` reads the section as the crime it names. A bare case or report number
is an investigation (:func:`is_case_number`), whatever its format.

>>> code_section_purpose("211PC"), is_case_number("2026-0380")
('violent_crime', True)
"""

from __future__ import annotations

import re

__all__ = [
    "code_section_purpose", "code_section_text", "is_case_number", "PENAL_CODE_PURPOSES", "VEHICLE_THEFT_SECTIONS",
]

#: A bare case or report number: "2514277", "20260332", "2026-0380", "25-001", "SO25-1234", "CR#2026-00017".
_CASE_NUMBER = re.compile(
    r"^(?:(?:case|cr|rpt|report|inc|dr|rb|gr)?\s*(?:no\.?|#)?\s*)?"
    r"(?:[a-z]{0,4}[-#]?\d{5,}[a-z0-9]*|[a-z]{0,4}[-#]?\d{2,4}[-_/]\d{2,}(?:[-_/]\d+)?[a-z]?)$"
)
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


def code_section_text(text: str) -> str | None:
    """The first code section in a reason, as written (lower case), or None.

    >>> code_section_text("Burglary 459 PC"), code_section_text("UUV")
    ('459 pc', None)
    """
    m = _CODE_SECTION.search((text or "").lower())
    return m.group(0) if m else None


def is_case_number(text: str | None) -> bool:
    """Is a reason only a case or report number ("20260332", "2026-0380", "25-001", "SO25-1234")?

    >>> [is_case_number(t) for t in ["20260332", "2026-0380", "25-001", "Case #2026-0380", "391NCQ", "2510"]]
    [True, True, True, True, False, False]
    """
    return bool(_CASE_NUMBER.match(" ".join((text or "").lower().split())))
