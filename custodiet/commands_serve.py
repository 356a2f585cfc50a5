"""``custodiet serve``: the live view of a log, a followed log, stdin, or a scenario streamed at a rate.

>>> from typer.testing import CliRunner
>>> from custodiet.cli import app
>>> r = CliRunner().invoke(app, ["serve", "/nonexistent.jsonl"])
>>> r.exit_code, "no such .jsonl file" in r.output
(2, True)
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from custodiet.app import RULES_OPT, app
from custodiet.console import err
from custodiet.errors import CliError, guarded
from custodiet.inputs import check_events_file, load_registry
from world.defaults import DEFAULT_EVENTS, DEFAULT_SEED

__all__ = ["serve", "log_is_simulated"]


def log_is_simulated(path: str, lines: int = 50) -> bool:
    """Whether the first ``lines`` events of a log come from custodiet's simulator (``source`` ``sim:...``).

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "e.jsonl")
    >>> _ = open(p, "w").write('{"event_id": "a", "source": "sim:ring"}\\n')
    >>> log_is_simulated(p)
    True
    """
    import json

    from reports.render import is_simulated

    sources = []
    try:
        with open(path, "rb") as f:
            for _, raw in zip(range(lines), f, strict=False):
                try:
                    doc = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(doc, dict):
                    sources.append(doc.get("source"))
    except OSError:
        return False
    return is_simulated(s if isinstance(s, str) else None for s in sources)


@app.command()
@guarded
def serve(
    events: Annotated[str | None, typer.Argument(help="a .jsonl log of events, or - to read events from stdin "
                                                 "as they arrive")] = None,
    host: Annotated[str, typer.Option("--host", help="address to listen on (loopback unless told otherwise)")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port (0: any free port)")] = 8765,
    follow: Annotated[bool, typer.Option("--follow", help="keep reading lines appended to EVENTS")] = False,
    simulate: Annotated[str | None, typer.Option("--simulate", help="stream a scenario (name or file) into the "
                                                 "page instead of reading a log")] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the simulated scenario")] = DEFAULT_SEED,
    n_events: Annotated[int, typer.Option("--events", min=1, help="events of the simulated scenario")]
    = DEFAULT_EVENTS,
    rate: Annotated[float, typer.Option("--rate", min=0, help="simulated events per second (0: all at once)")]
    = 2000.0,
    rules: Annotated[list[str] | None, RULES_OPT] = None,
    registry: Annotated[str | None, typer.Option("--registry", help="party registry file")] = None,
    max_event_bytes: Annotated[int, typer.Option("--max-event-bytes", min=64, help="larger lines are dead "
                                                 "letters")] = 1_000_000,
    duration: Annotated[float | None, typer.Option("--duration", min=0, help="stop after N seconds (default: "
                                                   "until Ctrl-C)")] = None,
    audit: Annotated[str | None, typer.Option("--audit", help="append every query to this audit trail "
                                              "(key in CUSTODIET_AUDIT_KEY)")] = None,
    broker: Annotated[str | None, typer.Option("--broker", help="kafka://HOST:PORT: show a streaming run's "
                                               "verdicts as they come")] = None,
    topic_prefix: Annotated[str, typer.Option("--topic-prefix", help="with --broker: the run's topic prefix")]
    = "custodiet.",
    partitions: Annotated[int, typer.Option("--partitions", min=1, help="with --broker: partitions per topic")]
    = 4,
) -> None:
    """Serve a live, read-only web page: event rates, gates and flags by rule, custody paths, conduits."""
    from judge.rulesets import load_rule_sets

    if sum(x is not None for x in (events, simulate, broker)) != 1:
        raise CliError("give either a .jsonl log (or - for stdin), --simulate SCENARIO or --broker URL")
    if follow and (events is None or events == "-"):
        raise CliError("--follow needs a .jsonl file")
    load_rule_sets(rules)  # fail fast on an unknown rule set
    reg = load_registry(registry)
    stop = threading.Event()
    src = _Source(reg, rules, max_event_bytes, stop)
    if broker is not None:
        src.from_broker(broker, topic_prefix, partitions)
    elif simulate is not None:
        src.from_simulation(simulate, seed, n_events, rate, named=registry is None)
    elif events == "-":
        src.from_stdin()
    else:
        assert events is not None
        src.from_file(events, follow)
    _serve_until_stopped(src, host, port, audit, duration)


class _Source:
    """Where the page's events come from: the live state it feeds, the threads feeding it, names for people
    (where the judge's registry knows only ids) and whether the data is simulated (the page says so)."""

    def __init__(self, registry: Any, rules: list[str] | None, max_bytes: int, stop: threading.Event) -> None:
        self.registry, self.rules, self.max_bytes, self.stop = registry, rules, max_bytes, stop
        self.state: Any = None
        self.workers: list[threading.Thread] = []
        self.names: Any = None
        self.simulated = False

    def _state(self, source: str, mode: str = "stream") -> Any:
        from live.state import LiveState

        self.state = LiveState(self.registry, self.rules, source=source, mode=mode, max_bytes=self.max_bytes)
        return self.state

    def from_broker(self, broker: str, topic_prefix: str, partitions: int) -> None:
        """A streaming run's verdicts topic (``--broker``), counted as ``check --broker`` counts it."""
        from streams.broker import broker_url_to_bootstrap
        from streams.check import StreamError, probe_broker
        from streams.live_feed import follow_verdicts
        from streams.topics import TopicLayout

        bootstrap = broker_url_to_bootstrap(broker)
        try:
            probe_broker(bootstrap)  # one line now, rather than a traceback in the feed's thread later
        except StreamError as e:
            raise CliError(f"--broker {broker}: {e}") from None
        state = self._state(f"{broker} ({topic_prefix}*)")
        self.workers.append(follow_verdicts(state, bootstrap, TopicLayout(prefix=topic_prefix, partitions=partitions),
                                            self.stop))

    def from_simulation(self, scenario_name: str, seed: int, n_events: int, rate: float, *, named: bool) -> None:
        """A scenario simulated and streamed in at ``rate`` events per second (``--simulate``)."""
        from custodiet.demo import display_registry
        from custodiet.inputs import load_scenario_named
        from world.simulate import simulate as run_simulation

        scenario = load_scenario_named(scenario_name)
        self.simulated = True
        if named:
            self.names = display_registry(scenario)
        state = self._state(f"simulated {scenario_name} (seed {seed})")
        self.workers.append(state.start_replay(run_simulation(scenario, seed, n_events), rate, stop=self.stop))

    def from_stdin(self) -> None:
        """Lines as they arrive on stdin (``-``)."""
        from judge.pipeline import read_lines

        state = self._state("stdin")
        th = threading.Thread(target=state.feed_stream, args=(read_lines("-", self.max_bytes),),
                              kwargs={"stop": self.stop}, daemon=True, name="live-stdin-feed")
        th.start()
        self.workers.append(th)

    def from_file(self, events: str, follow: bool) -> None:
        """A log read whole, or (``--follow``) read and then followed as it grows."""
        from live.follow import LogFollower
        from live.state import LiveState

        check_events_file(events, allow_empty=follow)
        self.simulated = log_is_simulated(events)
        if not follow:
            self.state = LiveState.from_log(events, self.rules, self.registry, max_bytes=self.max_bytes)
            return
        state = self._state(events, mode="follow")
        follower = LogFollower(events, self.max_bytes)
        state.feed_lines(follower.read_new())
        state.settle()
        th = threading.Thread(target=follower.follow, args=(state,), kwargs={"stop": self.stop}, daemon=True,
                              name="live-follow")
        th.start()
        self.workers.append(th)


def _audit_sink(audit: str | None) -> tuple[Any, Any]:
    """``(sink for the server's query records, the trail)`` for ``--audit FILE``; ``(None, None)`` without."""
    if audit is None:
        return None, None
    from custodiet.commands_core import open_audit

    trail = open_audit(audit)

    def sink(rec: dict[str, Any]) -> None:
        trail.record(rec["component"], "query", rec["actor"], str(rec["outcome"]),
                     {"method": rec["method"], "path": rec["path"]})

    return sink, trail


def _serve_until_stopped(src: _Source, host: str, port: int, audit: str | None, duration: float | None) -> None:
    """Listen, say where, and serve until Ctrl-C, SIGTERM or ``duration``; then stop the feeds and close the
    audit trail (its closing signed checkpoint: a normal stop leaves a trail that verifies)."""
    from live.server import serve as start_server

    sink, trail = _audit_sink(audit)
    stop = src.stop
    with _sigterm_as_interrupt():  # from here on, SIGTERM and Ctrl-C both end in the cleanup below
        try:
            server = start_server(src.state, host, port, audit=sink, names=src.names, simulated=src.simulated)
        except OSError as e:
            stop.set()
            if trail is not None:
                trail.close()
            raise CliError(f"{host}:{port}: cannot listen ({e.strerror or e})") from e
        try:
            doc = src.state.stats()
            err.print(f"custodiet: serving {server.url} ({doc['events_in']} event(s) so far; Ctrl-C to stop)",
                      markup=False, highlight=False, soft_wrap=True)
            if host not in ("127.0.0.1", "localhost", "::1"):
                err.print(f"custodiet: warning: listening on {host}, not only on this machine", markup=False,
                          highlight=False)
            stop.wait(duration)  # None: until interrupted
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            server.shutdown()
            for th in src.workers:
                th.join(timeout=2)
            if trail is not None:
                trail.close()
    err.print("custodiet: stopped", markup=False, highlight=False)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM (``kill``, ``docker stop``) stops the server like Ctrl-C does.

    >>> with _sigterm_as_interrupt():
    ...     signal.getsignal(signal.SIGTERM) is _interrupt
    True
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
