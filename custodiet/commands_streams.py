"""``custodiet broker`` (a local Kafka-protocol broker for people) and ``custodiet demo`` (the main job)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from custodiet.app import app
from custodiet.console import err, out
from custodiet.errors import CliError, guarded
from world.defaults import DEFAULT_EVENTS, DEFAULT_SEED


@app.command()
@guarded
def broker(
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0 picks a free port")] = 9092,
) -> None:
    """Start the local broker (Tansu, memory only) in the foreground; Ctrl-C stops it."""
    from streams.broker import BrokerStartError, LocalBroker

    try:
        b = LocalBroker(port=port or None)
        b.start()
    except BrokerStartError as e:
        raise CliError(str(e).splitlines()[0]) from e
    out.print(f"broker: kafka://{b.bootstrap}  (pid {b.pid})")
    out.print(f"use it: custodiet check EVENTS.jsonl --broker kafka://{b.bootstrap} --json")
    out.print("stop it: Ctrl-C here, or kill " + str(b.pid) + " (memory only: a restart is a full reset)")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            if not b.is_alive():
                raise CliError(f"broker process {b.pid} exited")
    except KeyboardInterrupt:
        pass
    finally:
        b.stop()
        err.print("broker stopped")


@app.command()
@guarded
def demo(
    scenario: Annotated[str, typer.Option("--scenario", help="scenario name (see: custodiet scenarios)")] = "default",
    events: Annotated[int, typer.Option("--events", min=100, help="simulated events")] = DEFAULT_EVENTS,
    seed: Annotated[int, typer.Option("--seed", help="random seed (the same seed, the same run)")] = DEFAULT_SEED,
    in_process: Annotated[bool, typer.Option("--in-process", help="do not start a broker")] = False,
    report: Annotated[str, typer.Option("-o", "--report", help="report folder")] = "custodiet-demo-report",
    log: Annotated[str | None, typer.Option("--log", help="where to keep the simulated event log (custodiet check, "
                                            "reach, trace read it); default: REPORT.events.jsonl beside the report, "
                                            "none with --json")] = None,
    serve: Annotated[bool, typer.Option("--serve", help="then serve the live view until Ctrl-C")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document on stdout (accounting, "
                                          "violations, clips reaching each federal party); no report")] = False,
) -> None:
    """The main job: simulate a scenario, run it through the agents, and say where the footage went."""
    from custodiet.demo import run_demo

    if as_json and serve:
        raise CliError("--json prints one document and ends: run --serve without it")
    run_demo(scenario=scenario, n_events=events, seed=seed, in_process=in_process, report_dir=report, serve=serve,
             as_json=as_json, log_path=log if log is not None or as_json else f"{report.rstrip('/')}.events.jsonl")
