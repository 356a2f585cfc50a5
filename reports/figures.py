"""Pictures for the report (matplotlib, Agg canvas through ``matplotlib.figure.Figure``; no pyplot state).

Each picture is written as PNG and SVG (text as paths in SVG, so no event-supplied string becomes markup):

- :func:`paths_figure`: the parties whose data reaches a target by the flow model (a clip's time-respecting
  hand-overs, a direct grant, a search; chains of grants carry nothing) drawn as a layered graph, hop
  layers left to right (farthest on the left, the target on the right), only links that carry data there;
- :func:`flows_figure`: flows by hop, Sankey-like: per hop layer, a block per party kind (height = parties)
  and bands between layers whose widths follow the hand-overs + grants + searches carrying data there;
- :func:`violations_figure`: violations by agency, stacked by rule.

>>> import tempfile
>>> from graph.custody import CustodyGraph
>>> g = CustodyGraph(); g.add_grant("g1", "agency:a-pd", "agency:fbi", 0.0)
>>> [p.suffix for p in paths_figure(g, "agency:fbi", tempfile.mkdtemp())]
['.png', '.svg']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from graph.custody import CustodyGraph
from graph.cut import registry_of
from graph.reach import flow_links_into, parties_into

__all__ = ["hop_layers", "paths_figure", "flows_figure", "violations_figure", "KIND_COLOURS"]

KIND_COLOURS = {
    "federal": "#c0392b",
    "state": "#8e44ad",
    "fusion": "#d35400",
    "sheriff": "#2c7fb8",
    "local": "#41b6c4",
    "resident": "#7fbc41",
    "platform": "#525252",
    "public": "#f1c40f",
    "unknown": "#bdbdbd",
}


def _text(s: str, limit: int = 38) -> str:
    s = s.replace("$", r"\$")  # no mathtext from event-supplied names
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _save(fig: Figure, out_dir: str | Path, stem: str) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png, svg = out / f"{stem}.png", out / f"{stem}.svg"
    fig.savefig(png, dpi=110, bbox_inches="tight")
    fig.savefig(svg, bbox_inches="tight")
    return png, svg


def hop_layers(g: CustodyGraph, target: str, max_hops: int = 3) -> dict[str, int]:
    """Fewest links from each party whose data reaches ``target`` by the flow model (the target is 0), up to
    ``max_hops`` (``graph.reach.parties_into``: chains of grants carry nothing).

    >>> g = CustodyGraph(); g.add_grant("a", "x", "y", 0.0); g.add_grant("b", "y", "t", 0.0)
    >>> hop_layers(g, "t")
    {'t': 0, 'y': 1}
    """
    hops = {target: 0}
    for r in parties_into(g, target)[0]:
        if r["min_hops"] <= max_hops:
            hops[r["party"]] = r["min_hops"]
    return hops


def _carrying(g: CustodyGraph, target: str) -> dict[str, dict[str, int]]:
    """``from -> {to: hand-overs + grants + searches}`` over the links that carry data into ``target``."""
    succ: dict[str, dict[str, int]] = defaultdict(dict)
    for (u, v), c in flow_links_into(g, target).items():
        succ[u][v] = sum(c.values())
    return succ


def _label(g: CustodyGraph, party: str) -> str:
    name = registry_of(g).get(party).name
    if not name and party.startswith("agency:"):
        from classify.agencies import name_from_slug

        name = name_from_slug(party.split(":", 1)[1])
    return _text(name or party)


def paths_figure(
    g: CustodyGraph,
    target: str,
    out_dir: str | Path,
    *,
    max_hops: int = 3,
    per_layer: int = 25,
    stem: str = "paths",
) -> tuple[Path, Path]:
    """The layered graph of paths into ``target`` (at most ``per_layer`` parties drawn per hop layer)."""
    reg = registry_of(g)
    hops = hop_layers(g, target, max_hops)
    succ = _carrying(g, target)
    shown: dict[int, list[str]] = {0: [target]}
    hidden: dict[int, int] = {}
    for h in range(1, max(hops.values()) + 1):
        prev = set(shown[h - 1])
        layer = [p for p, k in hops.items() if k == h]
        weight = {p: sum(1 for v in succ.get(p, {}) if v in prev) for p in layer}
        ranked = sorted((p for p in layer if weight[p]), key=lambda p: (-weight[p], p))
        shown[h], hidden[h] = ranked[:per_layer], len(layer) - len(ranked[:per_layer])
    depth = max(shown)
    rows = max(len(v) for v in shown.values())
    fig = Figure(figsize=(3.2 * (depth + 1) + 1, max(3.0, 0.28 * rows + 1.2)))
    ax = fig.add_subplot()
    pos = {p: (depth - h, (i + 0.5) / len(ps)) for h, ps in shown.items() for i, p in enumerate(ps)}
    for h in range(1, depth + 1):
        for u in shown[h]:
            for v in set(succ.get(u, {})) & set(shown[h - 1]):
                (x0, y0), (x1, y1) = pos[u], pos[v]
                ax.annotate(
                    "",
                    xy=(x1, y1),
                    xytext=(x0, y0),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "lw": 0.6,
                        "alpha": 0.45,
                        "shrinkA": 4,
                        "shrinkB": 4,
                        "color": KIND_COLOURS.get(reg.kind_of(u), "#888"),
                    },
                )
    for p, (x, y) in pos.items():
        kind = reg.kind_of(p)
        ax.scatter([x], [y], s=60 if p != target else 160, color=KIND_COLOURS.get(kind, "#888"), zorder=3)
        ax.text(
            x + (0.06 if p != target else -0.06),
            y,
            _label(g, p),
            fontsize=7,
            va="center",
            ha="left" if p != target else "right",
            zorder=4,
        )
    ax.set_xticks(range(depth + 1))
    ax.set_xticklabels(
        [
            f"hop {depth - x}" + (f"\n(+{hidden[depth - x]} more)" if hidden.get(depth - x) else "")
            for x in range(depth + 1)
        ]
    )
    ax.set_yticks([])
    ax.set_xlim(-0.3, depth + 0.9)
    ax.set_title(_text(f"Paths into {_label(g, target)} (fewest hops; clips' hand-overs, direct grants, searches)",
                       90))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return _save(fig, out_dir, stem)


def _band(ax: Any, x0: float, x1: float, a: tuple[float, float], b: tuple[float, float], colour: str) -> None:
    t = np.linspace(0.0, 1.0, 40)
    s = 3 * t**2 - 2 * t**3
    xs = x0 + (x1 - x0) * t
    ax.fill_between(xs, a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s, color=colour, alpha=0.35, lw=0)


def flows_figure(
    g: CustodyGraph, target: str, out_dir: str | Path, *, max_hops: int = 3, stem: str = "flows"
) -> tuple[Path, Path]:
    """Flows by hop towards ``target``: blocks of parties by kind per layer, bands of links between them."""
    reg = registry_of(g)
    hops = hop_layers(g, target, max_hops)
    depth = max(hops.values())
    parties: dict[tuple[int, str], int] = Counter((h, reg.kind_of(p)) for p, h in hops.items())
    flow: dict[tuple[int, str, str], int] = Counter()
    for u, tos in _carrying(g, target).items():
        for v, n in tos.items():
            if u in hops and v in hops and hops[u] == hops[v] + 1:
                flow[(hops[u], reg.kind_of(u), reg.kind_of(v))] += n
    total = max(sum(n for (h, _), n in parties.items() if h == k) for k in range(depth + 1))
    gap = 0.02 * total
    fig = Figure(figsize=(2.6 * (depth + 1) + 1.5, 5.5))
    ax = fig.add_subplot()
    blocks: dict[tuple[int, str], tuple[float, float]] = {}
    for h in range(depth + 1):
        kinds = sorted(k for (hh, k) in parties if hh == h)
        height = {k: max(parties[(h, k)], 0.03 * total) for k in kinds}  # a lone target stays visible
        y = (total - sum(height.values()) - gap * (len(kinds) - 1)) / 2  # layers centred
        for kind in kinds:
            n = parties[(h, kind)]
            blocks[(h, kind)] = (y, y + height[kind])
            x = depth - h
            ax.bar(x, height[kind], bottom=y, width=0.12, color=KIND_COLOURS.get(kind, "#888"))
            ax.text(x + 0.08, y + height[kind] / 2, f"{kind} ({n})", fontsize=7, va="center")
            y += height[kind] + gap
    out_used: dict[tuple[int, str], float] = defaultdict(float)
    in_used: dict[tuple[int, str], float] = defaultdict(float)
    out_tot: Counter[tuple[int, str]] = Counter()
    in_tot: Counter[tuple[int, str]] = Counter()
    for (h, ku, kv), n in flow.items():
        out_tot[(h, ku)] += n
        in_tot[(h - 1, kv)] += n
    for (h, ku, kv), n in sorted(flow.items()):
        a, b = blocks[(h, ku)], blocks[(h - 1, kv)]
        wa = (a[1] - a[0]) * n / out_tot[(h, ku)]
        wb = (b[1] - b[0]) * n / in_tot[(h - 1, kv)]
        sa, sb = a[0] + out_used[(h, ku)], b[0] + in_used[(h - 1, kv)]
        out_used[(h, ku)] += wa
        in_used[(h - 1, kv)] += wb
        _band(
            ax,
            depth - h + 0.06,
            depth - h + 1 - 0.06,
            (sa, sa + wa),
            (sb, sb + wb),
            KIND_COLOURS.get(ku, "#888"),
        )
    ax.set_xticks(range(depth + 1))
    ax.set_xticklabels([f"hop {depth - x}" for x in range(depth + 1)])
    ax.set_yticks([])
    ax.set_ylabel("parties (block height); bands: hand-overs + grants + searches")
    ax.set_title(_text(f"Flows by hop into {_label(g, target)}", 90))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return _save(fig, out_dir, stem)


def violation_counts(check_doc: Mapping[str, Any]) -> Counter[tuple[str, str]]:
    """``(rule id, agency) -> n`` from a check document's ``violation_list`` (agency: the origin, else the
    first party named).

    >>> violation_counts({"violation_list": [{"rule_id": "r", "parties": ["agency:a"], "evidence": {}}]})
    Counter({('r', 'agency:a'): 1})
    """
    counts: Counter[tuple[str, str]] = Counter()
    for v in check_doc.get("violation_list", []):
        agency = (v.get("evidence") or {}).get("origin") or (v.get("parties") or ["(none)"])[0]
        counts[(v["rule_id"], agency)] += 1
    return counts


def violations_figure(
    check_doc: Mapping[str, Any], out_dir: str | Path, *, top: int = 20, stem: str = "violations"
) -> tuple[Path, Path]:
    """Horizontal bars: the ``top`` agencies by violations, stacked by rule."""
    counts = violation_counts(check_doc)
    by_agency: Counter[str] = Counter()
    for (_, agency), n in counts.items():
        by_agency[agency] += n
    agencies = [a for a, _ in sorted(by_agency.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    rules = sorted({r for r, _ in counts})
    fig = Figure(figsize=(9, max(2.5, 0.32 * len(agencies) + 1.5)))
    ax = fig.add_subplot()
    if not agencies:
        ax.text(0.5, 0.5, "no violations", ha="center", va="center")
        ax.set_axis_off()
        return _save(fig, out_dir, stem)
    left = np.zeros(len(agencies))
    palette = ["#c0392b", "#2c7fb8", "#e67e22", "#8e44ad", "#27ae60", "#7f8c8d", "#f1c40f", "#16a085"]
    for i, rule in enumerate(rules):
        widths = np.array([counts.get((rule, a), 0) for a in agencies], dtype=float)
        ax.barh(
            range(len(agencies)), widths, left=left, color=palette[i % len(palette)], label=_text(rule, 60)
        )
        left += widths
    ax.set_yticks(range(len(agencies)))
    ax.set_yticklabels([_text(a.split(":", 1)[-1]) for a in agencies], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("violations")
    ax.set_title(f"Violations by agency and rule (top {len(agencies)} of {len(by_agency)} agencies)")
    ax.legend(fontsize=7, loc="lower right")
    return _save(fig, out_dir, stem)
