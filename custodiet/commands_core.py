"""Core commands: ``trace``, ``reach``, ``check``, ``schemas``."""

from __future__ import annotations

from typing import Annotated

import typer

from custodiet.app import ALL_OPT, ATTEMPTS_OPT, EVENTS_ARG, JSON_OPT, REGISTRY_OPT, ROWS_OPT, RULES_OPT, app
from custodiet.console import counted, emit_json, err, out, shown, table
from custodiet.errors import CliError, guarded
from custodiet.inputs import load_graph, load_registry
from custodiet.timeopts import AS_OF_OPT, MAX_WAIT_OPT, as_of_time, print_as_of, wait_seconds
from custodiet.typed_names import LogParties, in_log_words, reach_named, resolve_party, trace_named
from reports.names import names_in


@app.command()
@guarded
def trace(
    events: Annotated[str, EVENTS_ARG],
    clip: Annotated[str, typer.Option("--clip", help="clip id")],
    to: Annotated[str, typer.Option("--to", help="party id or name, e.g. agency:ice-hsi or \"ICE HSI\"")],
    limit: Annotated[int, typer.Option("--limit", min=0, help="list at most N paths (the count stays exact)")] = 1000,
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
    max_wait: Annotated[str | None, MAX_WAIT_OPT] = None,
    as_of: Annotated[str | None, AS_OF_OPT] = None,
) -> None:
    """Every time-respecting path by which CLIP reached party TO (custody as judged, or --attempts)."""
    wait = wait_seconds(max_wait)
    log = LogParties()
    g = load_graph(events, registry, rules, attempts, on_verdict=log, as_of=as_of_time(as_of),
                      on_set_aside=log.set_aside)[0]
    to = resolve_party(g, to, "--to", log)
    doc = trace_named(g, clip, to, log, limit=limit, max_wait=wait)
    if as_json:
        emit_json(dict(doc, names=names_in(doc, g.registry)))
        return
    from reports.names import count_of, party_name

    reg = g.registry
    within = f" within {max_wait} a hop" if wait is not None else ""
    title = (f"{clip} -> {party_name(to, reg)}: {count_of(doc['count'], 'time-respecting path')}{within}, "
             f"{counted(doc['basis'])}" + (" (list truncated)" if doc["truncated"] else ""))
    out.print(table(title, [("#", "n"), ("parties (ids: --json)", "text"), ("hand-over events", "id")],
                    [(i, " -> ".join(party_name(x, reg) for x in p["parties"]), ", ".join(p["events"]))
                     for i, p in enumerate(doc["paths"], 1)]))
    if not doc["origin_known"]:
        out.print(f"{clip}: {doc['note']}", markup=False, highlight=False)
    if "in_log" in doc:
        out.print(f"nothing in custody reached {party_name(to, reg)}; it is {in_log_words(doc['in_log'])}",
                  markup=False, highlight=False)
    static = doc["static"]
    if static["count"] is None:
        out.print(f"time-blind count (overstates): not known, counting stopped at its {static['stopped']}")
    else:
        out.print(f"time-blind count (overstates): {static['count']}")
    print_as_of(doc, reg)


