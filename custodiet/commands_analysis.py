"""Analysis commands: ``conduits``, ``cut``, ``whatif``, ``export``, ``report``.

>>> from typer.testing import CliRunner
>>> args = ["cut", "/nonexistent.jsonl", "--from-state", "CA", "--to-kind", "federal"]
>>> CliRunner().invoke(app, args).exit_code
2
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from custodiet.app import (
    ATTEMPTS_OPT,
    EVENTS_ARG,
    JSON_OPT,
    REGISTRY_OPT,
    RULES_OPT,
    CliError,
    app,
    counted,
    emit_json,
    err,
    guarded,
    load_graph,
    load_log,
    load_registry,
    out,
)
from schemas.parties import PARTY_KINDS

__all__ = ["conduits", "cut", "whatif", "export", "report"]

SINK_KINDS = (*PARTY_KINDS, "out-of-state")


def _kind(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    if value is not None and value not in allowed:
        raise CliError(f"{option}: unknown kind {value!r} (use one of: {', '.join(allowed)})")
    return value


@app.command()
@guarded
def conduits(
    events: Annotated[str, EVENTS_ARG],
    to: Annotated[str | None, typer.Option("--to", help="rank by what reaches this party")] = None,
    to_kind: Annotated[
        str | None,
        typer.Option("--to-kind", help="rank by what reaches any party of this kind, e.g. federal"),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="list at most N parties")] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
) -> None:
    """Parties ranked by how much they pass on: clips handed on, distinct recipients, grants given."""
    from graph.conduits import conduit_document

    _kind(to_kind, PARTY_KINDS, "--to-kind")
    g, _ = load_graph(events, registry, rules, attempts)
    doc = conduit_document(g, to, to_kind, limit)
    if to_kind and not doc["targets"]:
        raise CliError(f"--to-kind {to_kind}: no party of that kind in {events}")
    if as_json:
        emit_json(doc)
        return
    aim = to or (f"{to_kind} parties" if to_kind else "anyone")
    t = Table(title=f"conduits towards {aim} ({doc['count']}; {counted(doc['basis'])})")
    for col in ("party", "clips", "direct", "recipients", "grants", "hand-overs"):
        t.add_column(col, justify="left" if col == "party" else "right")
    for r in doc["conduits"][: limit or 40]:
        t.add_row(r["party"], *(str(r[k]) for k in ("clips", "direct", "recipients", "grants", "hand_overs")))
    out.print(t)


@app.command()
@guarded
def cut(
    events: Annotated[str, EVENTS_ARG],
    from_state: Annotated[
        str | None, typer.Option("--from-state", help="sources: parties of this state, e.g. CA")
    ] = None,
    from_kind: Annotated[
        list[str] | None,
        typer.Option(
            "--from-kind", help="sources: parties of this kind (repeatable), e.g. resident for camera owners"
        ),
    ] = None,
    from_party: Annotated[
        list[str] | None, typer.Option("--from", help="a source party (repeatable)")
    ] = None,
    to_kind: Annotated[
        str | None, typer.Option("--to-kind", help="sinks: federal, out-of-state, or any kind")
    ] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="a sink party (repeatable)")] = None,
    capacity: Annotated[
        str,
        typer.Option(
            "--capacity", help="link: fewest links (default); count: least traffic (hand-overs + grants + searches)"
        ),
    ] = "link",
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
) -> None:
    """The smallest set of party links whose removal cuts every flow from the sources' cameras to the sinks
    (grants carry the grantor's own cameras one hop; hand-overs are transitive)."""
    from graph.cut import CutError, min_cut, select_parties

    for k in from_kind or []:
        _kind(k, PARTY_KINDS, "--from-kind")
    _kind(to_kind, SINK_KINDS, "--to-kind")
    if not (from_state or from_kind or from_party):
        raise CliError("name the sources: --from-state, --from-kind or --from")
    if not (to_kind or to):
        raise CliError("name the sinks: --to-kind or --to")
    if to_kind == "out-of-state" and not from_state:
        raise CliError("--to-kind out-of-state needs --from-state")
    g, _ = load_graph(events, registry, rules, attempts)
    missing = [p for p in [*(from_party or []), *(to or [])] if not g.has_party(p)]
    if missing:
        raise CliError(g.absent("party", missing[0]))
    sources = select_parties(g, kinds=from_kind or (), state=from_state, parties=from_party or ())
    if from_party and not (from_state or from_kind):
        sources = set(from_party)
    if to_kind == "out-of-state":
        sinks = select_parties(g, out_of_state=from_state, parties=to or ())
    else:
        sinks = select_parties(g, kinds=[to_kind] if to_kind else (), parties=to or ())
    try:
        doc = min_cut(g, sources, sinks, capacity=capacity)
    except CutError as e:
        raise CliError(str(e)) from e
    doc["query"] = {
        "from_state": from_state,
        "from_kind": from_kind or [],
        "from": from_party or [],
        "to_kind": to_kind,
        "to": to or [],
    }
    if as_json:
        emit_json(doc)
        return
    out.print(
        f"{doc['sources']} source(s), {doc['sinks']} sink(s) ({doc['reachable_sinks_before']} reachable); "
        f"min cut: [bold]{doc['cut_size']}[/bold] ({doc['capacity_note']}; {counted(doc['basis'])})"
    )
    t = Table(title="links to cut")
    for col in ("from", "to", "hand-overs", "grants", "searches"):
        t.add_column(col, justify="right" if col in ("hand-overs", "grants", "searches") else "left")
    for r in doc["links"]:
        t.add_row(r["from"], r["to"], str(r["hand_overs"]), str(r["grants"]), str(r["searches"]))
    out.print(t)


@app.command()
@guarded
def whatif(
    events: Annotated[str, EVENTS_ARG],
    rules: Annotated[
        list[str], typer.Option("--rules", help="rule set to switch on (repeatable), e.g. ca-sb34")
    ],
    base: Annotated[
        list[str] | None, typer.Option("--base", help="base rule sets (repeatable; default: core)")
    ] = None,
    kind: Annotated[str, typer.Option("--reach-kind", help="reach into parties of this kind")] = "federal",
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
) -> None:
    """What a rule set forbids when switched on (agency by agency) and how federal reach changes."""
    from analysis.whatif import whatif as do_whatif
    from judge.rulesets import load_rule_sets

    _kind(kind, PARTY_KINDS, "--reach-kind")
    load_rule_sets([*(base or []), *rules])  # fail fast on an unknown rule set
    evs, *_ = load_log(events)
    try:
        doc = do_whatif(evs, rules, base, load_registry(registry), kind=kind)
    except ValueError as e:
        raise CliError(str(e)) from e
    if as_json:
        emit_json(doc)
        return
    fr = doc["federal_reach"]
    out.print(
        f"adding {', '.join(doc['added'])} to {', '.join(doc['base']) or '(no rules)'} forbids "
        f"[bold]{doc['forbidden_count']}[/bold] step(s) over {len(doc['links'])} link(s)"
    )
    t = Table(title="forbidden, by origin agency")
    for col in ("agency", "grants", "hand-overs", "other", "recipients"):
        t.add_column(col, justify="left" if col == "agency" else "right")
    for r in doc["by_agency"][:40]:
        t.add_row(
            r["agency"], str(r["grants"]), str(r["hand_overs"]), str(r["other"]), str(len(r["recipients"]))
        )
    out.print(t)
    b, a = fr["before"], fr["after"]
    out.print(
        f"{kind} reach (custody as judged; parties whose data reaches a {kind} party by a clip's hand-overs, a "
        f"direct grant or a search): parties {b['parties']} -> {a['parties']}, direct {b['direct']} -> "
        f"{a['direct']}, clips {b['clips']} -> {a['clips']}"
    )


@app.command()
@guarded
def export(
    events: Annotated[str, EVENTS_ARG],
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf, prov (PROV-JSON) or json")],
    output: Annotated[Path, typer.Option("-o", "--output", help="file to write")],
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
) -> None:
    """Write the custody graph as GraphML, GEXF, W3C PROV-JSON or plain JSON."""
    from graph.export import FORMATS, write_export

    if fmt not in FORMATS:
        raise CliError(f"--format: unknown format {fmt!r} (use one of: {', '.join(FORMATS)})")
    if output.is_dir():
        raise CliError(f"{output}: is a directory, expected a file")
    if not output.parent.exists():
        raise CliError(f"{output.parent}: no such directory")
    g, _ = load_graph(events, registry, rules, attempts)
    path = write_export(g, fmt, output)
    err.print(f"wrote {path} ({g.graph.number_of_nodes()} parties, {g.graph.number_of_edges()} links; "
              f"{counted(g.basis)})")


@app.command()
@guarded
def report(
    events: Annotated[str, EVENTS_ARG],
    to: Annotated[str, typer.Option("--to", help="the party the report is about, e.g. agency:fbi")],
    output: Annotated[Path, typer.Option("-o", "--output", help="folder to write index.html and files into")],
    rules: Annotated[
        list[str] | None,
        typer.Option(
            "--rules",
            help="rule sets for the violations (repeatable; default: every set, each within its era)",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="page title")] = None,
    credit: Annotated[list[str] | None, typer.Option("--credit", help="an extra data credit line")] = None,
    max_hops: Annotated[
        int, typer.Option("--max-hops", min=1, max=6, help="hop layers drawn and counted")
    ] = 3,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
) -> None:
    """An HTML report about TO (tables, pictures as PNG/SVG, exports) that opens from disk."""
    from reports.render import credits_for, write_report

    if output.exists() and not output.is_dir():
        raise CliError(f"{output}: exists and is not a directory")
    sources: set[str | None] = set()
    # judged once: the violations, and custody as judged (or every attempt)
    g, res = load_graph(events, registry, rules, attempts, on_verdict=lambda ev, _: sources.add(ev.source))
    if not g.has_party(to):
        raise CliError(g.absent("party", to))
    check_doc = res.document()
    credits = [*credits_for(sorted(s for s in sources if s)), *(credit or [])]
    page = write_report(
        g, check_doc, output, to, title or f"Where data reaches {to}", credits, max_hops=max_hops
    )
    err.print(f"wrote {page}")
    out.print(str(page))
