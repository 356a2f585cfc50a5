"""The tracer consumes custody-edges on a real broker and answers trace/reach like the command does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from graph.custody import CustodyGraph
from graph.reach import reach
from graph.trace import trace
from judge.collector import Collector
from judge.pipeline import run_check
from streams.check import KafkaRun, free_port
from tests.test_streaming import RULES, scenario_lines

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}


def test_tracer_answers_trace_and_reach(kafka_bootstrap: str) -> None:
    lines = scenario_lines(800, seed=4)
    res = run_check(lines, RULES, keep=True)
    ref = CustodyGraph.from_edges([e for e in res.events if e.type == "clip_recorded"],
                                  [v.edge for v in res.verdicts if v.edge])
    target = max((p for p in ref.graph if p.startswith("agency:")), key=lambda p: reach(ref, p)["clip_count"])
    expected = reach(ref, target)
    assert expected["clip_count"] > 0
    with KafkaRun(f"kafka://{kafka_bootstrap}", RULES) as run:
        port = free_port()
        cfg = replace(run.cfg, web_port=port, data_dir=str(run.log_dir / "tracer"))
        env = {**os.environ, **cfg.to_env(), "PYTHONPATH": str(ROOT)}
        env.pop("BROKER_URL", None)
        log = (run.log_dir / "tracer.log").open("ab")
        tracer = subprocess.Popen([sys.executable, "-m", "streams.tracer", "worker", "-l", "warn", "--web-port",
                                   str(port)], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            n = run.produce(lines)
            run.collect(Collector(n, run.layout.partitions), timeout=180)
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            got: dict = {}
            while got.get("clips") != expected["clips"]:  # the tracer catches up with custody-edges
                assert tracer.poll() is None, (run.log_dir / "tracer.log").read_text()[-2000:]
                assert time.monotonic() < deadline, f"tracer reach: {got.get('clip_count')} of {expected['clip_count']}"
                _, got = _get(f"{base}/reach/?to={urllib.parse.quote(target)}")
            assert got["partitions"] == list(range(run.layout.partitions))
            assert {k: got[k] for k in expected} == expected
            clip = expected["clips"][0]["clip"]
            status, doc = _get(f"{base}/trace/{urllib.parse.quote(clip)}/?to={urllib.parse.quote(target)}")
            assert status == 200 and doc == trace(ref, clip, target)
            status, doc = _get(f"{base}/trace/{urllib.parse.quote(clip)}/?to=agency:nobody")
            assert status == 404 and "not in the log" in doc["error"]
        finally:
            tracer.terminate()
            tracer.wait(timeout=15)
