"""``custodiet report``: one HTML page that opens from disk (no network, inline CSS, pictures referenced
relatively), with its pictures (PNG and SVG) and the graph exports in the same folder.

Every string that comes from events (party ids and names, purposes, rule evidence) goes through
:func:`html.escape`; the pictures are PNG and SVG with text drawn as paths.

>>> import tempfile
>>> from graph.custody import CustodyGraph
>>> g = CustodyGraph(); g.add_grant("g1", "agency:<script>x</script>-pd", "agency:fbi", 0.0)
>>> page = write_report(g, {"violation_list": []}, tempfile.mkdtemp(), "agency:fbi", "Demo", ["Data: test"])
>>> text = page.read_text()
>>> "<script>" in text, "&lt;script&gt;" in text, page.name
(False, True, 'index.html')
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.conduits import conduits
from graph.custody import CustodyGraph
from graph.export import write_export
from graph.reach import clips_reaching, parties_into
from graph.trace import TraceError
from reports.figures import flows_figure, paths_figure, violation_counts, violations_figure

__all__ = ["write_report", "credits_for", "CREDITS", "EXPORTS"]

#: Credit lines of the shared data sets (keep them wherever the data is shown), by event ``source`` prefix.
CREDITS: dict[str, str] = {
    "flock-sharing": "Flock sharing network (flock-sharing-nc-2024, MIT): an analysis by The News & Observer "
    "(mcclatchy-southeast/private_eyes).",
    "flock-search-audit": "Eugene, OR police Flock search audit (CC0): EyesOff Eugene.",
    "atlas": "Ring/Neighbors partnerships (CC BY 4.0): Electronic Frontier Foundation and the Reynolds "
    "School of Journalism, University of Nevada, Reno (Atlas of Surveillance); subset made by filtering "
    "Technology = Ring/Neighbors Partnership.",
}
#: Graph basis -> what the page says it counts.
COUNTED = {"judged": "custody as judged (the hand-overs the gates let through)",
           "attempts": "every attempt in the log (each valid transfer a hand-over)"}
EXPORTS = {"graphml": "graph.graphml", "gexf": "graph.gexf", "prov": "prov.json", "json": "graph.json"}
ROW_LIMIT = 200

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1150px;margin:2em auto;
padding:0 1em;
color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}td,th{border:1px solid #ddd;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85em;color:#555}
.note{color:#555;font-size:.9em}.stats span{display:inline-block;margin-right:1.5em}
footer{margin-top:3em;border-top:1px solid #ddd;font-size:.85em;color:#444}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def credits_for(sources: Iterable[str | None]) -> list[str]:
    """Credit lines for the event sources seen (``source`` fields).

    >>> credits_for(["flock-sharing-nc-2024", None])[0][:22]
    'Flock sharing network '
    """
    seen = {s for s in sources if s}
    return [line for prefix, line in CREDITS.items() if any(s.startswith(prefix) for s in seen)]


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>" for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        return '<p class="note">none</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _limited(rows: list[Any], what: str) -> tuple[list[Any], str]:
    if len(rows) <= ROW_LIMIT:
        return rows, ""
    return rows[
        :ROW_LIMIT
    ], f'<p class="note">showing {ROW_LIMIT} of {len(rows)} {_e(what)}; all are in graph.json</p>'


def _figure(stem: str, caption: str) -> str:
    return (
        f'<figure><img src="{stem}.png" alt="{_e(caption)}"><figcaption>{_e(caption)} '
        f'(<a href="{stem}.svg">SVG</a>, <a href="{stem}.png">PNG</a>)</figcaption></figure>'
    )


def _sections(g: CustodyGraph, check_doc: Mapping[str, Any], target: str, max_hops: int) -> list[str]:
    clips = clips_reaching(g, target)
    purposes: dict[str, set[str]] = {}
    for _, _, d in g.graph.in_edges(target, data=True):
        if d.get("clip") is not None and d.get("purpose"):
            purposes.setdefault(d["clip"], set()).add(str(d["purpose"]))
    conduit_rows = conduits(g, to=target)
    parties, truncated = parties_into(g, target, max_hops=max_hops)
    vcounts = violation_counts(check_doc)
    out = [
        "<h2>Pictures</h2>",
        _figure(
            "paths", f"Paths into {target}: parties by fewest hops (left: farthest), shortest-path links"
        ),
        _figure(
            "flows",
            f"Flows by hop into {target}: parties by kind per hop layer; bands weighted by the "
            "hand-overs + grants + searches that carry data there",
        ),
        _figure("violations", "Violations by agency, stacked by rule"),
    ]
    rows, note = _limited(clips, "clips")
    out += [
        f"<h2>Clips that reached {_e(target)} ({len(clips)})</h2>",
        '<p class="note">time-respecting paths (each hand-over no earlier than the previous arrival)</p>',
        _table(
            ["clip", "owner", "paths", "first reached", "through", "purposes (last hand-over)"],
            [
                (
                    c["clip"],
                    c["owner"],
                    c["paths"],
                    c["first_reached"],
                    ", ".join(c["intermediaries"]),
                    "; ".join(sorted(purposes.get(c["clip"], ()))),
                )
                for c in rows
            ],
            numeric=(2,),
        ),
        note,
    ]
    rows, note = _limited(conduit_rows, "conduits")
    out += [
        f"<h2>Conduits towards {_e(target)}</h2>",
        '<p class="note">clips passed on that reached the party; links straight into it; recipients and '
        "grants on links that carry data to it (hand-overs on its clips' paths, grants and searches into it)"
        "</p>",
        _table(
            ["party", "clips", "direct links", "recipients", "grants", "hand-overs"],
            [
                (r["party"], r["clips"], r["direct"], r["recipients"], r["grants"], r["hand_overs"])
                for r in rows
            ],
            numeric=(1, 2, 3, 4, 5),
        ),
        note,
    ]
    rows, note = _limited(parties, "parties")
    out += [
        f"<h2>Parties whose data reaches {_e(target)} ({len(parties)})</h2>",
        '<p class="note">by a time-respecting hand-over path of a clip, a direct access grant or a search by '
        "or for it; chains of grants carry nothing; paths: hand-over paths through the party plus its direct "
        f"links{' (count truncated)' if truncated else ''}</p>",
        _table(
            ["party", "by", "min hops", "paths"],
            [(p["party"], ", ".join(p["by"]), p["min_hops"], p["paths"]) for p in rows],
            numeric=(2, 3),
        ),
        note,
    ]
    vrows = sorted(vcounts.items(), key=lambda kv: (-kv[1], kv[0]))
    rows, note = _limited(vrows, "rows")
    by_rule = check_doc.get("violations", {})
    out += [
        "<h2>Violations by rule and agency</h2>",
        _table(["rule", "violations"], sorted(by_rule.items(), key=lambda kv: -kv[1]), numeric=(1,)),
        _table(["rule", "agency", "violations"], [(r, a, n) for (r, a), n in rows], numeric=(2,)),
        note,
    ]
    return out


def write_report(
    graph: CustodyGraph,
    check_doc: Mapping[str, Any],
    out_dir: str | Path,
    target: str,
    title: str,
    credits: Sequence[str],
    *,
    max_hops: int = 3,
) -> Path:
    """Write ``out_dir/index.html`` with its pictures (PNG, SVG) and exports; returns the page's path."""
    if not graph.has_party(target):
        raise TraceError(f"party {target!r} is not in the log")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths_figure(graph, target, out, max_hops=max_hops)
    flows_figure(graph, target, out, max_hops=max_hops)
    violations_figure(check_doc, out)
    for fmt, name in EXPORTS.items():
        write_export(graph, fmt, out / name)
    g = graph.graph
    stats = {
        "parties": g.number_of_nodes(),
        "links": g.number_of_edges(),
        "access grants": graph.grants,
        "clips": len(graph.clips),
        "events judged": check_doc.get("processed", "?"),
        "violations": sum(check_doc.get("violations", {}).values()),
    }
    rule_sets = ", ".join(check_doc.get("rule_sets", [])) or "(none)"
    exports = " · ".join(f'<a href="{name}">{_e(name)}</a> ({_e(fmt)})' for fmt, name in EXPORTS.items())
    credit_html = "".join(f"<li>{_e(c)}</li>" for c in credits) or "<li>no external data credited</li>"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="note">Target: <b>{_e(target)}</b> · rule sets: {_e(rule_sets)} · counted: '
        f"{_e(COUNTED.get(graph.basis, graph.basis))} · generated {_e(when)} by custodiet</p>",
        '<p class="stats">'
        + "".join(f"<span><b>{_e(v)}</b> {_e(k)}</span>" for k, v in stats.items())
        + "</p>",
        *_sections(graph, check_doc, target, max_hops),
        f"<h2>Exports</h2><p>{exports}</p>",
        f"<footer><h2>Data credits</h2><ul>{credit_html}</ul></footer>",
    ]
    page = out / "index.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n",
        encoding="utf-8",
    )
    return page
