"""Which party a reader means, and what the log holds for a party nothing reached: the one place the commands
(``custodiet.typed_names``) and the live view (``live.queries``) resolve typed names and answer zero.

A name that fits more than one party is an error listing them; a party the log names but that nothing
reached is an answer of zero (``LogParties`` says what the log holds for it); a party the log does not
name at all is an error suggesting the closest ids (``PartyNameError.candidates``).

>>> from graph.custody import CustodyGraph
>>> g = CustodyGraph(); g.add_grant("g", "agency:el-cajon-ca-pd", "agency:ice-ero", 0.0)
>>> log = LogParties(); log.count("footage_request", ["agency:fbi"], "gated")
>>> doc = reach_named(g, resolve_party(g, "FBI", log=log), log)
>>> doc["clip_count"], doc["in_log"]["events"]
(0, 1)
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from graph.reach import reach
from graph.trace import trace

__all__ = ["PartyNameError", "LogParties", "resolve_party", "in_log_words", "reach_named", "trace_named"]

_LISTED = 12  # candidates named in an error before "..."


class PartyNameError(ValueError):
    """A typed party that names no party of the log (``candidates``: the closest ids) or several
    (``ambiguous``; ``candidates``: all of them)."""

    def __init__(self, message: str, candidates: list[str], ambiguous: bool = False) -> None:
        super().__init__(message)
        self.candidates = candidates
        self.ambiguous = ambiguous


class LogParties:
    """Every party the events of a log name, with how many events of each type and outcome name it; call it as
    ``on_verdict(event, verdict)`` while the log is judged (``custodiet.app.load_graph``), or :meth:`count`
    (a re-judgement: ``n=-1`` for the verdict it replaces). ``sources`` collects the events' ``source`` fields.

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
        self.count(event.type, event.parties(), verdict.outcome)

    def count(self, event_type: str, parties: Iterable[str], outcome: str, n: int = 1) -> None:
        """Count ``n`` events of ``event_type`` with ``outcome`` naming each of ``parties``.

        >>> lp = LogParties(); lp.count("transfer", ["a"], "ok"); lp.count("transfer", ["a"], "ok", -1)
        >>> "a" in lp, lp.held("a")["events"]
        (True, 0)
        """
        for p in parties:
            self.named.setdefault(p, Counter())[(event_type, outcome)] += n

    def set_aside(self, event: Any) -> None:
        """Count an event that does not count as of an ``--as-of`` date (unjudged: outcome ``set_aside``), so
        a party the log names only later is known, with nothing reaching it then, not unknown.

        >>> from schemas.events import parse_event
        >>> lp = LogParties()
        >>> lp.set_aside(parse_event('{"event_id":"g","type":"access_grant","occurred_at":"2025-01-01T00:00:00Z",'
        ...                          '"grantor":"agency:a","grantee":"agency:b","system":"flock","scope":"x"}'))
        >>> lp.held("agency:b")["outcomes"]
        {'set_aside': 1}
        """
        self.count(event.type, event.parties(), "set_aside")

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
        return {"events": sum(counts.values()), "by_type": {k: n for k, n in sorted(by_type.items()) if n},
                "outcomes": {k: n for k, n in sorted(outcomes.items()) if n}}


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
    or name reads the same (case and punctuation aside). Several, or none: a :class:`PartyNameError` naming
    ``option`` (none: with the closest ids and names).

    >>> from graph.custody import CustodyGraph
    >>> g = CustodyGraph(); g.add_grant("g", "agency:el-cajon-ca-pd", "agency:fbi", 0.0)
    >>> g.add_grant("h", "agency:ice-ero", "agency:ice-hsi", 0.0)
    >>> resolve_party(g, "FBI"), resolve_party(g, "ICE ERO"), resolve_party(g, "el cajon ca pd")
    ('agency:fbi', 'agency:ice-ero', 'agency:el-cajon-ca-pd')
    >>> try:
    ...     resolve_party(g, "FBl")
    ... except PartyNameError as e:
    ...     e.candidates
    ['agency:fbi']
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
        raise PartyNameError(f"{option}: {given!r} names {len(hits)} parties in the log: {', '.join(listed)} "
                             "(give one of these ids)", hits, ambiguous=True)
    close = difflib.get_close_matches(key, list(by_name), n=5, cutoff=0.6)
    ids = list(dict.fromkeys(p for k in close for p in sorted(by_name[k])))[:3]
    hint = f" (did you mean {' or '.join(ids)}?)" if ids else ""
    absent = f"party {given!r} is not in the log{graph.as_of_words()}" if log is not None else graph.absent("party",
                                                                                                           given)
    raise PartyNameError(f"{option}: {absent}{hint}", ids)


def reach_named(g: Any, to: str, log: LogParties, **kw: Any) -> dict[str, Any]:
    """``graph.reach.reach`` for a party id ``to`` (resolved), with ``in_log`` (what the log holds for it) when
    the graph holds no custody, grant or search of it: the ``reach --json`` document before its names."""
    doc = reach(g, to, named=to in log, **kw)
    if not g.has_party(to):
        doc["in_log"] = log.held(to)
    return doc


def trace_named(g: Any, clip: str, to: str, log: LogParties, **kw: Any) -> dict[str, Any]:
    """``graph.trace.trace`` as :func:`reach_named` gives reach: the ``trace --json`` document before its names."""
    doc = trace(g, clip, to, named=to in log, **kw)
    if not g.has_party(to):
        doc["in_log"] = log.held(to)
    return doc
