"""``check --broker`` at real size: 40,000 events delivered out of order (within a few days of event time, a
hundredth of them twice), three runs on fresh topics (the third with two workers, which send requests and
consent decisions to each other and their watermarks with them), each the in-process document, count for count.

Through a broker a worker reads one topic per event type and may read a whole type ahead of the others; the
verdicts must not depend on that (``streams.watermark``). Expected values come from the in-process runner on
the same lines, which judges in event time with no broker.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from typing import Any

import pytest

from judge.collector import Collector
from judge.pipeline import run_check
from streams.check import KafkaRun
from world.simulate import simulate

pytestmark = pytest.mark.broker

RULES = ["core", "ring-2019-portal", "ca-sb34", "ca-sb54"]
N = 40_000
SPREAD_S = 3 * 86400  # each line arrives up to three days of event time after it happened


def shuffled_within(n: int, seed: int) -> list[tuple[int, bytes]]:
    """The default scenario, each event arriving at its event time plus up to three days (so lines are out of
    order but none later than the seven-day lateness setting), with repeated deliveries and two bad lines."""
    rnd = random.Random(seed)
    events = simulate("default", seed, n)
    arrivals = sorted((datetime.fromisoformat(e["occurred_at"].replace("Z", "+00:00")).timestamp()
                       + rnd.random() * SPREAD_S, i, json.dumps(e).encode()) for i, e in enumerate(events))
    raw = [r for _, _, r in arrivals]
    for i in sorted(rnd.sample(range(len(raw)), n // 100), reverse=True):  # a repeat a little later
        raw.insert(min(len(raw), i + rnd.randint(1, 50)), raw[i])
    bad = [b"{not json", b'{"event_id":"x","type":"warp","occurred_at":"2019-06-01T00:00:00Z"}']
    raw[len(raw) // 3:len(raw) // 3] = bad
    return list(enumerate(raw, start=1))


@pytest.fixture(scope="module")
def lines() -> list[tuple[int, bytes]]:
    return shuffled_within(N, 7)


@pytest.fixture(scope="module")
def expected(lines: list[tuple[int, bytes]]) -> dict[str, Any]:
    return run_check(lines, RULES).document()


@pytest.mark.parametrize(("run", "workers"), [(1, 1), (2, 1), (3, 2)])
def test_forty_thousand_shuffled_events_give_the_in_process_document_every_run(
    kafka_bootstrap: str, lines: list[tuple[int, bytes]], expected: dict[str, Any], run: int, workers: int
) -> None:
    assert expected["events_in"] == len(lines) == N + N // 100 + 2
    assert expected["beyond_lateness"] == 0 and expected["violations"]  # within the setting; rules fire
    with KafkaRun(f"kafka://{kafka_bootstrap}", RULES, partitions=4, workers=workers) as k:
        n = k.produce(lines)
        doc = k.collect(Collector(n, k.layout.partitions), timeout=600).document(k.rule_sets)
    assert doc == expected