@app.command()
@guarded
def reach(
    events: Annotated[str, EVENTS_ARG],
    to: Annotated[str, typer.Option("--to", help="party id or name, e.g. agency:fbi or FBI")],
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, help="with --onward: count party paths of at "
                                          "most N links")] = 3,
    onward: Annotated[bool, typer.Option("--onward", help="also list onward exposure: parties with any path of "
                                         "links in, grants chained (an upper bound; marked onward)")] = False,
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    attempts: Annotated[bool, ATTEMPTS_OPT] = False,
    limit: Annotated[int | None, ROWS_OPT] = None,
    every: Annotated[bool, ALL_OPT] = False,
    max_wait: Annotated[str | None, MAX_WAIT_OPT] = None,
    as_of: Annotated[str | None, AS_OF_OPT] = None,
) -> None:
    """Clips that reached TO (path counts, intermediaries), conduits, and every party whose data reaches it
    (by a clip's hand-overs, a direct grant or a search; custody as judged, or --attempts)."""
    wait = wait_seconds(max_wait)
    log = LogParties()
    g = load_graph(events, registry, rules, attempts, on_verdict=log, as_of=as_of_time(as_of),
                      on_set_aside=log.set_aside)[0]
    to = resolve_party(g, to, "--to", log)
    doc = reach_named(g, to, log, max_hops=max_hops, onward=onward, max_wait=wait)
    held = log.held(to)
    if as_json:
        emit_json(dict(doc, names=names_in(doc, g.registry)))
        return
    from reports.names import count_of, party_name

    reg = g.registry
    name = party_name(to, reg)
    if doc["clip_count"]:
        within = f" with every hand-over within {max_wait} of the one before" if wait is not None else ""
        out.print(f"{count_of(doc['clip_count'], 'clip')} reached {name} ({to}) by "
                  f"{count_of(doc['path_count'], 'time-respecting path')}{within} ({counted(doc['basis'])})",
                  markup=False, highlight=False)
        unknown = sum(1 for c in doc["clips"] if not c["origin_known"])
        if unknown:
            out.print(f"{count_of(unknown, 'clip')} of these: no recording in the log, origin unknown; counted from "
                      "the party that handed it over first", markup=False, highlight=False)
        rows, how_many = shown(doc["conduits"], limit, every)
        out.print(table(f"conduits: clips passed on that reached {name}, as owner or intermediary ({how_many})",
                        [("party", "party"), ("clips passed on", "n"), ("of them its own", "n")],
                        [((party_name(c["party"], reg), c["party"]), c["clips"], c["own"]) for c in rows]))
    else:  # real data of grants and searches: say what it holds, not "0 clips"
        from reports.headline import holds_sentences
        from reports.render import holds_of

        for sentence in holds_sentences(holds_of(g, to), reg, g.as_of_words()):
            out.print(sentence, markup=False, highlight=False)
        out.print(f"No clip in this log reached {name} ({counted(doc['basis'])}); {name} is "
                  f"{in_log_words(held)}.", markup=False, highlight=False)
    reached, how_many = shown([r for r in doc["parties"] if not r.get("onward")], limit, every)
    if reached:
        out.print(table(f"parties whose data reaches {name} ({how_many}): by a clip's hand-overs, a direct grant or "
                        "a search", [("party", "party"), ("by", "text"), ("hops", "n"), ("paths", "n")],
                        [((party_name(r["party"], reg), r["party"]), ", ".join(r["by"]), r["min_hops"], r["paths"])
                         for r in reached]))
    else:
        out.print(f"parties whose data reaches {name}: 0", markup=False, highlight=False)
    if onward:
        more, how_many = shown([r for r in doc["parties"] if r.get("onward")], limit, every)
        out.print(table(f"onward exposure only ({how_many}): an upper bound assuming re-sharing, not observed",
                        [("party", "party"), ("hops", "n"), (f"paths (<= {max_hops} links)", "n")],
                        [((party_name(r["party"], reg), r["party"]), r["min_hops"], r["paths"]) for r in more]))
    print_as_of(doc, reg)


