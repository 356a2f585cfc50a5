"""The report's picture of reach over time: for one party, how many parties' data reached it as of each
date, one line per kind of link (hand-over, grant, search), counted as ``reach --as-of`` counts them.

Each point is the flow model's answer (``graph.reach.reaching``) on the custody graph as of that date
(``graph.asof.graph_as_of``: the same as-of rule as ``--as-of``, so the point at a date is the number of
parties ``reach --to PARTY --as-of DATE`` lists by that kind). A party reached by two kinds counts on both
lines.

>>> from graph.custody import CustodyGraph
>>> g = CustodyGraph(); g.add_grant("g", "agency:a", "agency:fbi", 0.0)
>>> g.add_grant("h", "agency:b", "agency:fbi", 86400.0)
>>> s = reach_over_time(g, "agency:fbi", points=2)
>>> s["dates"], s["grant"], s["hand-over"]
(['1970-01-01T00:00:00Z', '1970-01-02T00:00:00Z'], [1, 2], [0, 0])
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from graph.asof import graph_as_of, parse_time
from graph.custody import CustodyGraph
from graph.reach import reaching
from reports.csv_safe import write_csv
from reports.figures import DPI, FONT, OKABE_ITO, save
from reports.names import party_name
from schemas.parties import PartyRegistry
from schemas.when import iso_z

__all__ = ["reach_over_time", "reach_over_time_figure", "write_reach_over_time", "KINDS"]

#: The kinds of link, one line each, in the flow model's words (``graph.reach.reaching``).
KINDS = ("hand-over", "grant", "search")
_COLOURS = {"hand-over": OKABE_ITO[4], "grant": OKABE_ITO[0], "search": OKABE_ITO[6]}


def _dates(g: CustodyGraph, points: int) -> list[float]:
    times = [o.t for o in g.clips.values()] + [d["t"] for *_, d in g.graph.edges(data=True)]
    snaps = {parse_time(s) for _, both in g.snapshots.items() for s in both[1]}
    if not times:
        return []
    lo, hi = min(times), max([*times, *snaps])
    if g.as_of is not None:
        hi = min(hi, g.as_of.t) if hi > lo else g.as_of.t
    even = [lo + (hi - lo) * i / (points - 1) for i in range(points)] if points > 1 and hi > lo else [hi]
    return sorted({*even, *(t for t in snaps if lo <= t <= hi)})


def reach_over_time(g: CustodyGraph, target: str, dates: list[float] | None = None, *,
                    points: int = 12) -> dict[str, Any]:
    """``{"to", "dates", "hand-over", "grant", "search", "basis"}``: per date (seconds since the epoch; by
    default ``points`` dates evenly from the first event to the last, and every portal snapshot), the number
    of parties whose data reaches ``target`` by each kind of link as of that date."""
    when = _dates(g, points) if dates is None else sorted(dates)
    series: dict[str, Any] = {"to": target, "basis": g.basis, "dates": [iso_z(t) for t in when]}
    for kind in KINDS:
        series[kind] = []
    for t in when:
        h = graph_as_of(g, datetime.fromtimestamp(t, UTC))
        by = reaching(h, {target}) if h.has_party(target) else {}
        for kind in KINDS:
            series[kind].append(sum(1 for kinds in by.values() if kind in kinds))
    return series


def reach_over_time_figure(series: dict[str, Any], data: str, registry: PartyRegistry | None = None) -> Figure:
    """Lines: parties reaching the party as of each date, one per kind of link (step lines: nothing is known
    to change between the dates drawn).

    >>> s = {"to": "agency:fbi", "dates": ["2025-01-01T00:00:00Z"], "hand-over": [0], "grant": [2], "search": [1]}
    >>> len(reach_over_time_figure(s, "test data").axes)
    1
    """
    fig = Figure(figsize=(9.0, 4.2), dpi=DPI)
    name = party_name(series["to"], registry)
    fig.text(0.02, 0.97, f"Reach of {name} over time", fontsize=11, fontweight="bold", va="top")
    caption = "\n".join(textwrap.wrap(
        "Drawn: at each date, the parties whose data reaches the party as of that date (custody as of then: "
        "events up to the date, portal grants in force then, as reach --as-of counts them), by a clip's "
        "hand-overs, a direct access grant, or a search; a party reached in two ways is on both lines. "
        f"Data: {data}.", 150))
    fig.text(0.02, 0.02, caption, fontsize=7, va="bottom", color="#333333")
    ax = fig.add_axes((0.08, 0.3, 0.7, 0.58))
    xs: Any = [datetime.fromisoformat(d.replace("Z", "+00:00")) for d in series["dates"]]
    for kind in KINDS:
        ax.step(xs, series[kind], where="post", marker="o", markersize=3, color=_COLOURS[kind],
                label=f"by {kind} ({series[kind][-1] if series[kind] else 0} at the end)")
    ax.set_ylabel("parties reaching it", fontsize=FONT)
    ax.tick_params(labelsize=FONT)
    ax.set_ylim(bottom=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.autofmt_xdate()
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    return fig


def write_reach_over_time(g: CustodyGraph, targets: list[str], out_dir: str | Path, data: str,
                          registry: PartyRegistry | None = None, *, simulated: bool = False) -> list[tuple[str, str]]:
    """Draw the picture for each target into ``out_dir`` (PNG, SVG, and the numbers as CSV); ``[(stem,
    caption)]`` for the page.

    >>> import tempfile
    >>> g = CustodyGraph(); g.add_grant("g", "agency:a", "agency:fbi", 0.0)
    >>> [stem for stem, _ in write_reach_over_time(g, ["agency:fbi"], tempfile.mkdtemp(), "test data")]
    ['reach-over-time-fbi']
    """
    out = []
    for t in targets:
        series = reach_over_time(g, t)
        stem = "reach-over-time-" + "".join(c if c.isalnum() else "-" for c in t.split(":", 1)[-1])[:60]
        save(reach_over_time_figure(series, data, registry), out_dir, stem, data)
        write_csv(Path(out_dir) / f"{stem}.csv", ["as_of", *(f"parties_by_{k.replace('-', '_')}" for k in KINDS)],
                  ([d, *(series[k][i] for k in KINDS)] for i, d in enumerate(series["dates"])), simulated=simulated)
        out.append((stem, f"Reach of {party_name(t, registry)} over time: parties whose data reaches it as of "
                          "each date, by hand-over, grant and search"))
    return out
