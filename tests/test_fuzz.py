"""Fuzzing the decoder and the in-process judge: no exception escapes, and every input is accounted for.

``events_in == processed + duplicates + dead_letters`` exactly; a valid event is processed or counted as a
duplicate; an invalid one is a dead letter with a reason and its line number. The same log delivered twice
and shuffled gives the same verdicts and custody graph (compared by a canonical hash).

The default run is small (well under a minute). The long run (>= 100,000 inputs) is marked ``slow`` and runs
only with ``make test-long`` (``-m slow``; the default run deselects it).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.custody import CustodyGraph
from judge.canonical import canonical_hash
from judge.decode import decode
from judge.pipeline import read_lines, run_check
from schemas.records import DeadLetter
from tests.strategies import mixed_lines, near_valid_events, raw_garbage, valid_event_dicts, valid_events

QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])

logs = st.lists(mixed_lines(), min_size=0, max_size=40)


def _event_id(raw: bytes) -> Any:
    return json.loads(raw)["event_id"]


def check_accounting(lines: list[tuple[bytes, str]], dup_picks: list[int], seed: int) -> int:
    """Run a log (with some lines delivered again, shuffled) through run_check and check every bucket."""
    delivered = list(lines) + [lines[i % len(lines)] for i in dup_picks] if lines else []
    random.Random(seed).shuffle(delivered)
    numbered = list(enumerate((raw for raw, _ in delivered), start=1))
    res = run_check(numbered, keep=True)
    doc = res.document()
    n = len(delivered)
    assert doc["events_in"] == n
    assert doc["events_in"] == doc["processed"] + doc["duplicates"] + doc["dead_letters"]
    dead_lines = [d.line for d in res.dead]
    assert len(set(dead_lines)) == len(dead_lines), "a line was dead-lettered twice"
    assert all(d.reason and d.line is not None and 1 <= d.line <= n for d in res.dead)
    dead_set = set(dead_lines)
    processed_ids = {ev.event_id for ev in res.events}
    for line_no, (raw, expected) in enumerate(delivered, start=1):
        if expected == "valid":
            assert line_no not in dead_set, (raw, [d.reason for d in res.dead if d.line == line_no])
            assert _event_id(raw) in processed_ids
        elif expected == "invalid":
            assert line_no in dead_set, raw[:300]
    # Duplicates are exactly the non-dead lines beyond the first of each event id.
    assert doc["duplicates"] == n - len(dead_set) - len(processed_ids)
    assert len(res.verdicts) == len(res.events)
    json.dumps(doc, default=str)  # the --json document can always be printed
    CustodyGraph.from_events(res.events)
    canonical_hash(res)
    return n


@QUICK
@given(st.one_of(st.binary(max_size=300), valid_events(), near_valid_events(), raw_garbage().map(lambda t: t[0])))
def test_decode_never_raises(raw: bytes) -> None:
    out = decode(raw, line=3, source="fuzz")
    if isinstance(out, DeadLetter):
        assert out.reason and out.line == 3 and out.source == "fuzz"
    else:
        assert out.event_id


@QUICK
@given(valid_event_dicts())
def test_every_valid_event_decodes(ev: dict[str, Any]) -> None:
    out = decode(json.dumps(ev).encode())
    assert not isinstance(out, DeadLetter), (ev, out)
    assert out.type == ev["type"]


@QUICK
@given(near_valid_events())
def test_every_near_valid_event_is_a_dead_letter_with_a_reason(raw: bytes) -> None:
    out = decode(raw, line=9)
    assert isinstance(out, DeadLetter), raw
    assert out.reason and out.line == 9


@QUICK
@given(logs, st.lists(st.integers(0, 1000), max_size=8), st.integers(0, 2**32))
def test_mixed_log_every_input_accounted_for(lines: list[tuple[bytes, str]], dups: list[int], seed: int) -> None:
    check_accounting(lines, dups, seed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(valid_event_dicts(), min_size=1, max_size=30), st.lists(raw_garbage(), max_size=5),
       st.integers(0, 2**32))
def test_twice_and_shuffled_gives_the_same_verdicts_and_graph(
    events: list[dict[str, Any]], garbage: list[tuple[bytes, str]], seed: int
) -> None:
    for i, e in enumerate(events):  # unique ids: which of two different events "wins" is then well defined
        e["event_id"] = f"e{i}"
    lines = [json.dumps(e).encode() for e in events]
    base = run_check(enumerate(lines, 1), keep=True)
    base_hash = canonical_hash(base, CustodyGraph.from_events(base.events))
    again = lines * 2 + [g for g, expected in garbage if expected == "invalid"]
    random.Random(seed).shuffle(again)
    res = run_check(enumerate(again, 1), keep=True)
    assert res.duplicates == len(lines)
    assert canonical_hash(res, CustodyGraph.from_events(res.events)) == base_hash
    assert res.document()["violation_list"] == base.document()["violation_list"]


def test_file_route_keeps_line_numbers(tmp_path: Path) -> None:
    rnd = random.Random(5)
    lines: list[tuple[bytes, str]] = []
    for seed in range(200):
        raw, expected = _sample(seed)
        raw = raw.replace(b"\n", b" ").replace(b"\r", b" ")
        lines.append((raw, expected))
    rnd.shuffle(lines)
    log = tmp_path / "fuzz.jsonl"
    log.write_bytes(b"".join(raw + b"\n" for raw, _ in lines))
    res = run_check(read_lines(log), source=str(log), keep=True)
    doc = res.document()
    assert doc["events_in"] == len(lines) == doc["processed"] + doc["duplicates"] + doc["dead_letters"]
    dead = {d.line for d in res.dead}
    for i, (raw, expected) in enumerate(lines, 1):
        if expected == "invalid":
            assert i in dead, raw[:200]
        elif expected == "valid":
            assert i not in dead


_POOL: list[tuple[bytes, str]] = []


def _sample(seed: int) -> tuple[bytes, str]:
    """Deterministic examples for the file test (drawn once with hypothesis' find-free API)."""
    if not _POOL:
        @settings(max_examples=400, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(mixed_lines())
        def collect(item: tuple[bytes, str]) -> None:
            _POOL.append(item)

        collect()
    return _POOL[seed % len(_POOL)]


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_long_fuzz_run_at_least_100k_inputs() -> None:
    seen = [0]

    @settings(max_examples=2_500, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(mixed_lines(), min_size=35, max_size=50), st.lists(st.integers(0, 1000), max_size=8),
           st.integers(0, 2**32))
    def run(lines: list[tuple[bytes, str]], dups: list[int], seed: int) -> None:
        seen[0] += check_accounting(lines, dups, seed)

    @settings(max_examples=20_000, deadline=None, database=None)
    @given(st.binary(max_size=400))
    def raw(b: bytes) -> None:
        out = decode(b, line=1)
        assert not isinstance(out, DeadLetter) or out.reason
        seen[0] += 1

    run()
    raw()
    assert seen[0] >= 100_000, seen[0]
