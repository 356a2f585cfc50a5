"""``custodiet searches EVENTS [--json]``: the search-audit summary (per searcher and overall: searches, reason
tiers, searches run for federal agencies, lookback beyond retention, networks and devices searched), each
figure with what it counts (:mod:`analysis.searches`, :mod:`reports.searches`)."""

from __future__ import annotations

from typing import Annotated

import typer

from custodiet.app import EVENTS_ARG, JSON_OPT, RULES_OPT, app
from custodiet.console import emit_json, err, out, progress, table
from custodiet.errors import CliError, guarded
from custodiet.inputs import check_readable_file


@app.command()
@guarded
def searches(
    events: Annotated[str, EVENTS_ARG],
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="a search audit given directly: the searching "
                                               "agency of a portal audit, as for `import flock-audit`")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="a search audit given directly: time zone of times "
                                           "without one")] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
) -> None:
    """The search-audit summary of a log of search events (from `custodiet import flock-audit`), or of a
    Flock search audit itself (read as `import flock-audit` reads it)."""
    from analysis.searches import summarise_searches
    from reports.render import credits_for
    from reports.searches import BRIEF_COLUMNS, brief_rows, figure_rows

    if events == "-":
        raise CliError("searches reads a file (it is read by a columnar engine, not streamed): give its path")
    path = check_readable_file(events, "events log or search audit")
    try:
        with progress(f"summarising the searches in {path.name}"):
            doc = summarise_searches(path, rules, agency=agency, tz=tz)
    except ValueError as e:
        raise CliError(str(e).splitlines()[0]) from e
    for what in doc["assumptions"]:  # on stderr, with --json too, as `import` says them
        err.print(f"assumed: {what}", markup=False, soft_wrap=True)
    if as_json:
        emit_json(doc)
        return
    acc = doc["accounting"]
    out.print(table(f"searches in {path}: overall", [("figure", "text"), ("what it counts", "text"),
                                                   ("value", "text")], figure_rows(doc["overall"],
                                                                                   doc["party_names"])))
    if doc["searchers"]:
        out.print(table("by searching agency (searches; the share: of those with a network count)",
                        [(c, "party" if c == "agency" else "n") for c in BRIEF_COLUMNS], brief_rows(doc)))
        out.print("every figure per agency: --json, or the Searches section of `custodiet report`",
                  markup=False, highlight=False)
    if doc["input"] == "events log":
        counted = (f"lines {acc['lines']:,} = searches {acc['searches']:,} + duplicate lines {acc['duplicates']:,} + "
                   f"other events {acc['other_events']:,} + unreadable {acc['unreadable']:,}")
    else:
        skipped = ", ".join(f"{k} {v:,}" for k, v in acc["skipped_by_reason"].items())
        counted = (f"audit rows {acc['rows_read']:,} = searches {acc['searches']:,} + skipped {acc['skipped']:,}"
                   + (f" ({skipped})" if skipped else ""))
    out.print(f"{counted}; lookback against the {doc['retention_days']:g}-day retention of {doc['retention_rule']}",
              markup=False, highlight=False)
    for line in credits_for(doc["sources"]):
        err.print(f"data: {line}", markup=False)
