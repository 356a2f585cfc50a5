"""One party per agency whatever the spelling: party ids that are the same agency's name in another order.

Flock's portal names a page by a slug (``el-cajon-pd-ca``) while other portals list the agency by name
("El Cajon CA PD" -> ``el-cajon-ca-pd``); the two are one agency. Two ids are aliases when their words are
the same after spelling out a few suffixes the same way ("Sheriff's Office" = ``SO``, "Police Department" =
``PD``): the same words in another order. Nothing else is merged ("El Paso County SO" and "El Paso CO SO"
stay apart: ``CO`` may be Colorado).

>>> alias_key("agency:el-cajon-pd-ca") == alias_key("agency:el-cajon-ca-pd")
True
>>> alias_key("agency:mendocino-county-sheriff-s-office-ca") == alias_key("agency:mendocino-county-ca-so")
True
>>> counts = {"agency:el-cajon-pd-ca": 50, "agency:el-cajon-ca-pd": 40, "agency:fbi": 9}
>>> merged, why = merge_aliases(counts, from_slugs={"agency:el-cajon-pd-ca"})
>>> merged
{'agency:el-cajon-pd-ca': 'agency:el-cajon-ca-pd'}
>>> print(why[0])
agency:el-cajon-pd-ca -> agency:el-cajon-ca-pd (same words; the portal's slug, agency:el-cajon-ca-pd named 40 times)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping

__all__ = ["alias_key", "merge_aliases", "SUFFIX_SPELLINGS"]

#: Word runs spelled out differently for the same suffix -> the one spelling.
SUFFIX_SPELLINGS: dict[str, str] = {
    "sheriff s office": "so",
    "sheriffs office": "so",
    "sheriff office": "so",
    "sheriff s department": "so",
    "sheriff s dept": "so",
    "police department": "pd",
    "police dept": "pd",
    "department of public safety": "dps",
}


def alias_key(party_id: str) -> tuple[str, ...]:
    """The words of a party id's slug, suffixes spelled one way, in sorted order."""
    slug = party_id.split(":", 1)[1] if ":" in party_id else party_id
    text = " " + " ".join(slug.split("-")) + " "
    for long, short in SUFFIX_SPELLINGS.items():
        text = text.replace(f" {long} ", f" {short} ")
    return tuple(sorted(text.split()))


def merge_aliases(
    counts: Mapping[str, int], from_slugs: Collection[str] = ()
) -> tuple[dict[str, str], list[str]]:
    """Which ids to merge into which: ``({alias: kept id}, [one line per merge])``.

    ``counts`` says how often each id is named. Of a group of aliases the id made from a name is kept over
    one made from a portal's slug (``from_slugs``): it is the one other data sets use. Then the most named
    (ties: the first in sorted order).
    """
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for party_id in counts:
        if party_id.startswith("agency:"):
            groups[alias_key(party_id)].append(party_id)
    mapping: dict[str, str] = {}
    report: list[str] = []
    for ids in groups.values():
        if len(ids) < 2:
            continue
        keep = sorted(ids, key=lambda i: (i in from_slugs, -counts[i], i))[0]
        for other in sorted(ids):
            if other != keep:
                mapping[other] = keep
                why = "the portal's slug" if other in from_slugs else f"named {counts[other]} times"
                report.append(f"{other} -> {keep} (same words; {why}, {keep} named {counts[keep]} times)")
    return mapping, report
