"""``custodiet report``: one HTML page that opens from disk (no network, inline CSS, pictures referenced
relatively), in story order: the headline, the method (what is counted, the data and its credits), the
pictures, then tables of the rows that matter (at most :data:`ROW_LIMIT`, every row in a CSV beside the
page), and the graph exports (gzip-compressed, so the folder stays small on real networks).

People are named by :mod:`reports.names` (ids in their own column); every string that comes from events
goes through :func:`html.escape`; the pictures are PNG and SVG with text drawn as paths.

>>> import tempfile
>>> from graph.custody import CustodyGraph
>>> g = CustodyGraph(); g.add_grant("g1", "agency:<script>x</script>-pd", "agency:fbi", 0.0)
>>> page = write_report(g, {"violation_list": []}, tempfile.mkdtemp(), "agency:fbi", "Demo", ["Data: test"])
>>> text = page.read_text()
>>> "<script>" in text, "&lt;script&gt;" in text, page.name
(False, True, 'index.html')
"""

from __future__ import annotations

import gzip
import html
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.custody import CustodyGraph
from graph.export import write_export
from graph.reach import clips_reaching
from graph.trace import TraceError
from reports.csv_safe import write_csv
from reports.figures import into_figure, save, violation_counts, violations_figure
from reports.headline import headline
from reports.names import basis_words, count_of, counted_words, party_name, rule_set_title, rule_title
from reports.over_time import write_reach_over_time
from reports.publish import staged_folder
from schemas.parties import PartyRegistry

__all__ = ["write_report", "credits_for", "holds_of", "CREDITS", "EXPORTS", "ROW_LIMIT", "is_simulated"]

#: Credit lines of the shared data sets (keep them wherever the data is shown), by the event ``source`` the
#: importers give that data set alone (another agency's audit or sharing page carries no one's credit).
CREDITS: dict[str, str] = {
    "flock-sharing-nc-2024": "Flock sharing network (flock-sharing-nc-2024, MIT): an analysis by The News & Observer "
    "(mcclatchy-southeast/private_eyes).",
    "flock-search-audit": "Eugene, OR police Flock search audit (CC0): EyesOff Eugene.",
    "atlas": "Ring/Neighbors partnerships (CC BY 4.0): Electronic Frontier Foundation and the Reynolds "
    "School of Journalism, University of Nevada, Reno (Atlas of Surveillance); subset made by filtering "
    "Technology = Ring/Neighbors Partnership.",
}
#: The graph exports, gzip-compressed (networkx, Gephi and ``gunzip`` read them).
EXPORTS = {"graphml": "graph.graphml.gz", "gexf": "graph.gexf.gz", "prov": "prov.json.gz", "json": "graph.json.gz"}
ROW_LIMIT = 25

_CSS = """
body{font:16px/1.5 Georgia,"Times New Roman",serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.7em;margin-bottom:.2em;font-family:system-ui,sans-serif}
h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em;font-family:system-ui,sans-serif}
h3{font-family:system-ui,sans-serif}
table{border-collapse:collapse;margin:.6em 0;font:.85em/1.4 system-ui,sans-serif}
td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.id{color:#666;font-family:monospace;font-size:.9em}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85em;color:#555}
.note{color:#555;font-size:.9em}.headline p{font-size:1.1em;margin:.4em 0}
.simulated{background:#fff3cd;border:1px solid #e0c36c;padding:.6em 1em;font-family:system-ui,sans-serif}
footer{margin-top:3em;border-top:1px solid #ddd;font-size:.85em;color:#444}
"""


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def credits_for(sources: Iterable[str | None]) -> list[str]:
    """Credit lines for the event sources seen (``source`` fields); simulated sources have none.

    >>> credits_for(["flock-sharing-nc-2024", None])[0][:22]
    'Flock sharing network '
    >>> credits_for(["sim:ring"]), credits_for(["flock-search-audit:wcso-network-audit", "flock-sharing:page"])
    ([], [])
    """
    seen = {s for s in sources if s}
    return [line for source, line in CREDITS.items() if source in seen]


def is_simulated(sources: Iterable[str | None]) -> bool:
    """Whether events came from custodiet's simulator (``source`` ``sim:...``).

    >>> is_simulated(["sim:ring", None]), is_simulated(["flock-sharing-nc-2024"])
    (True, False)
    """
    return any(s and s.startswith("sim:") for s in sources)


