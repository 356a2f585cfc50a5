"""``custodiet trace``: every time-respecting path by which one clip reached one party.

>>> g = CustodyGraph()
>>> g.add_recording("c", "resident:r", 0.0)
>>> g.add_hand_over("t1", "c", "resident:r", "agency:a-pd", 1.0)
>>> g.add_hand_over("t2", "c", "agency:a-pd", "agency:ice-hsi", 2.0)
>>> doc = trace(g, "c", "agency:ice-hsi")
>>> doc["count"], doc["truncated"], doc["paths"][0]["parties"]
(1, False, ['resident:r', 'agency:a-pd', 'agency:ice-hsi'])
"""

from __future__ import annotations

from typing import Any

from graph.custody import ORIGIN_UNKNOWN_NOTE, CustodyGraph
from graph.paths import count_paths, count_static_paths, enumerate_paths, useful_hand_overs

__all__ = ["trace", "TraceError", "DEFAULT_LIMIT"]

DEFAULT_LIMIT = 1000
STATIC_BUDGET = 200_000


class TraceError(LookupError):
    """The clip or party asked about does not appear in the log."""


def trace(g: CustodyGraph, clip: str, to: str, limit: int = DEFAULT_LIMIT, *, named: bool = False,
          max_wait: float | None = None) -> dict[str, Any]:
    """The trace document: ``{"clip","to","count","truncated","paths":[{"parties","events"}]}``.

    ``count`` is exact (all paths, not just those listed); ``truncated`` says the list stopped at
    ``limit``. ``static`` gives the time-blind count beside it, labelled, for comparison only; when
    counting it stopped at its work budget, its ``count`` is None and ``stopped`` says why. ``basis``
    says what the graph counts (``judged``: hand-overs the gates let through; ``attempts``: every one).
    ``named``: the log names ``to`` (the caller knows), so a party the graph does not hold gets a count of 0.
    ``max_wait`` (seconds): only paths whose every hand-over leaves within that time of the arrival before it
    (the first within that time of the recording; ``graph.wait``); the document then says
    ``max_wait_seconds``.
    """
    if clip not in g.clips and clip not in g.hand_overs:
        raise TraceError(g.absent("clip", clip))
    if not g.has_party(to) and not named:
        raise TraceError(g.absent("party", to))
    start = g.custody_start(clip)
    assert start is not None  # the clip is in the graph
    origin, hs = start
    blocked = origin.owner == to or to in origin.senders  # where custody starts: nothing reaches it
    if max_wait is not None:
        from graph.wait import count_within, enumerate_within, useful_within

        # a clip with no recording: its senders hold it from their first hand-over out, whenever that was
        first = None if origin.known else float("inf")
        useful = useful_within(hs, origin.owner, origin.t, to, max_wait, first_wait=first) if not blocked else []
        count, exact = count_within(hs, origin.owner, origin.t, to, max_wait, useful=useful, first_wait=first)
        listed = enumerate_within(hs, origin.owner, origin.t, to, max_wait, limit=limit, useful=useful,
                                  first_wait=first)
    else:
        useful = useful_hand_overs(hs, origin.owner, origin.t, to) if not blocked else []
        count, exact = count_paths(hs, origin.owner, origin.t, to, useful=useful)
        listed = enumerate_paths(hs, origin.owner, origin.t, to, limit=limit, useful=useful)
    paths = []
    for p in listed:
        parties = [origin.owner, *(h.dst for h in p)]
        if not origin.known:  # start at the sender: the stand-in hand-over into it is not an event
            parties, p = parties[1:], p[1:]
        paths.append({"parties": parties, "events": [h.event_id for h in p]})
    # The time-blind count is context, not the answer: a smaller work bound keeps one widely shared clip
    # from costing a second per query (it then says exact: false).
    static, static_exact = count_static_paths(hs, origin.owner, to, budget=STATIC_BUDGET) if not blocked else (0, True)
    static_doc: dict[str, Any] = {"count": static, "exact": static_exact,
                                  "label": "time-blind: ignores hand-over order, overstates exposure"}
    if static is None:
        static_doc["stopped"] = f"work budget of {STATIC_BUDGET} steps"
    doc: dict[str, Any] = {
        "clip": clip,
        "to": to,
        "count": count,
        "truncated": count > len(paths) or not exact,
        "paths": paths,
        "count_exact": exact,
        "basis": g.basis,
        "static": static_doc,
        "origin_known": origin.known,
    }
    if not origin.known:
        doc["note"] = ORIGIN_UNKNOWN_NOTE
        doc["senders"] = list(origin.senders)
    if max_wait is not None:
        doc["max_wait_seconds"] = max_wait
    if g.as_of is not None:  # built as of a date (graph.asof)
        doc.update(g.as_of.fields(to))
    return doc
