"""The live view fed by a streaming run on a real broker shows the run's verdicts and paths."""

from __future__ import annotations

import threading
import time

import pytest

from graph.custody import CustodyGraph
from graph.reach import reach
from judge.collector import Collector
from judge.pipeline import run_check
from live.state import LiveState
from streams.check import KafkaRun
from streams.live_feed import follow_verdicts
from tests.test_streaming import RULES, scenario_lines

pytestmark = pytest.mark.broker


def test_live_state_follows_the_verdicts_topic(kafka_bootstrap: str) -> None:
    lines = scenario_lines(600, seed=2)
    res = run_check(lines, RULES, keep=True)
    ref = CustodyGraph.from_edges([], [v.edge for v in res.verdicts if v.edge])
    with KafkaRun(f"kafka://{kafka_bootstrap}", RULES) as run:
        state = LiveState(rule_sets=RULES)
        stop = threading.Event()
        th = follow_verdicts(state, kafka_bootstrap, run.layout, stop)
        try:
            n = run.produce(lines)
            run.collect(Collector(n, run.layout.partitions), timeout=180)
            doc = res.document()
            deadline = time.monotonic() + 60
            # Done when the page shows what the pipeline decided (re-judgements applied), or time is up.
            while (state.stats(max_age=0)["processed"], state.stats(max_age=0)["outcomes"]) != \
                    (doc["processed"], doc["outcomes"]):
                assert time.monotonic() < deadline, state.stats(max_age=0)["outcomes"]
                state.wait_for_change(state.version, 0.5)
        finally:
            stop.set()
            th.join(timeout=10)
    party = max((p for p in ref.graph if p.startswith("agency:")), key=lambda p: reach(ref, p)["clip_count"])
    assert state.reach(party)["clips"] == reach(ref, party)["clips"]
    stats = state.stats(max_age=0)
    assert {r["rule"]: r["gated"] + r["flagged"] for r in stats["rules"]} == doc["violations"]
    assert stats["graph"]["hand_overs"] == doc["custody_edges"] - stats["graph"]["grants"]
