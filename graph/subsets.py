"""Exact path counts where walks could revisit a party: dynamic programming over (party, visited set).

Hand-overs are taken in time order; a state is a party the clip has reached and the set of parties on the
way there (a bit mask), with the number of paths that end in it. A hand-over u -> v at time t extends every
state at u that arrived no later than t and has not visited v. Hand-overs at the same instant may chain:
they are applied in rounds, each round extending only the states the previous round made, so each path is
counted once. Polynomial in the hand-overs for a fixed number of parties (at most 2^k masks per party), and
bounded by ``max_states``: past it the caller falls back to a bounded search.

>>> from graph.custody import HandOver
>>> hs = [HandOver(1.0, "in", "o", "a"), HandOver(2.0, "ab", "a", "b"), HandOver(2.0, "ba", "b", "a"),
...       HandOver(3.0, "at", "a", "t"), HandOver(3.0, "bt", "b", "t")]
>>> count_by_subsets(hs, "o", 0.0, "t")
2
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from graph.custody import HandOver

__all__ = ["count_by_subsets", "TooManyStates"]


class TooManyStates(Exception):
    """The (party, visited set) states outgrew the bound."""


def count_by_subsets(hs: Sequence[HandOver], owner: str, t0: float, target: str,
                     max_states: int = 500_000) -> int:
    """Number of time-respecting simple paths from ``owner`` (at ``t0``) to ``target`` over ``hs``
    (sorted by time). Raises :class:`TooManyStates` past ``max_states``."""
    bit: dict[str, int] = {}
    for p in (owner, *(h.src for h in hs), *(h.dst for h in hs)):
        bit.setdefault(p, 1 << len(bit))
    states: dict[str, dict[int, int]] = defaultdict(dict)  # party -> visited mask -> paths ending there
    states[owner][bit[owner]] = 1
    n_states = 1
    total = 0
    i, n = 0, len(hs)
    while i < n:
        j = i
        while j < n and hs[j].t == hs[i].t:
            j += 1
        group = [h for h in hs[i:j] if h.t >= t0]
        frontier: dict[str, dict[int, int]] = states  # round 0: everything that arrived by now (read only)
        while frontier and group:
            made: dict[str, dict[int, int]] = defaultdict(dict)
            for h in group:
                at_src = frontier.get(h.src)
                if not at_src:
                    continue
                vb = bit[h.dst]
                for mask, ways in at_src.items():
                    if mask & vb:
                        continue
                    if h.dst == target:
                        total += ways
                        continue
                    new = mask | vb
                    made[h.dst][new] = made[h.dst].get(new, 0) + ways
            for p, masks in made.items():
                into = states[p]
                for mask, ways in masks.items():
                    if mask not in into:
                        n_states += 1
                    into[mask] = into.get(mask, 0) + ways
            if n_states > max_states:
                raise TooManyStates(n_states)
            frontier = made
        i = j
    return total
