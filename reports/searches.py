"""The search-audit summary for people: the rows of the ``custodiet searches`` tables and the "Searches"
section of the HTML report, both from the one document :func:`analysis.searches.summarise_searches` makes
(each figure with the words :data:`analysis.searches.WHAT` gives it).

>>> g = {"searches": 3, "reason_tiers": {"missing": 1, "category": 2},
...      "assists": {"searches": 1, "federal": 1, "by_party": {"agency:fbi": 1}},
...      "lookback": {"with_time_frame": 2, "beyond_retention": 1, "longest_days": 40.5, "retention_days": 30.0},
...      "networks": {"with_count": 3, "single": 2, "multi": 1, "multi_share": 0.3333, "median": 1, "largest": 9},
...      "devices": {"with_count": 0, "median": None, "largest": None}}
>>> rows = figure_rows(g, {"agency:fbi": "FBI"})
>>> rows[0], rows[1][0]
(('searches', 'search events, one per event id', '3'), 'reason: missing')
>>> [r for r in rows if r[0] == "lookback: beyond retention"][0][2]
'1 of 2 with a time frame'
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.searches import WHAT

__all__ = ["figure_rows", "searcher_rows", "SEARCHER_COLUMNS", "BRIEF_COLUMNS", "brief_rows", "searches_section",
           "add_searches_section",
           "add_report_section", "TIER_WORDS"]

#: Reason tiers in words (table headings).
TIER_WORDS = {"missing": "missing", "not_published": "not published", "code_only": "code only",
              "unrecognised": "stated, unrecognised", "category": "purpose category"}


def _n(v: Any) -> str:
    if v is None:
        return "unknown"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.1f}"
    return f"{int(v):,}"


def _share(v: float | None) -> str:
    return "unknown" if v is None else f"{100 * v:.1f}%"


def figure_rows(group: Mapping[str, Any], names: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """``(figure, what it counts, value)`` rows for one group (a searcher, or overall)."""
    names = names or {}
    rows = [("searches", WHAT["searches"], _n(group["searches"]))]
    for tier, n in group["reason_tiers"].items():
        rows.append((f"reason: {TIER_WORDS.get(tier, tier)}", WHAT["reason_tiers"] if not rows[1:] else "", _n(n)))
    a = group["assists"]
    rows.append(("run for another party", WHAT["assists"], _n(a["searches"])))
    rows.append(("run for a federal agency", WHAT["assists.federal"], _n(a["federal"])))
    for party, n in a["by_party"].items():
        rows.append((f"  for {names.get(party, party)}", party, _n(n)))
    lb = group["lookback"]
    rows.append(("lookback: with a time frame", WHAT["lookback.with_time_frame"], _n(lb["with_time_frame"])))
    rows.append(("lookback: beyond retention",
                 f"{WHAT['lookback.beyond_retention']} ({_n(lb['retention_days'])} days)",
                 f"{_n(lb['beyond_retention'])} of {_n(lb['with_time_frame'])} with a time frame"))
    rows.append(("lookback: longest (days)", WHAT["lookback.longest_days"], _n(lb["longest_days"])))
    nw = group["networks"]
    rows.append(("networks: with a count", WHAT["networks.with_count"], _n(nw["with_count"])))
    rows.append(("networks: single", WHAT["networks.single"], _n(nw["single"])))
    rows.append(("networks: multi", WHAT["networks.multi"], f"{_n(nw['multi'])} ({_share(nw['multi_share'])})"))
    rows.append(("networks: median", WHAT["networks.median"], _n(nw["median"])))
    rows.append(("networks: largest", WHAT["networks.largest"], _n(nw["largest"])))
    dv = group["devices"]
    rows.append(("devices: with a count", WHAT["devices.with_count"], _n(dv["with_count"])))
    rows.append(("devices: median", WHAT["devices.median"], _n(dv["median"])))
    rows.append(("devices: largest", WHAT["devices.largest"], _n(dv["largest"])))
    return rows


SEARCHER_COLUMNS = ("searcher", "state", "searches", *(f"reason {w}" for w in TIER_WORDS.values()),
                    "for a federal agency", "beyond retention", "longest lookback (days)", "multi-network share",
                    "median devices", "party id")


def searcher_rows(doc: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """One row per searcher (columns :data:`SEARCHER_COLUMNS`), most searches first."""
    return [(s["name"] or s["searcher"], s["state"] or "unknown", _n(s["searches"]),
             *(_n(s["reason_tiers"].get(t, 0)) for t in TIER_WORDS), _n(s["assists"]["federal"]),
             _n(s["lookback"]["beyond_retention"]), _n(s["lookback"]["longest_days"]),
             _share(s["networks"]["multi_share"]), _n(s["devices"]["median"]), s["searcher"])
            for s in doc["searchers"]]


#: The per-agency columns a terminal shows (the rest are in ``--json`` and the report): each counts searches.
BRIEF_COLUMNS = ("agency", "searches", "reason missing", "code only", "stated, unrecognised",
                 "for a federal agency", "beyond retention", "multi-network share")


def brief_rows(doc: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """One row per searcher for a terminal (columns :data:`BRIEF_COLUMNS`; the agency as ``(name, id)``)."""
    return [((s["name"] or s["searcher"], s["searcher"]), _n(s["searches"]),
             _n(s["reason_tiers"].get("missing", 0)),
             _n(s["reason_tiers"].get("code_only", 0)), _n(s["reason_tiers"].get("unrecognised", 0)),
             _n(s["assists"]["federal"]), _n(s["lookback"]["beyond_retention"]), _share(s["networks"]["multi_share"]))
            for s in doc["searchers"]]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def searches_section(doc: Mapping[str, Any], credits: Sequence[str], limit: int = 25) -> str:
    """The report's "Searches" section (HTML) from a summary document, with the data's credit lines."""
    acc = doc["accounting"]
    intro = (f"{acc['searches']:,} search events in the log ({acc['duplicates']:,} duplicate lines left out), "
             f"from {len(doc['searchers']):,} searching agencies. Lookback is compared with the "
             f"{_n(doc['retention_days'])}-day retention of rule {doc['retention_rule']}.")
    rows = searcher_rows(doc)
    more = f" (the {limit} with the most searches of {len(rows):,}; `custodiet searches` lists all)" \
        if len(rows) > limit else ""
    credit = "".join(f"<li>{html.escape(c)}</li>" for c in credits) or "<li>no external data used</li>"
    return ("<h2>Searches</h2>"
            f'<p class="note">{html.escape(intro)}</p>'
            + _table(("figure", "what it counts", "overall"),
                     figure_rows(doc["overall"], doc.get("party_names")))
            + f"<h3>By searching agency{html.escape(more)}</h3>"
            + _table(SEARCHER_COLUMNS, rows[:limit])
            + f'<p class="note">Data:</p><ul>{credit}</ul>')


def add_searches_section(page: Path, doc: Mapping[str, Any], credits: Sequence[str]) -> None:
    """Put the "Searches" section into a written report page (before its exports; atomically replaced).

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "index.html"
    >>> _ = p.write_text("<body><h2>Tables</h2><h2>Exports</h2></body>")
    >>> doc = {"accounting": {"searches": 0, "duplicates": 0}, "searchers": [], "retention_days": 30.0,
    ...        "retention_rule": "r", "overall": {"searches": 0, "reason_tiers": {},
    ...        "assists": {"searches": 0, "federal": 0, "by_party": {}}, "lookback": {"with_time_frame": 0,
    ...        "beyond_retention": 0, "longest_days": None, "retention_days": 30.0}, "networks": {"with_count": 0,
    ...        "single": 0, "multi": 0, "multi_share": None, "median": None, "largest": None},
    ...        "devices": {"with_count": 0, "median": None, "largest": None}}}
    >>> add_searches_section(p, doc, ["Data: test"])
    >>> t = p.read_text(); t.index("<h2>Searches</h2>") < t.index("<h2>Exports</h2>")
    True
    """
    text = page.read_text(encoding="utf-8")
    section = searches_section(doc, credits)
    marker = "<h2>Exports</h2>"
    text = text.replace(marker, section + marker, 1) if marker in text else \
        text.replace("</body>", section + "</body>", 1)
    fd, tmp = tempfile.mkstemp(dir=page.parent, prefix=".index-", suffix=".html")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, page)


def add_report_section(page: Path, events: str | Path, rule_sets: Sequence[str] | None,
                       credits: Sequence[str]) -> None:
    """The report's hook: summarise the searches of ``events`` and put the section into ``page``."""
    from analysis.searches import summarise_searches

    add_searches_section(page, summarise_searches(events, rule_sets), credits)