@app.command()
@guarded
def check(
    events: Annotated[str, EVENTS_ARG],
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    broker: Annotated[str | None, typer.Option("--broker", help="kafka://HOST:PORT: run through real topics "
                                                "and Faust agents")] = None,
    as_json: Annotated[bool, JSON_OPT] = False,
    registry: Annotated[str | None, REGISTRY_OPT] = None,
    max_event_bytes: Annotated[int, typer.Option("--max-event-bytes", min=64, help="larger lines are dead "
                                                 "letters")] = 1_000_000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=16, help="with --broker: worker processes")] = 1,
    audit: Annotated[str | None, typer.Option("--audit", help="append every verdict to this audit trail "
                                              "(key in CUSTODIET_AUDIT_KEY)")] = None,
    max_lateness: Annotated[str, typer.Option("--max-lateness", help="how far behind the newest event (event "
                                              "time: 30m, 12h, 7d; none: for ever) to wait for late events; "
                                              "later ones are judged as they come and counted as late")] = "7d",
) -> None:
    """Validate, de-duplicate and judge a log; print counts that add up and violations by rule."""
    from judge.pipeline import read_lines, run_check
    from judge.rulesets import load_rule_sets
    from judge.timeline import parse_lateness

    try:
        lateness = parse_lateness(max_lateness)
    except ValueError as e:
        raise CliError(f"--max-lateness: {e}") from e

    load_rule_sets(rules)  # fail fast on an unknown rule set
    if events != "-":
        from custodiet.inputs import check_events_file

        check_events_file(events)
    else:
        _check_stdin_head()
    if broker:
        try:
            from streams.check import StreamError, check_on_kafka
        except ModuleNotFoundError as e:
            raise CliError(f"the streaming runner is not available ({e.name})") from e
        if audit:
            raise CliError("--audit records the in-process judge: run it without --broker")
        try:
            doc = check_on_kafka(events, rules, broker, registry_path=registry, max_bytes=max_event_bytes,
                                 workers=workers, max_lateness=max_lateness)
        except StreamError as e:
            raise CliError(str(e)) from None
    else:
        from contextlib import nullcontext

        trail = open_audit(audit) if audit else None
        with trail if trail is not None else nullcontext():
            on_verdict = None
            if trail is not None:
                from audit.trail import audit_verdict

                def on_verdict(ev, v):  # type: ignore[no-untyped-def]
                    audit_verdict(trail, ev, v)

            res = run_check(read_lines(events, max_event_bytes), rules, load_registry(registry), source=events,
                            max_bytes=max_event_bytes, late_after=lateness, on_verdict=on_verdict)
            doc = res.document()
            if events == "-" and doc["events_in"] == 0:
                raise CliError("stdin: is empty: no events in it")
            if res.state_unknown:
                names = res.state_unknown
                err.print(f"state unknown for {len(names)} agencies a state rule looked at (not judged by it; "
                          f"give --registry or --overrides): {', '.join(names[:20])}"
                          f"{' ...' if len(names) > 20 else ''}", markup=False, soft_wrap=True)
            if trail is not None:
                from audit.trail import audit_summary

                audit_summary(trail, doc)
    if as_json:
        emit_json(doc)
        return
    _print_check(doc)


def _check_stdin_head() -> None:
    """Refuse standard input that is plainly not JSON lines, by what is buffered of it (nothing consumed)."""
    import sys

    from custodiet.file_kinds import describe_head

    peek = getattr(getattr(sys.stdin, "buffer", None), "peek", None)
    if peek is None:  # not a buffered stream: nothing can be looked at without reading it
        return
    try:
        head = peek(1 << 16)
    except (OSError, ValueError):
        return
    if not head:
        return  # empty: said after reading
    what = describe_head(head, whole=False)
    if what is not None:
        raise CliError(f"stdin: not an events log: {what}")


def open_audit(path: str):  # type: ignore[no-untyped-def]
    """Open (or continue) an audit trail; a missing key is a one-line error."""
    from audit.trail import AuditError, AuditTrail

    try:
        return AuditTrail(path)
    except AuditError as e:
        msg = str(e)
        raise CliError(msg if msg.startswith(f"{path}:") else f"{path}: {msg}") from e
    except OSError as e:
        raise CliError(f"{path}: cannot write the audit trail ({e.strerror or e})") from e


def _print_check(doc: dict) -> None:  # type: ignore[type-arg]
    out.print(f"events in [bold]{doc['events_in']}[/bold] = processed {doc['processed']} + duplicates "
              f"{doc['duplicates']} + dead letters {doc['dead_letters']}")
    o = doc["outcomes"]
    out.print(f"ok {o['ok']}, flagged {o['flagged']}, gated {o['gated']}; custody edges {doc['custody_edges']}")
    if doc.get("beyond_lateness"):
        out.print(f"beyond lateness: {doc['beyond_lateness']} event(s) came after the run stopped waiting for "
                  "them (--max-lateness); judged as they came, marked late")
    from reports.names import rule_title

    out.print(table("violations by rule (records the gates wrote)", [("rule", "party"), ("violations", "n")],
                    [((rule_title(r), r), n) for r, n in sorted(doc["violations"].items(), key=lambda kv: -kv[1])]))
    for d in doc["dead_letter_list"][:10]:
        err.print(f"dead letter: line {d['line']}: {d['reason']}", markup=False)


@app.command()
@guarded
def schemas(
    write: Annotated[bool, typer.Option("--write", help="write schemas/json/*.json from the models")] = False,
) -> None:
    """Generate the JSON Schemas of the interchange format from the pydantic models."""
    from schemas.generate import JSON_DIR, stale
    from schemas.generate import write as do_write

    if write:
        for p in do_write():
            out.print(str(p))
        return
    bad = stale()
    if bad:
        raise CliError(f"{JSON_DIR}: stale schema files: {', '.join(bad)} (run: custodiet schemas --write)")
    out.print(f"{JSON_DIR}: up to date")
