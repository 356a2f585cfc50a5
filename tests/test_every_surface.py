"""Simulated scenarios through every surface that shows custody: the same accounting, the same violations per
rule, and the same clips, paths and parties reaching each federal party. One scenario moves clips by hand-over
only; the other also has access grants and searches run on behalf of federal agencies, whose links reach
federal parties on every surface (in-process, and over a broker through `custody-edges` and `verdicts`).

Surfaces: the in-process runner (`check --json`), `reach --json`, `check --broker` (Faust agents on a real
broker), `demo --json` (which runs its own broker), the live view fed from the log and fed a streaming run's
verdicts over the broker, and the tracer's `/reach/` view. The reference numbers are the in-process
`check` and `reach` documents; every other surface must equal them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from classify.registry import default_registry
from custodiet.cli import app
from judge.collector import Collector
from judge.logread import read_lines
from live.state import LiveState
from schemas.events import parse_event
from schemas.flow import edges_of
from streams.check import KafkaRun, free_port
from streams.live_feed import follow_verdicts

pytestmark = pytest.mark.broker

ROOT = Path(__file__).resolve().parents[1]
#: (scenario, seed, events): hand-overs only; and hand-overs, grants and searches (some on behalf of a federal
#: agency: seed 11 brings search links to ICE, the FBI and others, and a clip to CBP and ICE).
SCENARIOS = [("default", 11, 2000), ("ring-2025-community", 11, 1500)]
#: The whole accounting every surface shows (``judge.tally.CheckTally.counts``).
ACCOUNTING = ("events_in", "processed", "duplicates", "dead_letters", "beyond_lateness", "outcomes", "violations")
COUNTS = (*ACCOUNTING, "custody_edges", "by_type")


def cli_json(*args: str) -> Any:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def rule_counts(stats: dict[str, Any]) -> dict[str, int]:
    return {r["rule"]: r["gated"] + r["flagged"] for r in stats["rules"] if r["gated"] + r["flagged"]}


def reach_key(doc: dict[str, Any]) -> tuple[int, int, list[str]] | None:
    """What a reach answer says about one party: clips, paths, and the parties with a path or link in (None
    for no answer yet)."""
    if "clip_count" not in doc:
        return None
    return doc["clip_count"], doc["path_count"], sorted(p["party"] for p in doc["parties"])


def _get(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.loads(r.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return {}


@pytest.fixture(scope="module", params=SCENARIOS, ids=[s for s, _, _ in SCENARIOS])
def reference(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The simulated log, and the in-process `check` and `reach` documents on it."""
    scenario, seed, events = request.param
    log = tmp_path_factory.mktemp("surfaces") / "sim.jsonl"
    r = CliRunner().invoke(app, ["simulate", "--scenario", scenario, "--seed", str(seed), "--events", str(events),
                                 "-o", str(log)])
    assert r.exit_code == 0, r.output
    check = cli_json("check", str(log), "--json")
    assert check["events_in"] == events and sum(check["violations"].values()) > 0
    registry = default_registry()  # the registry every surface uses when none is given
    parsed = [parse_event(raw) for _, raw in read_lines(log)]
    receivers = {e.to_party for ev in parsed for e in edges_of(ev)}  # of a hand-over, grant or search link
    federal = sorted(p for p in receivers if registry.kind_of(p) == "federal")
    answers = {p: CliRunner().invoke(app, ["reach", str(log), "--to", p, "--json"]) for p in federal}
    for r in answers.values():  # a party only gated steps would reach is not in custody as judged
        assert r.exit_code == 0 or "not in the log's custody as judged" in r.output, r.output
    reach = {p: json.loads(r.stdout) for p, r in answers.items() if r.exit_code == 0}
    reach = {p: d for p, d in reach.items() if d["clip_count"] or d["parties"]}
    assert any(d["clip_count"] for d in reach.values()), "the scenario should bring some clip to a federal party"
    if any(ev.type == "search" and ev.on_behalf_of for ev in parsed):
        by_search = [p for p, d in reach.items() if any("search" in row["by"] for row in d["parties"])]
        assert by_search, "a search run on behalf of a federal party should link to it"
    return {"log": log, "check": check, "reach": reach, "scenario": scenario, "seed": seed, "events": events}


