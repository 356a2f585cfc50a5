"""``custodiet searches EVENTS [--json]``: the search-audit summary (per searcher and overall: searches, reason
tiers, searches run for federal agencies, lookback beyond retention, networks and devices searched), each
figure with what it counts (:mod:`analysis.searches`, :mod:`reports.searches`)."""

from __future__ import annotations

from typing import Annotated

from custodiet.app import EVENTS_ARG, JSON_OPT, RULES_OPT, app
from custodiet.console import emit_json, err, out, progress, table
from custodiet.errors import CliError, guarded
from custodiet.inputs import check_events_file


@app.command()
@guarded
def searches(
    events: Annotated[str, EVENTS_ARG],
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
) -> None:
    """The search-audit summary of a log of search events (from `custodiet import flock-audit`)."""
    from analysis.searches import summarise_searches
    from reports.render import credits_for
    from reports.searches import SEARCHER_COLUMNS, figure_rows, searcher_rows

    if events == "-":
        raise CliError("searches reads a .jsonl file (it is read by a columnar engine, not streamed): give its path")
    path = check_events_file(events)
    try:
        with progress(f"summarising the searches in {path.name}"):
            doc = summarise_searches(path, rules)
    except ValueError as e:
        raise CliError(str(e).splitlines()[0]) from e
    if as_json:
        emit_json(doc)
        return
    acc = doc["accounting"]
    out.print(table(f"searches in {path}: overall", [("figure", "text"), ("what it counts", "text"),
                                                   ("value", "text")], figure_rows(doc["overall"],
                                                                                   doc["party_names"])))
    if doc["searchers"]:
        out.print(table("by searching agency", [(c, "id" if c == "party id" else "text") for c in SEARCHER_COLUMNS],
                        searcher_rows(doc)))
    out.print(f"lines {acc['lines']:,} = searches {acc['searches']:,} + duplicate lines {acc['duplicates']:,} + "
              f"other events {acc['other_events']:,} + unreadable {acc['unreadable']:,}; lookback against the "
              f"{doc['retention_days']:g}-day retention of {doc['retention_rule']}", markup=False, highlight=False)
    for line in credits_for(doc["sources"]):
        err.print(f"data: {line}", markup=False)
