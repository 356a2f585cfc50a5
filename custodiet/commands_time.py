"""Time commands: ``custodiet diff`` (what changed in custody between two dates).

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["diff", "/nonexistent.jsonl", "--from", "2025-01-01", "--to", "2025-06-01"]).exit_code
2
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from custodiet.app import ALL_OPT, ATTEMPTS_OPT, EVENTS_ARG, JSON_OPT, REGISTRY_OPT, ROWS_OPT, RULES_OPT, app
from custodiet.console import counted, emit_json, out, progress, shown, table
from custodiet.errors import CliError, guarded
from custodiet.inputs import check_events_file, load_registry
from custodiet.timeopts import instant
from custodiet.typed_names import resolve_party

__all__ = ["diff"]


@app.command()
@guarded
def diff(
    events: Annotated[str, EVENTS_ARG],
    start: Annotated[str, typer.Option("--from", help="the earlier date (2025-01-01: the end of that day, UTC) "
                                       "or RFC 3339 time")],
    end: Annotated[str, typer.Option("--to", help="the later date or time")],
    party: Annotated[str | None, typer.Option("--to-party", help="also: parties that gained or lost a way of "
                                              "reaching this party (id or name), and only grants naming it")] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
    limit: Annotated[int | None, ROWS_OPT] = None,
    every: Annotated[bool, ALL_OPT] = False,
) -> None:
    """What changed between two dates: grants added and removed (with the portal snapshot or event that shows
    each), and with --to-party the parties that gained or lost a link to it (custody as of each date)."""
    from analysis.diff import custody_diff
    from judge.decode import DEFAULT_MAX_EVENT_BYTES
    from judge.pipeline import read_lines
    from judge.rulesets import load_rule_sets

    t1, t2 = instant(start, "--from"), instant(end, "--to")
    if t2 < t1:
        raise CliError(f"--to {end!r} is before --from {start!r}")
    if events != "-":
        check_events_file(events)
    if not attempts:
        load_rule_sets(rules)  # fail fast on an unknown rule set
    buffered: list[tuple[int, bytes]] | None = None
    if events == "-":  # read twice (as of each date): keep standard input
        buffered = list(read_lines(events, DEFAULT_MAX_EVENT_BYTES))

    def read() -> Any:
        return buffered if buffered is not None else read_lines(events, DEFAULT_MAX_EVENT_BYTES)

    def resolve(g1: Any, g2: Any, given: str, named: Any) -> str:
        """A party id or name, as --to takes them elsewhere, held as of either date or named in the log."""
        if g1.has_party(given):
            return given
        return resolve_party(g2, given, "--to-party", named)

    reg = load_registry(registry)
    with progress("reading and judging the log as of each date"):
        doc, g1, g2 = custody_diff(read, t1, t2, party, rule_sets=rules, registry=reg, attempts=attempts,
                                   source=events, resolve=resolve)
    if as_json:
        emit_json(doc)
        return
    _print(doc, reg, limit, every)


def _print(doc: dict[str, Any], reg: Any, limit: int | None, every: bool) -> None:
    from reports.names import party_name

    def who(p: str) -> tuple[str, str]:
        return party_name(p, reg), p

    span = f"{doc['from']} -> {doc['to']}"
    grants = [(c, who(r["grantor"]), who(r["grantee"]), r["evidence"]["shows"])
              for c, rows in (("added", doc["grants_added"]), ("removed", doc["grants_removed"])) for r in rows]
    grants, how_many = shown(grants, limit, every)
    out.print(table(f"grants added and removed, {span} ({len(doc['grants_added']):,} added, "
                    f"{len(doc['grants_removed']):,} removed; {counted(doc['basis'])}; rows: {how_many})",
                    [("change", "text"), ("grantor", "party"), ("grantee", "party"), ("shown by", "text")], grants))
    if doc["party"] is not None:
        rows, how_many = shown(doc["parties"], limit, every)
        out.print(table(f"parties that gained or lost a way of reaching {party_name(doc['party'], reg)}, {span} "
                        f"({how_many})",
                        [("party", "party"), ("change", "text"), ("before", "text"), ("after", "text"),
                         ("shown by", "text")],
                        [(who(r["party"]), r["change"], ", ".join(r["before"]) or "-", ", ".join(r["after"]) or "-",
                          "; ".join(e.get("event") or f"clip {e['clip']}" for e in r["evidence"])
                          + (f" (+{r['evidence_count'] - len(r['evidence'])} more)"
                             if r["evidence_count"] > len(r["evidence"]) else ""))
                         for r in rows]))
    for when, key in (("from", "uncertain_at_from"), ("to", "uncertain_at_to")):
        for u in doc[key]:
            out.print(f"uncertain at {doc[when]} (not counted): {party_name(u['grantor'], reg)} -> "
                      f"{party_name(u['grantee'], reg)}, {u['state']}", markup=False, highlight=False)
