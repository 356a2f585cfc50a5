"""Every way of judging, through the one runner interface (``judge.runner.Runner``), on the same logs: the whole
accounting (in, processed, duplicates, dead letters, beyond lateness, outcomes, violations by rule, custody
edges, events by type) is the same for every runner.

Runners: in-process (``check``), the live view fed the lines, the what-if (its tally under the rules
enforced), Faust workers on a broker (``check --broker``) and the live view fed a streaming run's ``verdicts``
topic (``serve --broker``). The counts of inputs are recomputed here from the lines themselves (JSON, known
type, first delivery of an id); the verdict counts of every runner are held against the in-process ones.

Logs: the three lines of a log with a duplicate and a dead letter; a simulated log with repeated deliveries,
bad lines of every kind and events out of order (within the lateness setting); and a log longer than the
judge's window followed, once it is judged, by events from before it began (beyond the lateness setting).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest

from analysis.whatif import WhatIfRunner
from custodiet.live_broker import LiveBrokerRunner
from judge.runner import InProcessRunner, Runner
from judge.timeline import DEFAULT_HOLD
from live.runners import LiveLogRunner
from schemas.events import EVENT_TYPES
from streams.check import KafkaRunner
from world.simulate import simulate

#: Every set, each within its era (what ``check`` judges under by default).
RULES: list[str] | None = None

Lines = list[tuple[int, bytes]]
Phases = list[Lines]


def _numbered(raw: list[bytes], start: int = 1) -> Lines:
    return list(enumerate(raw, start=start))


def _dumps(e: dict[str, Any]) -> bytes:
    return json.dumps(e).encode()


def three_lines() -> Phases:
    """The issue's log: one event, the same event again, one line that is not JSON."""
    rec = _dumps({"event_id": "r1", "type": "clip_recorded", "occurred_at": "2024-01-01T00:00:00Z",
                  "clip_id": "c1", "owner": "resident:r-1", "platform": "ring"})
    return [_numbered([rec, rec, b"{not json"])]


BAD_LINES = [
    b"{not json",
    b"",
    b'{"event_id":"x1","type":"teleport","occurred_at":"2019-05-02T00:00:00Z"}',
    b'{"event_id":"x2","type":"transfer","occurred_at":"2019-05-02T00:00:00Z","clip_id":"c"}',
    b"\x00\x01\x02\xff\xfe binary",
    b'["an", "array"]',
    b'{"event_id":"x3","type":"clip_recorded","occurred_at":"yesterday","clip_id":"c","owner":"resident:r",'
    b'"platform":"ring"}',
]


def messy() -> Phases:
    """A simulated log with repeats (some changed: the first delivery wins), bad lines, and events moved a few
    hours of event time later in the file (out of order, within the lateness setting)."""
    rnd = random.Random(5)
    events = simulate("default", 4, 900)
    raw = [_dumps(e) for e in events]
    for i in rnd.sample(range(100, len(raw) - 1), 40):  # swap neighbours: out of order, within lateness
        raw[i], raw[i + 1] = raw[i + 1], raw[i]
    for e in rnd.sample(events, 30):
        raw.insert(rnd.randrange(len(raw)), _dumps(e))
    for e in rnd.sample(events, 5):
        raw.insert(rnd.randrange(len(raw)), _dumps({**e, "purpose": "changed on the way"}))
    for bad in BAD_LINES:
        raw.insert(rnd.randrange(len(raw)), bad)
    return [_numbered(raw)]


def beyond_lateness() -> Phases:
    """More events than the judge holds open, then (once they are judged) events from two months before the
    log begins: the judge stopped waiting for them, so each is judged late."""
    events = simulate("default", 3, DEFAULT_HOLD + 60)
    first = _numbered([_dumps(e) for e in events])
    late = []
    for i in range(6):
        at = f"2019-03-{i + 1:02d}T00:00:00Z"
        late.append({"event_id": f"late-r{i}", "type": "clip_recorded", "occurred_at": at, "clip_id": f"late-c{i}",
                     "owner": f"resident:late-{i}", "platform": "ring"})
        late.append({"event_id": f"late-t{i}", "type": "transfer", "occurred_at": at.replace("T00", "T05"),
                     "clip_id": f"late-c{i}", "from_party": f"resident:late-{i}", "to_party": "agency:ice-hsi",
                     "basis": "agreement", "purpose": "immigration enforcement"})
    return [first, _numbered([_dumps(e) for e in late], start=len(first) + 1)]


LOGS: dict[str, Callable[[], Phases]] = {"three-lines": three_lines, "messy": messy,
                                         "beyond-lateness": beyond_lateness}


