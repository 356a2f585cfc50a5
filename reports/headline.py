"""The headline: sentences a reporter can quote, written from one document so every surface agrees.

The document is the ``custodiet demo --json`` document (or the same keys built for a report): the
accounting, ``violations`` {rule id: n} as ``check`` prints them, ``reached`` [{"party", "clips", "paths",
"via", "bases"}] per federal party, and optionally ``holds`` (what real data without clips holds:
access grants and searches into a party). Nothing here counts anything again: each number is read from
the document and printed with what it counts.

>>> doc = {"simulated": True, "scenario": "s", "seed": 7, "events_in": 10, "processed": 10, "duplicates": 0,
...        "dead_letters": 0, "violations": {"core.custody-continuity": 2},
...        "reached": [{"party": "agency:fbi", "clips": 1, "paths": 2,
...                     "via": [{"party": "agency:el-cajon-ca-pd", "clips": 1}], "bases": {"agreement": 1}}]}
>>> for s in headline(doc): print(s)
Simulated run: 10 simulated events (scenario s, seed 7); no real footage or real agency actions.
Clips and paths count custody as judged (the hand-overs the platform and rule gates let through).
1 clip reached FBI, by 2 time-respecting paths of hand-overs, through El Cajon CA PD (1 clip).
The hand-over into FBI was under an information-sharing agreement.
Rules broken on the way: 2 violations of 1 rule: Handed over a clip it did not hold at the time (2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reports.names import basis_words, count_of, counted_words, party_name, rule_title
from schemas.parties import PartyRegistry

__all__ = ["headline", "lead_party", "reached_sentence", "violation_sentence", "holds_sentences"]


def _join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> _join(["a", "b", "c"])
    'a, b and c'
    """
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _via(via: Any) -> list[tuple[str, int]]:
    """``via`` as ``[(party, clips)]`` whether it is a list of rows or a mapping."""
    if isinstance(via, Mapping):
        return [(str(p), int(n)) for p, n in via.items()]
    return [(str(v["party"]), int(v.get("clips", 0))) for v in via or []]


def reached_sentence(entry: Mapping[str, Any], registry: PartyRegistry | None = None) -> list[str]:
    """One federal party reached: clips, paths, every intermediary, and the bases of the hand-overs into it."""
    name = party_name(entry["party"], registry)
    clips, paths = int(entry["clips"]), int(entry["paths"])
    via = _via(entry.get("via"))
    through = (
        "through " + _join([f"{party_name(p, registry)} ({count_of(n, 'clip')})" for p, n in via])
        if via else "handed over by the camera owners themselves"
    )
    out = [f"{count_of(clips, 'clip')} reached {name}, by {count_of(paths, 'time-respecting path')} of "
           f"hand-overs, {through}."]
    bases = entry.get("bases") or {}
    if bases:
        parts = [f"{n} under {basis_words(b)}" for b, n in sorted(bases.items(), key=lambda kv: (-kv[1], kv[0]))]
        total = sum(bases.values())
        if total == 1:
            out.append(f"The hand-over into {name} was under {basis_words(next(iter(bases)))}.")
        else:
            again = " (a clip can be handed over more than once)" if total > clips else ""
            out.append(f"The {count_of(total, 'hand-over')} of these clips into {name}{again}: {_join(parts)}.")
    return out


def violation_sentence(violations: Mapping[str, int]) -> str | None:
    """Every rule broken, by title, with its count; None when no rule was broken.

    >>> violation_sentence({})
    """
    if not violations:
        return None
    total = sum(violations.values())
    rows = sorted(violations.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{rule_title(r)} ({n})" for r, n in rows]
    return (f"Rules broken on the way: {count_of(total, 'violation')} of {count_of(len(rows), 'rule')}: "
            f"{'; '.join(parts)}.")


def holds_sentences(holds: Mapping[str, Any], registry: PartyRegistry | None = None, when: str = "") -> list[str]:
    """What real data holds about a party when no clip reached it: access grants, searches, and hand-overs
    into it that no time-respecting path of their clip leads through; ``when`` (`` as of DATE``) for custody
    as of a date.

    >>> holds_sentences({"party": "agency:fbi", "grants": 31, "grantors": 30, "states": 12, "searches": 0})
    ['30 agencies in 12 states gave FBI access to search their plate-reader cameras (31 access grants in this data).']
    >>> holds_sentences({"party": "agency:fbi"}, when=" as of 2024-01-01T23:59:59Z")
    ['This data holds no hand-over, access grant or search into FBI as of 2024-01-01T23:59:59Z.']
    """
    name = party_name(holds["party"], registry)
    out = []
    if holds.get("grants"):
        where = f" in {count_of(holds['states'], 'state')}" if holds.get("states") else ""
        out.append(f"{count_of(holds['grantors'], 'agency', 'agencies')}{where} gave {name} access to search "
                   f"their plate-reader cameras ({count_of(holds['grants'], 'access grant')} in this data{when}).")
    if holds.get("searches"):
        out.append(f"{count_of(holds['searches'], 'search', 'searches')} in this data{when} were run by or for {name}.")
    if holds.get("hand_overs"):
        out.append(f"{count_of(holds['hand_overs'], 'hand-over')} into {name} in this data{when}, none on a "
                   "time-respecting path from where its clip's custody starts.")
    if not out:
        out.append(f"This data holds no hand-over, access grant or search into {name}{when}.")
    return out


def headline(doc: Mapping[str, Any], registry: PartyRegistry | None = None) -> list[str]:
    """The headline sentences of a demo (or report) document, in reading order."""
    out: list[str] = []
    if doc.get("simulated"):
        out.append(f"Simulated run: {count_of(int(doc.get('events_in', doc.get('events', 0))), 'simulated event')} "
                   f"(scenario {doc.get('scenario', '?')}, seed {doc.get('seed', '?')}); no real footage or real "
                   "agency actions.")
    reached = [r for r in doc.get("reached", []) if r.get("clips")]
    if reached:
        out.append(f"Clips and paths count {counted_words(str(doc.get('basis', 'judged')), full=True)}.")
    for entry in sorted(reached, key=lambda r: (-int(r["clips"]), str(r["party"]))):
        out += reached_sentence(entry, registry)
    for holds in doc.get("holds", []):
        out += holds_sentences(holds, registry)
    if not reached and not doc.get("holds") and "reached" in doc:
        out.append("No clip reached a federal party in this run.")
    v = violation_sentence(doc.get("violations") or {})
    if v:
        out.append(v)
    return out


def lead_party(doc: Mapping[str, Any]) -> str | None:
    """The federal party most clips reached (ties: the first by id), or None.

    >>> lead_party({"reached": [{"party": "b", "clips": 2}, {"party": "a", "clips": 2}, {"party": "c", "clips": 0}]})
    'a'
    """
    reached = [r for r in doc.get("reached", []) if r.get("clips")]
    if not reached:
        return None
    return str(min(reached, key=lambda r: (-int(r["clips"]), str(r["party"])))["party"])
