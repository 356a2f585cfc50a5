"""Analysis commands: ``conduits``, ``cut``, ``whatif``, ``export``, ``report``.

>>> from typer.testing import CliRunner
>>> args = ["cut", "/nonexistent.jsonl", "--from-state", "CA", "--to-kind", "federal"]
>>> CliRunner().invoke(app, args).exit_code
2
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from custodiet.app import ALL_OPT, ATTEMPTS_OPT, EVENTS_ARG, JSON_OPT, REGISTRY_OPT, ROWS_OPT, RULES_OPT, app
from custodiet.console import counted, emit_json, err, out, progress, shown, table
from custodiet.errors import CliError, guarded, unknown_name
from custodiet.inputs import load_graph, load_log, load_registry
from custodiet.timeopts import AS_OF_OPT, as_of_time, print_as_of, stamp_as_of
from custodiet.typed_names import LogParties, comma_list, in_log_words, resolve_party, state_code
from reports.names import names_in
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
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="list at most N parties (default for the "
                                              "table: 40; --json: every one)")] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
    every: Annotated[bool, ALL_OPT] = False,
    as_of: Annotated[str | None, AS_OF_OPT] = None,
) -> None:
    """Parties ranked by how much they pass on: clips handed on, distinct recipients, grants given."""
    from graph.conduits import conduit_document

    _kind(to_kind, PARTY_KINDS, "--to-kind")
    log = LogParties()
    g, _ = load_graph(events, registry, rules, attempts, on_verdict=log, as_of=as_of_time(as_of),
                      on_set_aside=log.set_aside)
    if to is not None:
        to = resolve_party(g, to, "--to", log)
    doc = conduit_document(g, to, to_kind, limit if as_json else None, named=to in log)
    if to is not None and not g.has_party(to):  # named in the log, nothing reached it: zero, and what it holds
        doc["in_log"] = log.held(to)
    stamp_as_of(doc, g, to)
    if to_kind and not doc["targets"]:
        raise CliError(f"--to-kind {to_kind}: no party of that kind in {events}")
    if as_json:
        emit_json(dict(doc, names=names_in(doc, g.registry)))
        return
    from reports.names import kind_words, party_name

    aim = party_name(to, g.registry) if to else (f"{kind_words(to_kind, 2)}" if to_kind else "anyone")
    rows, how_many = shown(doc["conduits"], limit, every)
    out.print(table(f"conduits towards {aim} ({how_many}; {counted(doc['basis'])})",
                    [("party", "party"), ("clips passed on", "n"), ("direct links", "n"),
                     ("recipients", "n"), ("grants", "n"), ("hand-overs", "n")],
                    [((party_name(r["party"], g.registry), r["party"]),
                      *(r[k] for k in ("clips", "direct", "recipients", "grants", "hand_overs")))
                     for r in rows]))
    if "in_log" in doc:
        out.print(f"nothing in custody reached {aim}; it is {in_log_words(doc['in_log'])}", markup=False,
                  highlight=False)
    print_as_of(doc, g.registry)


@app.command()
@guarded
def cut(
    events: Annotated[str, EVENTS_ARG],
    from_state: Annotated[
        str | None, typer.Option("--from-state", help="sources: parties of this state, e.g. CA or California")
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
    as_of: Annotated[str | None, AS_OF_OPT] = None,
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
    from_state = state_code(from_state) if from_state else None
    g, _ = load_graph(events, registry, rules, attempts, as_of=as_of_time(as_of))
    from_party = [resolve_party(g, p, "--from") for p in from_party or []]
    to = [resolve_party(g, p, "--to") for p in to or []]
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
    stamp_as_of(doc, g)
    if as_json:
        emit_json(dict(doc, names=names_in(doc, g.registry)))
        return
    out.print(
        f"{doc['sources']} source(s), {doc['sinks']} sink(s) ({doc['reachable_sinks_before']} reachable); "
        f"min cut: [bold]{doc['cut_size']}[/bold] links, the fewest whose removal stops every flow from the sources "
        f"to the sinks ({doc['capacity_note']}; {counted(doc['basis'])})"
    )
    from reports.names import party_name

    out.print(table("links to cut", [("from", "party"), ("to", "party"), ("hand-overs", "n"),
                                      ("grants", "n"), ("searches", "n")],
                    [((party_name(r["from"], g.registry), r["from"]), (party_name(r["to"], g.registry), r["to"]),
                      r["hand_overs"],
                      r["grants"], r["searches"]) for r in doc["links"]]))
    print_as_of(doc, g.registry)


@app.command()
@guarded
def whatif(
    events: Annotated[str, EVENTS_ARG],
    rules: Annotated[
        list[str], typer.Option("--rules", help="rule set to switch on (repeatable, or a comma list), e.g. ca-sb34",
                                callback=comma_list)
    ],
    base: Annotated[
        list[str] | None, typer.Option("--base", help="base rule sets (repeatable, or a comma list; default: core)",
                                       callback=comma_list)
    ] = None,
    kind: Annotated[str, typer.Option("--reach-kind", help="reach into parties of this kind")] = "federal",
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    limit: Annotated[int | None, ROWS_OPT] = None,
    every: Annotated[bool, ALL_OPT] = False,
    as_of: Annotated[str | None, AS_OF_OPT] = None,
) -> None:
    """What a rule set forbids when switched on (agency by agency) and how federal reach changes."""
    from analysis.whatif import whatif as do_whatif
    from judge.rulesets import load_rule_sets

    _kind(kind, PARTY_KINDS, "--reach-kind")
    load_rule_sets([*(base or []), *rules])  # fail fast on an unknown rule set
    from analysis.judged import events_as_of

    evs, rule = events_as_of(load_log(events)[0], as_of_time(as_of))
    reg = load_registry(registry)
    try:
        doc = do_whatif(evs, rules, base, reg, kind=kind)
    except ValueError as e:
        raise CliError(str(e)) from e
    if rule is not None:
        doc.update(rule.fields())
    if as_json:
        emit_json(dict(doc, names=names_in(doc, reg)))
        return
    fr = doc["federal_reach"]
    out.print(
        f"adding {', '.join(doc['added'])} to {', '.join(doc['base']) or '(no rules)'} forbids "
        f"[bold]{doc['forbidden_count']}[/bold] step(s) over {len(doc['links'])} link(s)"
    )
    from reports.names import party_name

    rows, how_many = shown(doc["by_agency"], limit, every)
    out.print(table(f"forbidden, by origin agency ({how_many})",
                    [("agency", "party"), ("grants", "n"), ("hand-overs", "n"), ("other", "n"),
                     ("recipients", "n")],
                    [((party_name(r["agency"], reg), r["agency"]), r["grants"], r["hand_overs"], r["other"],
                      len(r["recipients"])) for r in rows]))
    b, a = fr["before"], fr["after"]
    out.print(
        f"{kind} reach (custody as judged; parties whose data reaches a {kind} party by a clip's hand-overs, a "
        f"direct grant or a search): parties {b['parties']} -> {a['parties']}, direct {b['direct']} -> "
        f"{a['direct']}, clips {b['clips']} -> {a['clips']}"
    )
    print_as_of(doc, reg)


@app.command()
@guarded
def export(
    events: Annotated[str, EVENTS_ARG],
    output: Annotated[Path, typer.Option("-o", "--output", help="file to write; its suffix names the format "
                                         "(.graphml, .gexf, .prov.json or .json)")],
    fmt: Annotated[str | None, typer.Option("--format", help="graphml, gexf, prov (PROV-JSON) or json; "
                                            "default: from the suffix of -o")] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
    as_of: Annotated[str | None, AS_OF_OPT] = None,
) -> None:
    """Write the custody graph as GraphML, GEXF, W3C PROV-JSON or plain JSON."""
    from graph.export import FORMATS, write_export

    fmt = fmt or format_from_suffix(output)
    if fmt not in FORMATS:
        raise CliError(unknown_name("format", fmt, FORMATS, f"--format: unknown format {fmt!r}"))
    if output.is_dir():
        raise CliError(f"{output}: is a directory, expected a file")
    if not output.parent.exists():
        raise CliError(f"{output.parent}: no such directory")
    from reports.render import is_simulated

    sources: set[str | None] = set()
    with progress("reading the log") as (bar, task):
        g, _ = load_graph(events, registry, rules, attempts, on_verdict=lambda ev, _: sources.add(ev.source),
                          as_of=as_of_time(as_of))
        bar.update(task, description=f"writing {fmt}")
        simulated = is_simulated(sources)
        path = write_export(g, fmt, output, simulated=simulated)
    doc = {"output": str(path), "format": fmt, "parties": g.graph.number_of_nodes(),
           "links": g.graph.number_of_edges(), "bytes": path.stat().st_size, "basis": g.basis,
           "simulated": simulated}
    stamp_as_of(doc, g)
    if as_json:
        emit_json(doc)
        return
    out.print(f"wrote {path} ({fmt}: {doc['parties']:,} parties, {doc['links']:,} links; {counted(g.basis)})"
              + ("; the events are simulated" if simulated else ""), markup=False, highlight=False)
    print_as_of(doc, g.registry)


def format_from_suffix(path: Path) -> str:
    """The export format a file name asks for.

    >>> [format_from_suffix(Path(n)) for n in ("x.graphml", "p.prov.json", "g.json")]
    ['graphml', 'prov', 'json']
    >>> format_from_suffix(Path("x.txt"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    custodiet.errors.CliError: x.txt: cannot tell the format from the suffix '.txt' (give --format: ...)
    """
    name = path.name.lower()
    if name.endswith(".prov.json") or name.endswith(".provn.json"):
        return "prov"
    for fmt, suffix in (("graphml", ".graphml"), ("gexf", ".gexf"), ("json", ".json")):
        if name.endswith(suffix):
            return fmt
    raise CliError(f"{path}: cannot tell the format from the suffix {path.suffix!r} (give --format: graphml, "
                   "gexf, prov or json)")


@app.command()
@guarded
def report(
    events: Annotated[str, EVENTS_ARG],
    to: Annotated[list[str], typer.Option("--to", help="the party the report is about, e.g. agency:fbi "
                                          "(repeatable)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="folder to write index.html and files into")],
    rules: Annotated[
        list[str] | None,
        typer.Option(
            "--rules",
            help="rule sets for the violations (repeatable, or a comma list; default: every set, each within its "
            "era)", callback=comma_list,
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="page title")] = None,
    credit: Annotated[list[str] | None, typer.Option("--credit", help="an extra data credit line")] = None,
    max_hops: Annotated[
        int, typer.Option("--max-hops", min=1, max=6, help="hop layers drawn and counted")
    ] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="print what was written as one JSON document")] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
    as_of: Annotated[str | None, AS_OF_OPT] = None,
) -> None:
    """An HTML report about TO (headline, method, pictures as PNG/SVG, tables, exports) that opens from disk."""
    from custodiet.demo import reached_row
    from reports.names import party_name
    from reports.render import credits_for, holds_of, is_simulated, write_report

    if output.exists() and not output.is_dir():
        raise CliError(f"{output}: exists and is not a directory")
    sources: set[str | None] = set()
    types: set[str] = set()

    def seen(ev: Any, _verdict: Any) -> None:
        sources.add(ev.source)
        types.add(ev.type)

    with progress("reading and judging the log") as (bar, task):
        # judged once: the violations, and custody as judged (or every attempt)
        g, res = load_graph(events, registry, rules, attempts, on_verdict=seen, as_of=as_of_time(as_of))
        to = [resolve_party(g, t, "--to") for t in to]
        check_doc = res.document()
        credits = [*credits_for(sorted(s for s in sources if s)), *(credit or [])]
        reached = [reached_row(g, t) for t in to]
        doc = {"simulated": is_simulated(sources), "events_in": check_doc["events_in"],
               "violations": check_doc["violations"], "basis": g.basis, "reached": reached,
               "holds": [holds_of(g, r["party"]) for r in reached if not r["clips"]]}
        stamp_as_of(doc, g)
        about = ", ".join(party_name(t, g.registry) for t in to)

        def searches_section(page: Path) -> None:  # the log holds searches: the search-audit summary
            from reports.searches import add_report_section

            add_report_section(page, events, rules, credits)

        when = f" as of {g.as_of.fields()['as_of']}" if g.as_of is not None else ""
        page = write_report(g, check_doc, output, to, title or f"Where data reaches {about}{when}", credits,
                            headline_doc=doc, max_hops=max_hops, step=lambda what: bar.update(task, description=what),
                            before_publish=searches_section if "search" in types and events != "-" else None)
        if "search" in types and events == "-":
            err.print("the log holds searches, but the Searches section reads the log as a file: give its path "
                      "instead of - to have it", markup=False)
    files = sorted(p.name for p in output.iterdir())
    size = sum(p.stat().st_size for p in output.iterdir() if p.is_file())
    if as_json:
        emit_json({"report": str(page), "folder": str(output), "files": files, "bytes": size, "to": to,
                   "headline": doc, "names": names_in({"to": to, "headline": doc}, g.registry)})
        return
    out.print(f"wrote {page} ({len(files)} files, {size / 1e6:.1f} MB)", markup=False, highlight=False)