def expected_inputs(phases: Phases) -> dict[str, int]:
    """In, processed, duplicates and dead letters, from the lines alone: a line is an event when it is a JSON
    object of a known type with an event id and a time; the first delivery of an id is processed."""
    seen: set[str] = set()
    counts = {"events_in": 0, "processed": 0, "duplicates": 0, "dead_letters": 0}
    for lines in phases:
        for _, raw in lines:
            counts["events_in"] += 1
            try:
                doc = json.loads(raw)
            except ValueError:
                doc = None
            ok = (isinstance(doc, dict) and doc.get("type") in EVENT_TYPES and isinstance(doc.get("event_id"), str)
                  and str(doc.get("occurred_at", "")).startswith(("2019", "2024"))
                  and not (doc["type"] == "transfer" and "from_party" not in doc))
            if not ok:
                counts["dead_letters"] += 1
            elif doc["event_id"] in seen:
                counts["duplicates"] += 1
            else:
                seen.add(doc["event_id"])
                counts["processed"] += 1
    return counts


def run(runner: Runner, phases: Phases) -> dict[str, Any]:
    """Feed each phase and wait until it is accounted for; the accounting at the end."""
    with runner:
        for lines in phases:
            runner.feed(lines)
            tally = runner.settle(timeout=600)
        return tally.counts()


@pytest.fixture(scope="module")
def in_process() -> dict[str, dict[str, Any]]:
    """The in-process accounting of every log (the reference for the verdict counts)."""
    return {name: run(InProcessRunner(RULES), make()) for name, make in LOGS.items()}


def _broker(request: pytest.FixtureRequest) -> str:
    return "kafka://" + str(request.getfixturevalue("kafka_bootstrap"))


RUNNERS: dict[str, Callable[[pytest.FixtureRequest], Runner]] = {
    "in-process": lambda _: InProcessRunner(RULES),
    "live-view-log": lambda _: LiveLogRunner(RULES),
    "what-if": lambda _: WhatIfRunner(RULES),
    "faust-workers": lambda req: KafkaRunner(_broker(req), RULES),
    "live-view-broker": lambda req: LiveBrokerRunner(_broker(req), RULES),
}
ON_A_BROKER = {"faust-workers", "live-view-broker"}


@pytest.mark.parametrize("log", list(LOGS))
@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.broker] if n in ON_A_BROKER else [])
                                  for n in RUNNERS])
def test_every_runner_gives_the_same_accounting(name: str, log: str, request: pytest.FixtureRequest,
                                                in_process: dict[str, dict[str, Any]]) -> None:
    phases = LOGS[log]()
    got = run(RUNNERS[name](request), phases)
    want = expected_inputs(phases)
    assert {k: got[k] for k in want} == want
    assert sum(got["outcomes"].values()) == got["processed"]
    assert got == in_process[log]
    if log == "beyond-lateness":
        assert got["beyond_lateness"] == len(phases[1])  # every event from before the log began
    else:
        assert got["beyond_lateness"] == 0
    if log == "messy":
        assert got["violations"] and got["outcomes"]["gated"] > 0


def test_the_live_view_from_a_broker_counts_inputs_not_verdicts(kafka_bootstrap: str) -> None:
    """The issue's three lines: ``check`` says 3 in, 1 duplicate, 1 dead letter, and so does the page."""
    with LiveBrokerRunner(f"kafka://{kafka_bootstrap}", ["core"]) as runner:
        runner.feed(three_lines()[0])
        runner.settle(timeout=300)
        stats = runner.state.stats(max_age=0)
    assert (stats["events_in"], stats["processed"], stats["duplicates"], stats["dead_letters"]) == (3, 1, 1, 1)


def test_serve_broker_page_shows_what_check_broker_counts(kafka_bootstrap: str, tmp_path: Any) -> None:
    """``custodiet serve --broker`` (the command, its web page): on the issue's three lines the page's stats
    say 3 in, 1 processed, 1 duplicate, 1 dead letter, as ``check --broker`` does."""
    import http.client
    import os
    import subprocess
    import sys
    from pathlib import Path

    from streams.check import KafkaRun, free_port

    root = Path(__file__).resolve().parents[1]
    port = free_port()
    with KafkaRun(f"kafka://{kafka_bootstrap}", ["core"]) as kafka:
        n = kafka.produce(three_lines()[0])
        cmd = [sys.executable, "-c", "from custodiet.cli import main; main()", "serve", "--broker",
               f"kafka://{kafka_bootstrap}", "--topic-prefix", kafka.layout.prefix, "--partitions",
               str(kafka.layout.partitions), "--port", str(port), "--rules", "core", "--duration", "120"]
        page = subprocess.Popen(cmd, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, stderr=subprocess.PIPE,
                                text=True)
        try:
            assert page.stderr is not None
            started = page.stderr.readline()  # "custodiet: serving http://...": it listens
            assert "serving" in started, started + page.stderr.read()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/api/events")  # server-sent events: stats pushed as they change
            r = conn.getresponse()
            stats: dict[str, Any] = {}
            event = None
            while (stats.get("events_in"), stats.get("processed")) != (n, 1):
                line = r.fp.readline().decode().rstrip("\n")
                assert line or page.poll() is None, "the page stopped"
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "stats":
                    stats = json.loads(line[6:])
            conn.close()
        finally:
            page.terminate()
            page.wait(timeout=20)
    assert (stats["events_in"], stats["processed"], stats["duplicates"], stats["dead_letters"]) == (3, 1, 1, 1)
