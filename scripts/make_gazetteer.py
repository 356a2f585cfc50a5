"""Build ``classify/gazetteer.tsv`` from the Census place and county lists (public domain).

Run from the project root::

    python scripts/make_gazetteer.py ../shared/data/us-census-places-2023 classify/gazetteer.tsv

Only names found in exactly one state are kept (a name in several states gives no state, so it is left
out): "Lincoln" (a place in 17 states) and "Nevada County" (California and Arkansas) are not in the table.
Lines: ``STATE<TAB>place|place|...<TAB>county|county|...`` with names in lower-case words, place names
without their Census type ("Galt city" -> "galt"), county names with it ("shasta county", "orleans
parish"). Source credit: U.S. Census Bureau, American Community Survey 2023 and 2023 Gazetteer Files.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classify.agency_words import STATE_CODES  # noqa: E402

_TYPE = re.compile(
    r"\s+(?:city and borough|unified government|consolidated government|metro government|metropolitan "
    r"government|urban county|zona urbana|CDP|city|town|village|borough|comunidad|municipality|township|"
    r"corporation|plantation|charter township)(?:\s*\(balance\))?$"
)
_PAREN = re.compile(r"\s*\([^)]*\)")
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> str:
    """Lower-case words of a name, separated by one space."""
    return " ".join(_WORD.findall(text.lower().replace("'", "")))


def main(folder: str, target: str) -> None:
    codes = {name: code for code, name in STATE_CODES.items()}
    places: dict[str, set[str]] = defaultdict(set)
    with open(Path(folder) / "places.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            name, _, state = row["name"].rpartition(", ")
            code = codes.get(state)
            if code is None:
                continue
            bare = _TYPE.sub("", _PAREN.sub("", name)).strip()
            if bare:
                places[words(bare)].add(code)
    counties: dict[str, set[str]] = defaultdict(set)
    with open(Path(folder) / "counties.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            code = row["USPS"].strip()
            if code in STATE_CODES:
                counties[words(row["NAME"])].add(code)
    by_state: dict[str, tuple[list[str], list[str]]] = {c: ([], []) for c in STATE_CODES}
    for name, states in places.items():
        if len(states) == 1:
            by_state[next(iter(states))][0].append(name)
    for name, states in counties.items():
        if len(states) == 1:
            by_state[next(iter(states))][1].append(name)
    with open(target, "w", encoding="utf-8") as out:
        out.write("# U.S. Census Bureau, American Community Survey 2023 and 2023 Gazetteer Files (public domain);"
                  " names in one state only. Made by scripts/make_gazetteer.py\n")
        for code in sorted(by_state):
            p, c = by_state[code]
            out.write(f"{code}\t{'|'.join(sorted(p))}\t{'|'.join(sorted(c))}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
