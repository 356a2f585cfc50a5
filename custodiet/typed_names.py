"""What a reader types where ids are asked, resolved to ids: party names (``--to FBI``, ``--to "ICE ERO"``),
state names (``--from-state California``) and comma lists (``--rules ca-sb34,ca-sb54``).

A name that fits more than one party is an error listing them; a party the log names but that nothing
reached is an answer of zero (``LogParties`` says what the log holds for it); a party the log does not
name at all is an error suggesting the closest ids and names.

>>> comma_list(["ca-sb34,ca-sb54", "core"]), state_code("California"), state_code("ca")
(['ca-sb34', 'ca-sb54', 'core'], 'CA', 'CA')
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from typing import Any

from custodiet.errors import CliError

__all__ = ["comma_list", "state_code", "LogParties", "resolve_party", "in_log_words"]

_LISTED = 12  # candidates named in an error before "..."


def comma_list(values: list[str] | None) -> list[str] | None:
    """Repeatable options that also take comma lists: ``["a,b", "c"]`` -> ``["a", "b", "c"]`` (a typer callback).

    >>> comma_list(None), comma_list([" a , b", ""])
    (None, ['a', 'b'])
    """
    if values is None:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def state_code(given: str) -> str:
    """A two-letter state code from a code or a state's name, any case (``Washington`` is the state here).

    >>> state_code("new  york"), state_code("WA"), state_code("washington")
    ('NY', 'WA', 'WA')
    >>> state_code("Calfornia")
    Traceback (most recent call last):
    ...
    custodiet.errors.CliError: unknown state 'Calfornia' (did you mean california?)
    """
    from classify.agency_words import STATE_CODES, STATE_NAMES

    words = " ".join(given.lower().split())
    if words.upper() in STATE_CODES:
        return words.upper()
    names = {**STATE_NAMES, **{name.lower(): code for code, name in STATE_CODES.items()}}
    if words in names:
        return names[words]
    close = difflib.get_close_matches(words, list(names), n=3, cutoff=0.7)
    hint = f" (did you mean {' or '.join(close)}?)" if close else " (give a two-letter code, e.g. CA, or a name)"
    raise CliError(f"unknown state {given!r}{hint}")


class LogParties:
    """Every party the events of a log name, with how many events of each type and outcome name it; call it as
    ``on_verdict(event, verdict)`` while the log is judged (``custodiet.app.load_graph``). ``sources`` collects
    the events' ``source`` fields.

    >>> from schemas.events import parse_event
    >>> lp = LogParties()
    >>> ev = parse_event('{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
    ...                  '"from_party":"agency:a","to_party":"agency:fbi","basis":"lookup","purpose":"x"}')
    >>> lp(ev, type("V", (), {"outcome": "gated"})()); lp.held("agency:fbi")
    {'events': 1, 'by_type': {'transfer': 1}, 'outcomes': {'gated': 1}}
    """

    def __init__(self) -> None:
        self.named: dict[str, Counter[tuple[str, str]]] = {}
        self.sources: set[str | None] = set()

    def __call__(self, event: Any, verdict: Any) -> None:
        self.sources.add(event.source)
        for p in event.parties():
            self.named.setdefault(p, Counter())[(event.type, verdict.outcome)] += 1

    def __contains__(self, party: object) -> bool:
        return party in self.named

    def held(self, party: str) -> dict[str, Any]:
        """What the log holds for ``party``: events naming it, by type and by outcome."""
        counts = self.named.get(party, Counter())
        by_type: Counter[str] = Counter()
        outcomes: Counter[str] = Counter()
        for (kind, outcome), n in counts.items():
            by_type[kind] += n
            outcomes[outcome] += n
        return {"events": sum(counts.values()), "by_type": dict(sorted(by_type.items())),
                "outcomes": dict(sorted(outcomes.items()))}


def in_log_words(held: dict[str, Any]) -> str:
    """What the log holds for a party, in words.

    >>> in_log_words({"events": 3, "by_type": {"footage_request": 2, "transfer": 1}, "outcomes": {"gated": 3}})
    'named in 3 events of the log (2 footage_request, 1 transfer; outcomes: 3 gated)'
    """
    types = ", ".join(f"{n:,} {t}" for t, n in held["by_type"].items())
    outcomes = ", ".join(f"{n:,} {o}" for o, n in held["outcomes"].items())
    events = "event" if held["events"] == 1 else "events"
    return f"named in {held['events']:,} {events} of the log ({types}; outcomes: {outcomes})"


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _names_of(party: str, registry: Any) -> set[str]:
    """The words a reader may type for ``party``: its id, its slug, its name (with and without the state)."""
    from reports.names import party_name

    keys = {_words(party), _words(party.split(":", 1)[-1])}
    if not party.startswith("resident:"):  # camera owners share their names ("a camera owner in ...")
        name = party_name(party, registry)
        state = registry.state_of(party) if registry is not None else None
        bare = re.sub(rf"\(?\b{state}\b\)?", " ", name) if state else name  # "Springfield PD" for "... IL PD"
        keys |= {_words(name), _words(bare)}
        if registry is not None and registry.get(party).name:
            keys.add(_words(registry.get(party).name))
    return keys - {""}


def resolve_party(graph: Any, given: str, option: str = "--to", log: LogParties | None = None) -> str:
    """The party id ``given`` means: an id in the graph or the log as it is, else the one party whose id, slug
    or name reads the same (case and punctuation aside). Several: a CliError listing them; none: a CliError
    naming ``option`` and suggesting the closest ids and names.

    >>> from graph.custody import CustodyGraph
    >>> g = CustodyGraph(); g.add_grant("g", "agency:el-cajon-ca-pd", "agency:fbi", 0.0)
    >>> g.add_grant("h", "agency:ice-ero", "agency:ice-hsi", 0.0)
    >>> resolve_party(g, "FBI"), resolve_party(g, "ICE ERO"), resolve_party(g, "el cajon ca pd")
    ('agency:fbi', 'agency:ice-ero', 'agency:el-cajon-ca-pd')
    >>> resolve_party(g, "FBl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    custodiet.errors.CliError: --to: party 'FBl' is not in the log... (did you mean agency:fbi?)
    """
    known = set(graph.graph) | set(log.named if log is not None else ())
    if given in known:
        return given
    key = _words(given)
    by_name: dict[str, set[str]] = {}
    for p in sorted(known, key=str):
        for k in _names_of(str(p), graph.registry):
            by_name.setdefault(k, set()).add(str(p))
    hits = sorted(by_name.get(key, ()))
    if len(hits) == 1:
        return hits[0]
    if hits:
        listed = hits if len(hits) <= _LISTED else [*hits[:_LISTED], "..."]
        raise CliError(f"{option}: {given!r} names {len(hits)} parties in the log: {', '.join(listed)} "
                       "(give one of these ids)")
    close = difflib.get_close_matches(key, list(by_name), n=5, cutoff=0.6)
    ids = list(dict.fromkeys(p for k in close for p in sorted(by_name[k])))[:3]
    hint = f" (did you mean {' or '.join(ids)}?)" if ids else ""
    absent = f"party {given!r} is not in the log{graph.as_of_words()}" if log is not None else graph.absent("party",
                                                                                                           given)
    raise CliError(f"{option}: {absent}{hint}")
