"""Pictures for the report (matplotlib ``Figure`` objects, Agg canvas; no pyplot state), PNG and SVG each.

- :func:`into_figure`: what reached one party by the flow model: the hand-overs of the clips that reached
  it (camera owners counted by place, then each intermediary) and the access grants and searches straight
  into it, in hop columns;
- :func:`violations_figure`: violations by agency, stacked by rule (rules by title).

Every picture is laid out from measured text: labels sit in columns as wide as their longest label and
rows as tall as a label, so no two labels overlap and none leaves the figure; at most :data:`MAX_LABELS`
parties are labelled, the rest drawn as one "N more" node per column, and the caption says so. Colours are
the Okabe-Ito palette (safe for colour-blind readers); SVG text is drawn as paths, so no event-supplied
string becomes markup.

>>> import tempfile
>>> from graph.custody import CustodyGraph
>>> g = CustodyGraph(); g.add_grant("g1", "agency:a-pd", "agency:fbi", 0.0)
>>> [p.suffix for p in save(into_figure(g, "agency:fbi", "test data"), tempfile.mkdtemp(), "into")]
['.png', '.svg']
"""

from __future__ import annotations

import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from graph.custody import CustodyGraph
from graph.reach import flow_links_into
from reports.names import aggregate, count_of, kind_words, party_group, party_name, rule_title
from schemas.parties import PartyRegistry

__all__ = ["into_figure", "violations_figure", "violation_counts", "save", "label_boxes", "OKABE_ITO",
           "KIND_COLOURS", "MAX_LABELS", "into_links"]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
KIND_COLOURS = {
    "federal": "#D55E00", "state": "#CC79A7", "fusion": "#E69F00", "sheriff": "#0072B2", "local": "#56B4E9",
    "fire": "#999999", "resident": "#009E73", "platform": "#000000", "public": "#F0E442", "unknown": "#999999",
}
_LINK_COLOURS = {"hand_overs": "#0072B2", "grants": "#E69F00", "searches": "#CC79A7"}
MAX_LABELS = 25
FONT = 8.0
DPI = 110
_ROW_IN = 0.30  # inches per label row (two-line labels take two)
_WRAP = 26  # characters per label line


def _safe(s: str) -> str:
    return s.replace("$", r"\$")  # no mathtext from event-supplied names


def _wrap(s: str, width: int = _WRAP) -> str:
    return "\n".join(textwrap.wrap(_safe(s), width, break_long_words=True)) or " "


def save(fig: Figure, out_dir: str | Path, stem: str, data: str | None = None) -> tuple[Path, Path]:
    """Write ``stem.png`` and ``stem.svg`` (SVG text as paths); ``data`` (what is drawn, e.g. "simulated events
    (custodiet)") goes into each file's metadata as well as its caption (PNG ``Description``, SVG
    ``dc:description``), so a picture of simulated data says so even where its caption is cut off."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png, svg = out / f"{stem}.png", out / f"{stem}.svg"
    meta = {"Description": f"Data: {data}"} if data else {}
    fig.savefig(png, dpi=DPI, metadata=meta)
    fig.savefig(svg, metadata=meta)
    return png, svg


def label_boxes(fig: Figure) -> list[tuple[str, Any]]:
    """``(text, window extent)`` of every label drawn in a figure: figure and axes texts, legend entries,
    axis labels and the tick labels inside the axes' view (for layout checks)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    fig.draw(renderer)
    texts = list(fig.texts)
    for legend in fig.legends:
        texts += legend.get_texts()
    for ax in fig.axes:
        texts += [*ax.texts, ax.title, ax.xaxis.label, ax.yaxis.label]
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            span = (hi - lo) * 1e-9
            texts += [tick.label1 for tick in axis.get_major_ticks() if lo - span <= tick.get_loc() <= hi + span]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_visible() and t.get_text().strip()]


def _measure(texts: Iterable[str], fontsize: float = FONT) -> dict[str, tuple[float, float]]:
    """Width and height in inches of each text at ``fontsize``."""
    fig = Figure(dpi=DPI)
    renderer = FigureCanvasAgg(fig).get_renderer()
    sizes = {}
    for s in set(texts):
        t = fig.text(0, 0, s, fontsize=fontsize)
        bb = t.get_window_extent(renderer)
        sizes[s] = (bb.width / DPI, bb.height / DPI)
    return sizes


