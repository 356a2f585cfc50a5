"""Each simulated service as its own process, publishing to real topics: together they feed the agents
exactly the log `custodiet simulate` writes, and the verdicts match the in-process run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from judge.collector import Collector
from judge.pipeline import run_check
from streams.check import KafkaRun
from streams.services import SERVICE_NAMES
from world.simulate import simulate

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[1]
RULES = ["core", "ring-2019-portal", "ca-sb34", "ca-sb54"]


def test_service_processes_feed_the_agents(kafka_bootstrap: str) -> None:
    n = 1500
    events = simulate("default", 3, n)
    expected = run_check(list(enumerate((json.dumps(e).encode() for e in events), 1)), RULES).document()
    with KafkaRun(f"kafka://{kafka_bootstrap}", RULES) as run:
        env = {**os.environ, **run.cfg.to_env(), "PYTHONPATH": str(ROOT)}
        env.pop("BROKER_URL", None)
        procs = [subprocess.Popen([sys.executable, "-m", "streams.services", name, "--scenario", "default",
                                   "--seed", "3", "--events", str(n)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT) for name in SERVICE_NAMES]
        published = 0
        for p in procs:
            out, _ = p.communicate(timeout=120)
            assert p.returncode == 0, out.decode()
            published += int(out.decode().split("published ")[1].split()[0])
        assert published == n  # every event comes from exactly one service
        col = run.collect(Collector(n, run.layout.partitions), timeout=180)
        doc = col.document(run.rule_sets)
    # Line numbers differ only in dead letters (there are none); the rest is the same document.
    assert doc == expected
