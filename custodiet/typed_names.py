"""What a reader types where ids are asked, resolved to ids: party names (``--to FBI``, ``--to "ICE ERO"``),
state names (``--from-state California``) and comma lists (``--rules ca-sb34,ca-sb54``).

Party names and what the log holds for a party nothing reached are ``analysis.party_names`` (the live view
answers with the same); here they are a command's (a CliError).

>>> comma_list(["ca-sb34,ca-sb54", "core"]), state_code("California"), state_code("ca")
(['ca-sb34', 'ca-sb54', 'core'], 'CA', 'CA')
"""

from __future__ import annotations

import difflib
from typing import Any

from analysis import party_names
from analysis.party_names import LogParties, PartyNameError, in_log_words, reach_named, trace_named
from custodiet.errors import CliError

__all__ = ["comma_list", "state_code", "LogParties", "resolve_party", "in_log_words", "reach_named", "trace_named"]

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


def resolve_party(graph: Any, given: str, option: str = "--to", log: LogParties | None = None) -> str:
    """``analysis.party_names.resolve_party`` (the one resolver, which the live view uses too), its errors as
    a command's: a CliError.

    >>> from graph.custody import CustodyGraph
    >>> g = CustodyGraph(); g.add_grant("g", "agency:el-cajon-ca-pd", "agency:fbi", 0.0)
    >>> resolve_party(g, "FBI")
    'agency:fbi'
    >>> resolve_party(g, "FBl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    custodiet.errors.CliError: --to: party 'FBl' is not in the log... (did you mean agency:fbi?)
    """
    try:
        return party_names.resolve_party(graph, given, option, log)
    except PartyNameError as e:
        raise CliError(str(e)) from None