# -- what reached a party --------------------------------------------------------------------------------
def into_links(g: CustodyGraph, target: str) -> Counter[tuple[str, str, str]]:
    """``(from, to, what) -> n`` over the links that carry data into ``target`` by the flow model
    (``graph.reach.flow_links_into``): ``hand_overs`` on time-respecting paths of its clips, and the
    ``grants`` and ``searches`` straight into it.

    >>> g = CustodyGraph(); g.add_recording("c", "resident:r", 0.0)
    >>> g.add_hand_over("t1", "c", "resident:r", "agency:a", 1.0)
    >>> g.add_hand_over("t2", "c", "agency:a", "agency:f", 2.0)
    >>> g.add_grant("g", "agency:b", "agency:f", 0.0)
    >>> for link, n in sorted(into_links(g, "agency:f").items()): print(link, n)
    ('agency:a', 'agency:f', 'hand_overs') 1
    ('agency:b', 'agency:f', 'grants') 1
    ('resident:r', 'agency:a', 'hand_overs') 1
    """
    links: Counter[tuple[str, str, str]] = Counter()
    for (u, v), counts in flow_links_into(g, target).items():
        for what, n in counts.items():
            links[(u, v, what)] += n
    return links


@dataclass
class _Node:
    label: str
    kind: str
    weight: int
    members: list[str] = field(default_factory=list)