def holds_of(g: CustodyGraph, party: str) -> dict[str, Any]:
    """What a graph holds into ``party`` besides clips that reached it: access grants (and their grantors and
    states) and search links (``graph.reach.one_hop_into``), and hand-overs into it (on a path or not).

    >>> g = CustodyGraph(); g.add_grant("g1", "agency:a-ca-pd", "agency:fbi", 0.0)
    >>> holds_of(g, "agency:fbi")
    {'party': 'agency:fbi', 'grants': 1, 'grantors': 1, 'states': 1, 'searches': 0, 'hand_overs': 0}
    """
    from graph.cut import registry_of
    from graph.reach import one_hop_into

    reg = registry_of(g)
    links = one_hop_into(g, party)
    grantors = {p: kinds.get("grant", 0) for p, kinds in links.items() if kinds.get("grant")}
    states = {reg.state_of(p) for p in grantors} - {None}
    return {"party": party, "grants": sum(grantors.values()), "grantors": len(grantors), "states": len(states),
            "searches": sum(kinds.get("search", 0) for kinds in links.values()),
            "hand_overs": sum(1 for _, _, d in g.graph.in_edges(party, data=True) if d.get("clip") is not None)
            if party in g.graph else 0}


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], numeric: Sequence[int] = (),
           ids: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{_e(c)}</td>' if i in numeric else f'<td class="id">{_e(c)}</td>' if i in ids
            else f"<td>{_e(c)}</td>" for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        return '<p class="note">none</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(page: _Page, stem: str, heading: str, note: str, headers: Sequence[str],
             rows: Sequence[Sequence[Any]], numeric: Sequence[int] = (), ids: Sequence[int] = ()) -> str:
    """A table of the first ROW_LIMIT rows, every row in ``stem.csv`` beside the page (cells a spreadsheet reads
    as text, ``reports.csv_safe``; a ``simulated`` column when the data is simulated)."""
    write_csv(page.out / f"{stem}.csv", headers, rows, simulated=page.simulated)
    more = (f"showing the first {ROW_LIMIT} of {len(rows):,} rows; " if len(rows) > ROW_LIMIT else "")
    return (f"<h3>{_e(heading)}</h3><p class=\"note\">{_e(note)} ({more}all rows: "
            f"<a href=\"{_e(stem)}.csv\">{_e(stem)}.csv</a>)</p>"
            + _table(headers, rows[:ROW_LIMIT], numeric, ids))


def _figure(stem: str, alt: str) -> str:
    return (f'<figure><img src="{_e(stem)}.png" alt="{_e(alt)}"><figcaption>{_e(alt)} '
            f'(<a href="{_e(stem)}.svg">SVG</a>, <a href="{_e(stem)}.png">PNG</a>)</figcaption></figure>')


def _slug(party: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in party.split(":", 1)[-1])[:60]


def _target_tables(page: _Page, target: str) -> list[str]:
    from graph.reach import one_hop_into

    g, reg = page.graph, page.reg

    name = party_name(target, reg)
    clips = clips_reaching(g, target)
    purposes: dict[str, set[str]] = {}
    bases: dict[str, set[str]] = {}
    for _, _, d in g.graph.in_edges(target, data=True):
        if d.get("clip") is not None:
            if d.get("purpose"):
                purposes.setdefault(d["clip"], set()).add(str(d["purpose"]))
            if d.get("basis"):
                bases.setdefault(d["clip"], set()).add(basis_words(str(d["basis"])))
    grantors = Counter({p: kinds["grant"] for p, kinds in one_hop_into(g, target).items() if kinds.get("grant")})
    slug = _slug(target)
    html_parts = []
    if clips:
        rows: list[tuple[Any, ...]] = [(_owner_words(c, reg), c["paths"], c["first_reached"][:10],
                 "; ".join(party_name(p, reg) for p in c["intermediaries"]) or "directly",
                 "; ".join(sorted(bases.get(c["clip"], ()))), "; ".join(sorted(purposes.get(c["clip"], ()))),
                 c["clip"]) for c in sorted(clips, key=lambda c: (-c["paths"], c["clip"]))]
        html_parts.append(_section(
            page, f"clips-{slug}", f"Clips that reached {name} ({len(clips):,})",
            "each clip with its owner, its time-respecting paths (each hand-over no earlier than the one before), "
            "who passed it on, and the basis and purpose of the hand-over into the party",
            ["owner", "paths", "first reached", "through", "basis", "purpose", "clip id"], rows, (1,), (6,)))
    if grantors:
        rows = [(party_name(p, reg), reg.state_of(p) or "", n, p)
                for p, n in sorted(grantors.items(), key=lambda kv: (-kv[1], party_name(kv[0], reg)))]
        html_parts.append(_section(
            page, f"grants-{slug}", f"Agencies that gave {name} access to their cameras ({len(grantors):,})",
            "access grants straight into the party: each carries the grantor's own camera data and stops there",
            ["agency", "state", "access grants", "party id"], rows, (2,), (3,)))
    return html_parts