def test_demo_json_is_the_same_run(reference: dict[str, Any]) -> None:
    demo = cli_json("demo", "--json", "--scenario", reference["scenario"], "--seed", str(reference["seed"]),
                    "--events", str(reference["events"]))
    check = reference["check"]
    assert demo["simulated"] is True
    assert {k: demo[k] for k in ACCOUNTING} == {k: check[k] for k in ACCOUNTING}
    reached = {row["party"]: (row["clips"], row["paths"]) for row in demo["reached"] if row["clips"]}
    assert reached == {p: (d["clip_count"], d["path_count"]) for p, d in reference["reach"].items() if d["clip_count"]}


def test_live_view_from_the_log(reference: dict[str, Any]) -> None:
    check = reference["check"]
    state = LiveState()
    state.feed_lines(read_lines(reference["log"]))
    state.settle()
    stats = state.stats(max_age=0)
    assert {k: stats[k] for k in COUNTS if k != "violations"} == {k: check[k] for k in COUNTS if k != "violations"}
    assert rule_counts(stats) == check["violations"]  # the page's rows by rule, gated and flagged
    assert state.tally.counts() == {k: check[k] for k in COUNTS}
    for party, doc in reference["reach"].items():
        assert reach_key(state.reach(party)) == reach_key(doc), party


def test_broker_check_live_view_and_tracer(reference: dict[str, Any], kafka_bootstrap: str) -> None:
    check, log = reference["check"], reference["log"]
    lines = list(read_lines(log))
    with KafkaRun(f"kafka://{kafka_bootstrap}", None) as run:
        live = LiveState()
        stop = threading.Event()
        follower = follow_verdicts(live, kafka_bootstrap, run.layout, stop)
        port = free_port()
        cfg = replace(run.cfg, web_port=port, data_dir=str(run.log_dir / "tracer"))
        env = {**os.environ, **cfg.to_env(), "PYTHONPATH": str(ROOT)}
        env.pop("BROKER_URL", None)
        tracer_log = (run.log_dir / "tracer.log").open("ab")
        tracer = subprocess.Popen([sys.executable, "-m", "streams.tracer", "worker", "-l", "warn", "--web-port",
                                   str(port)], env=env, cwd=ROOT, stdout=tracer_log, stderr=subprocess.STDOUT)
        try:
            n = run.produce(lines)
            col = run.collect(Collector(n, run.layout.partitions), timeout=240)
            streamed = col.document(run.rule_sets)
            # check --broker: the same document as in-process, field for field.
            assert {k: streamed[k] for k in COUNTS} == {k: check[k] for k in COUNTS}

            # The live view over the broker: done when its collector has every input and every final verdict
            # (it reads the accounting records too), or time is up; then the same accounting.
            live.follow_run(run.layout.partitions, n)
            deadline = time.monotonic() + 90
            version = live.version
            while not live.caught_up():
                assert time.monotonic() < deadline, live.stats(max_age=0)
                version = live.wait_for_change(version, 0.5)
            stats = live.stats(max_age=0)
            assert {k: stats[k] for k in COUNTS if k != "violations"} == \
                {k: check[k] for k in COUNTS if k != "violations"}
            assert rule_counts(stats) == check["violations"]
            for party, doc in reference["reach"].items():
                assert reach_key(live.reach(party)) == reach_key(doc), party

            # The tracer's view: the same reach per federal party (clips, paths, and the parties with a path or
            # a link in) once it has caught up with custody-edges.
            base = f"http://127.0.0.1:{port}"
            for party, doc in reference["reach"].items():
                want = reach_key(doc)
                got: dict[str, Any] = {}
                deadline = time.monotonic() + 120
                while reach_key(got) != want:
                    assert tracer.poll() is None, (run.log_dir / "tracer.log").read_text()[-2000:]
                    assert time.monotonic() < deadline, f"tracer {party}: {reach_key(got)}, not {want}"
                    got = _get(f"{base}/reach/?to={urllib.parse.quote(party)}")
                assert [c["clip"] for c in got["clips"]] == [c["clip"] for c in doc["clips"]], party
        finally:
            stop.set()
            follower.join(timeout=10)
            tracer.terminate()
            tracer.wait(timeout=15)