def _columns(links: Counter[tuple[str, str, str]], target: str, reg: PartyRegistry,
             limit: int) -> tuple[list[list[_Node]], dict[str, tuple[int, int]], int]:
    """Hop columns (0: the target) of aggregated nodes, where each party is drawn, and the parties not labelled."""
    preds: dict[str, set[str]] = defaultdict(set)
    weight: Counter[str] = Counter()
    for (u, v, _), n in links.items():
        preds[v].add(u)
        weight[u] += n
    hops = {target: 0}
    frontier = [target]
    while frontier:
        nxt = []
        for v in frontier:
            for u in sorted(preds[v]):
                if u not in hops:
                    hops[u] = hops[v] + 1
                    nxt.append(u)
        frontier = nxt
    depth = max(hops.values())
    # Camera owners are counted by place; everyone else is a node of their own.
    groups: dict[tuple[int, str], list[str]] = defaultdict(list)
    for p, h in hops.items():
        groups[(h, party_group(p, reg)[1])].append(p)
    nodes_by_col: list[list[_Node]] = [[] for _ in range(depth + 1)]
    for (h, _), members in groups.items():
        kind = reg.kind_of(members[0])
        label = aggregate(members, reg)[0][0] if h else party_name(target, reg)
        nodes_by_col[h].append(_Node(label, kind, sum(weight[m] for m in members), sorted(members)))
    budget = limit - 1
    per_col = max(1, budget // max(1, depth))
    hidden = 0
    cols: list[list[_Node]] = []
    for h, nodes in enumerate(nodes_by_col):
        nodes.sort(key=lambda n: (-n.weight, n.label))
        if h and len(nodes) > per_col:
            keep, rest = nodes[: per_col - 1], nodes[per_col - 1:]
            n_rest = sum(len(n.members) for n in rest)
            hidden += len(rest)
            kinds = Counter(n.kind for n in rest)
            kind = kinds.most_common(1)[0][0] if len(kinds) == 1 else "unknown"
            what = kind_words(kind, n_rest) if len(kinds) == 1 else "parties"
            keep.append(_Node(f"{n_rest:,} more {what}", kind, sum(n.weight for n in rest),
                              [m for n in rest for m in n.members]))
            nodes = keep
        cols.append(nodes)
    where = {m: (h, i) for h, nodes in enumerate(cols) for i, n in enumerate(nodes) for m in n.members}
    return cols, where, hidden


def into_figure(g: CustodyGraph, target: str, data: str, *, limit: int = MAX_LABELS,
                registry: PartyRegistry | None = None) -> Figure:
    """What reached ``target``: parties in hop columns (the farthest on the left), links sized by hand-overs,
    grants or searches, at most ``limit`` labelled nodes; ``data`` names the data drawn (for the caption),
    ``registry`` names the parties (default: the graph's)."""
    from graph.cut import registry_of

    reg = registry if registry is not None else registry_of(g)
    links = into_links(g, target)
    cols, where, hidden = _columns(links, target, reg, limit)
    depth = len(cols) - 1
    labels = [[_wrap(n.label) for n in col] for col in cols]
    sizes = _measure([s for col in labels for s in col])
    col_w = [max((sizes[s][0] for s in col), default=0.5) for col in labels]
    rows = max(sum(s.count("\n") + 1 for s in col) for col in labels)
    node_gap, pad = 0.16, 0.3
    xs: list[float] = [0.0] * (depth + 1)
    x = pad
    for h in range(depth, -1, -1):  # left to right: the farthest column first
        xs[h] = x
        x += node_gap + col_w[h] + pad + 0.45
    width = max(x, 6.0)
    title = _wrap(f"What reached {party_name(target, reg)}", 70)
    grants = sum(n for (u, v, w), n in links.items() if w == "grants")
    searches = sum(n for (u, v, w), n in links.items() if w == "searches")
    kinds = [f"the hand-overs on time-respecting paths of the clips that reached {party_name(target, reg)} "
             "(blue; line width: hand-overs)"] if any(w == "hand_overs" for _, _, w in links) else []
    if grants:
        kinds.append(f"the access grants straight into it (orange; {count_of(grants, 'grant')})")
    if searches:
        kinds.append(f"the search links into it (purple; {count_of(searches, 'search', 'searches')})")
    caption_text = (
        f"Drawn: {', '.join(kinds) or 'nothing reached it'}. Camera owners are counted by place. "
        + (f"{count_of(hidden, 'further party', 'further parties')} are drawn as 'more' nodes. " if hidden else "")
        + f"Data: {data}."
    )
    chars = max(60, int(width * 13))
    caption = "\n".join(textwrap.wrap(_safe(caption_text), chars))
    cap_h = _measure([caption], 7.0)[caption][1]
    title_h = _measure([title], 11.0)[title][1]
    height = max(2.2, rows * _ROW_IN + 0.6) + cap_h + title_h + 0.5
    body_top = height - title_h - 0.35
    body_bottom = cap_h + 0.35
    fig = Figure(figsize=(width, height), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    pos: dict[tuple[int, int], tuple[float, float]] = {}
    ends: dict[tuple[int, int], float] = {}  # where a node's label ends: links leave from there
    for h, col in enumerate(labels):
        lines = [s.count("\n") + 1 for s in col]
        total = sum(lines) * _ROW_IN
        y = (body_top + body_bottom) / 2 + total / 2
        for i, (s, node) in enumerate(zip(col, cols[h], strict=True)):
            yc = y - lines[i] * _ROW_IN / 2
            pos[(h, i)] = (xs[h], yc)
            ends[(h, i)] = xs[h] + node_gap + sizes[s][0] + 0.08
            ax.scatter([xs[h]], [yc], s=70 if h else 140, color=KIND_COLOURS.get(node.kind, "#999999"), zorder=3,
                       edgecolors="white", linewidths=0.6)
            ax.text(xs[h] + node_gap, yc, s, fontsize=FONT if h else FONT + 1, va="center", ha="left",
                    fontweight="bold" if h == 0 else "normal", zorder=4)
            y -= lines[i] * _ROW_IN
    drawn: Counter[tuple[tuple[int, int], tuple[int, int], str]] = Counter()
    for (u, v, what), n in links.items():
        if u in where and v in where and where[u][0] == where[v][0] + 1:
            drawn[(where[u], where[v], what)] += n
    top = max(drawn.values(), default=1)
    for (a, b, what), n in sorted(drawn.items()):
        (_, y0), (x1, y1) = pos[a], pos[b]
        ax.annotate("", xy=(x1 - 0.08, y1), xytext=(ends[a], y0), zorder=2,
                    arrowprops={"arrowstyle": "-|>", "lw": 0.6 + 2.4 * n / top, "alpha": 0.55,
                                "color": _LINK_COLOURS[what], "shrinkA": 0, "shrinkB": 3})
    fig.text(0.02, 1 - 0.2 / height, title, fontsize=11, fontweight="bold", va="top", ha="left")
    fig.text(0.02, 0.15 / height, caption, fontsize=7, va="bottom", ha="left", color="#333333")
    return fig


# -- violations -------------------------------------------------------------------------------------------
def violation_counts(check_doc: Mapping[str, Any], registry: PartyRegistry | None = None) -> Counter[tuple[str, str]]:
    """``(rule id, agency) -> n`` from a check document's ``violation_list``: the agency is the first party
    named that is not a camera owner, platform or the public (else the first party).

    >>> violation_counts({"violation_list": [{"rule_id": "r", "parties": ["resident:x", "agency:a"]}]})
    Counter({('r', 'agency:a'): 1})
    """
    counts: Counter[tuple[str, str]] = Counter()
    reg = registry if registry is not None else PartyRegistry()
    for v in check_doc.get("violation_list", []):
        parties = list((v.get("evidence") or {}).get("origin") and [v["evidence"]["origin"]] or []) + list(
            v.get("parties") or [])
        agencies = [p for p in parties if reg.kind_of(p) not in ("resident", "platform", "public")]
        counts[(v["rule_id"], (agencies or parties or ["(none)"])[0])] += 1
    return counts


def violations_figure(check_doc: Mapping[str, Any], data: str, registry: PartyRegistry | None = None, *,
                      top: int = 20) -> Figure:
    """Horizontal bars: the ``top`` agencies by violations, stacked by rule (legend: rule titles)."""
    counts = violation_counts(check_doc, registry)
    by_agency: Counter[str] = Counter()
    for (_, agency), n in counts.items():
        by_agency[agency] += n
    agencies = [a for a, _ in sorted(by_agency.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    rules = [r for r, _ in sorted(Counter({r: n for (r, _), n in counts.items()}).items())]
    rule_tot: Counter[str] = Counter()
    for (r, _), n in counts.items():
        rule_tot[r] += n
    rules = sorted(rule_tot, key=lambda r: (-rule_tot[r], r))
    names = [_wrap(party_name(a, registry) if a != "(none)" else "(no party named)", 40) for a in agencies]
    legend = [_wrap(rule_title(r), 60) for r in rules]
    sizes = _measure(names + legend)
    left_in = max((sizes[s][0] for s in names), default=1.0) + 0.3
    legend_h = sum(sizes[s][1] + 0.05 for s in legend) + 0.1
    bars_h = max(1.2, 0.32 * len(agencies))
    width = max(9.0, left_in + 5.5)
    caption = "\n".join(textwrap.wrap(_safe(
        f"Drawn: each violation a rule gate recorded, counted against the first agency it names (camera "
        f"owners, platforms and the public are not agencies). Data: {data}."), int(width * 13)))
    cap_h = _measure([caption], 7.0)[caption][1]
    height = 0.15 + cap_h + 0.1 + legend_h + 0.55 + bars_h + 0.6
    fig = Figure(figsize=(width, height), dpi=DPI)
    title = (f"Violations by agency and rule (top {len(agencies)} of {len(by_agency)} agencies)"
             if agencies else "No violations")
    fig.text(0.02, 1 - 0.15 / height, title, fontsize=11, fontweight="bold", va="top")
    fig.text(0.02, 0.15 / height, caption, fontsize=7, va="bottom", color="#333333")
    if not agencies:
        return fig
    bottom = (0.15 + cap_h + 0.1 + legend_h + 0.55) / height
    ax = fig.add_axes((left_in / width, bottom, 1 - left_in / width - 0.3 / width, bars_h / height))
    left = [0.0] * len(agencies)
    for i, rule in enumerate(rules):
        widths = [float(counts.get((rule, a), 0)) for a in agencies]
        ax.barh(range(len(agencies)), widths, left=left, color=OKABE_ITO[i % len(OKABE_ITO)],
                label=legend[i], hatch=None if i < len(OKABE_ITO) else "//")
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(range(len(agencies)))
    ax.set_yticklabels(names, fontsize=FONT)
    ax.invert_yaxis()
    ax.set_xlabel("violations recorded", fontsize=FONT)
    ax.tick_params(axis="x", labelsize=FONT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(loc="lower left", bbox_to_anchor=(0.01, (0.15 + cap_h + 0.05) / height), fontsize=7,
               frameon=False, ncols=1, borderaxespad=0)
    return fig