def _owner_words(clip: Mapping[str, Any], reg: PartyRegistry) -> str:
    """A clip's owner for a table; a clip the log never records is counted from its sender, and says so.

    >>> _owner_words({"owner": "agency:fbi", "origin_known": False}, PartyRegistry())
    'origin unknown (no recording in the log); sent by FBI'
    """
    name = party_name(clip["owner"], reg)
    return name if clip.get("origin_known", True) else f"origin unknown (no recording in the log); sent by {name}"


@dataclass(frozen=True)
class _Page:
    """What the parts of a report share while it is written: the graph, the folder being written (not yet in
    place), who names the parties, whether the data is simulated, the words for the data, and progress."""

    graph: CustodyGraph
    out: Path
    reg: PartyRegistry
    simulated: bool
    data: str
    tell: Callable[[str], None]


def write_report(
    graph: CustodyGraph,
    check_doc: Mapping[str, Any],
    out_dir: str | Path,
    targets: str | Sequence[str],
    title: str,
    credits: Sequence[str],
    *,
    headline_doc: Mapping[str, Any] | None = None,
    simulated: bool | None = None,
    max_hops: int = 3,
    step: Callable[[str], None] | None = None,
    registry: PartyRegistry | None = None,
    before_publish: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``out_dir/index.html`` with its pictures (PNG, SVG), CSVs and exports; returns the page's path.

    The folder is written whole beside its place and moved there at the end (``reports.publish``): an
    interrupted run leaves ``out_dir`` as it was. ``headline_doc`` is the document the headline is written from
    (the demo's); without one, the headline says what the graph holds into each target. ``step`` is told what
    is being written (for progress); ``registry`` names parties for people (default: the graph's);
    ``before_publish`` is called with the page's path while the folder is still being written (to add a
    section)."""
    del max_hops  # paths are drawn as far as they go; kept for callers that pass it
    targets = [targets] if isinstance(targets, str) else list(targets)
    for t in targets:
        if not graph.has_party(t):
            raise TraceError(f"party {t!r} is not in the log")
    from graph.cut import registry_of

    reg = registry if registry is not None else registry_of(graph)
    doc: dict[str, Any] = dict(headline_doc) if headline_doc is not None else {
        "violations": check_doc.get("violations", {}), "holds": [holds_of(graph, t) for t in targets]}
    doc["simulated"] = simulated = bool(doc.get("simulated")) if simulated is None else simulated
    data = "simulated events (custodiet)" if simulated else "; ".join(c.split(":")[0] for c in credits) or "the log"
    with staged_folder(out_dir) as out:
        page = _Page(graph, out, reg, simulated, data, step or (lambda _s: None))
        figures = _pictures(page, targets, check_doc)
        tables = _tables(page, targets, check_doc)
        _exports(page)
        html_text = _page_html(page, title, targets, doc, check_doc, credits, figures + tables)
        (out / "index.html").write_text(html_text, encoding="utf-8")
        if before_publish is not None:
            before_publish(out / "index.html")
    return Path(out_dir) / "index.html"


def _pictures(page: _Page, targets: Sequence[str], check_doc: Mapping[str, Any]) -> list[str]:
    """Draw what reached each target and the violations; their ``<figure>`` elements (under a heading)."""
    figures = ["<h2>Pictures</h2>"]
    for t in targets:
        page.tell(f"drawing what reached {party_name(t, page.reg)}")
        stem = f"into-{_slug(t)}"
        save(into_figure(page.graph, t, page.data, registry=page.reg), page.out, stem, page.data)
        figures.append(_figure(stem, f"What reached {party_name(t, page.reg)}: clips by hand-over, access grants"))
    page.tell("drawing violations")
    save(violations_figure(check_doc, page.data, page.reg), page.out, "violations", page.data)
    figures.append(_figure("violations", "Violations by agency, stacked by rule"))
    figures += [_figure(stem, alt) for stem, alt in write_reach_over_time(page.graph, list(targets), page.out,
                                                                          page.data, page.reg,
                                                                          simulated=page.simulated)]
    return figures


def _tables(page: _Page, targets: Sequence[str], check_doc: Mapping[str, Any]) -> list[str]:
    """The tables (each with its CSV): per target, then violations by rule and by agency."""
    page.tell("writing tables")
    reg = page.reg
    tables = ["<h2>Tables</h2>"]
    for t in targets:
        tables += _target_tables(page, t)
    by_rule = sorted(check_doc.get("violations", {}).items(), key=lambda kv: (-kv[1], kv[0]))
    tables.append(_section(page, "violations-by-rule", "Violations by rule", "every rule broken, with its count",
                           ["rule", "violations", "rule id"], [(rule_title(r), n, r) for r, n in by_rule], (1,), (2,)))
    vrows = sorted(violation_counts(check_doc, reg).items(), key=lambda kv: (-kv[1], kv[0]))
    tables.append(_section(
        page, "violations-by-agency", "Violations by agency and rule",
        "each violation counted against the first agency it names",
        ["agency", "rule", "violations", "party id", "rule id"],
        [(party_name(a, reg), rule_title(r), n, a, r) for (r, a), n in vrows], (2,), (3, 4)))
    return tables


def _exports(page: _Page) -> None:
    """The graph exports, gzip-compressed (each says when its data is simulated)."""
    page.tell("writing exports")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, name in EXPORTS.items():
            raw = write_export(page.graph, fmt, Path(tmp) / name.removesuffix(".gz"), simulated=page.simulated)
            with raw.open("rb") as src, gzip.open(page.out / name, "wb", compresslevel=6) as dst:
                shutil.copyfileobj(src, dst)


def _method(graph: CustodyGraph, doc: Mapping[str, Any], check_doc: Mapping[str, Any], credit_html: str) -> list[str]:
    rule_sets = [str(r) for r in check_doc.get("rule_sets", [])]
    held = ", ".join(count_of(n, what) for n, what in ((graph.graph.number_of_nodes(), "party"),
                     (graph.grants, "access grant"), (len(graph.clips), "recorded clip")) if n)
    counted = counted_words(str(doc.get("basis", getattr(graph, "basis", "judged"))), full=True)
    return [
        "<h2>Method</h2>",
        f"<p><b>What is counted.</b> Clips and paths count {_e(counted)}. A path is a sequence of hand-overs "
        "of one clip, each no earlier than the one before; an access grant carries only the grantor's own "
        "camera data to the grantee and stops there. Violations are the records the rule gates wrote, one per "
        "rule broken per event.</p>",
        f"<p><b>Data.</b> {_e(_n(check_doc.get('events_in', '?')))} events read, "
        f"{_e(_n(check_doc.get('processed', '?')))} judged; {_e(held)}. Rules applied: "
        f"{_e('; '.join(rule_set_title(r) for r in rule_sets) or '(none)')}.</p>",
        f"<p><b>Credits.</b></p><ul>{credit_html}</ul>",
    ]


def _page_html(page: _Page, title: str, targets: Sequence[str], doc: Mapping[str, Any],
               check_doc: Mapping[str, Any], credits: Sequence[str], parts: Sequence[str]) -> str:
    """The whole page: title, banner, headline, method, the pictures and tables (``parts``), exports, credits."""
    credit_html = "".join(f"<li>{_e(c)}</li>" for c in credits) or "<li>no external data used</li>"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    banner = ('<p class="simulated"><b>Simulated.</b> Every event in this report was produced by custodiet\'s '
              "simulator: no real footage was shared and no real agency took these steps. Agency names come from "
              "public lists, so that the simulated network looks like a real one.</p>") if page.simulated else ""
    exports = " · ".join(f'<a href="{_e(name)}">{_e(name)}</a> ({_e(fmt)})' for fmt, name in EXPORTS.items())
    body = [
        f"<h1>{_e(title)}</h1>",
        banner,
        f'<p class="note">About: {_e(", ".join(party_name(t, page.reg) for t in targets))} · generated {_e(when)} '
        "by custodiet</p>",
        '<div class="headline">' + "".join(f"<p>{_e(s)}</p>" for s in headline(doc, page.reg)) + "</div>",
        *_method(page.graph, doc, check_doc, credit_html),
        *parts,
        f"<h2>Exports</h2><p>The whole custody graph, gzip-compressed: {exports}.</p>",
        f"<footer><h2>Data credits</h2><ul>{credit_html}</ul></footer>",
    ]
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n" + "\n".join(body)
            + "\n</body></html>\n")
