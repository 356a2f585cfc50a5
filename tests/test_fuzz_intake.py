"""Fuzzing the Kafka intake without a broker: message values and headers as a producer could send them.

``streams.intake.Intake`` is what the intake agent runs on each batch. Every message ends in exactly one
bucket (forwarded, duplicate, dead letter) with one accounting record; a bad value or header is a dead
letter with a reason, never an exception; a dead letter's headers can be sent (bytes values) and its key
is where the message was read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.intake import Inbound, Intake
from tests.strategies import mixed_lines

HEADER_NAMES = st.sampled_from(["line", "source", "size", "traceparent", "x", "", "line "])
HEADER_VALUES = st.one_of(
    st.binary(max_size=30),
    st.sampled_from([b"1", b"0", b"-1", b"12", b"x7", b"1e3", b"\xff\xfe", b"99999999999999999999999", b" 3",
                     "\u0663".encode(), b"3000000", b""]),
)
HEADERS = st.one_of(
    st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=4),
    st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=3),
    st.none(),
)
TOPICS = st.sampled_from(["custodiet.transfers", "custodiet.clips", "custodiet.events", "other"])


@st.composite
def batches(draw: st.DrawFn) -> list[Inbound]:
    """A batch of messages: valid, near-valid and garbage values, some delivered twice, odd headers."""
    values = [raw for raw, _ in draw(st.lists(mixed_lines(), max_size=12))]
    values += draw(st.lists(st.binary(max_size=60), max_size=3))
    if values and draw(st.booleans()):
        values.append(values[draw(st.integers(0, len(values) - 1))])  # a second copy of one value
    out = []
    for offset, value in enumerate(values):
        out.append(Inbound(value, draw(TOPICS), draw(st.integers(0, 3)), offset, draw(HEADERS)))
    return out


def check_batch(batch: list[Inbound]) -> int:
    intake = Intake(partitions=4, max_bytes=2000)
    out = intake.take(batch)
    kinds = [json.loads(b)["kind"] for b in out.books]
    assert len(out.books) == len(batch), (len(out.books), len(batch))
    assert kinds.count("forwarded") == len(out.events)
    assert kinds.count("dead") == len(out.dead)
    assert len(out.events) + len(out.dead) + kinds.count("duplicate") == len(batch)
    for r in out.dead:
        assert r.letter.reason
        assert all(isinstance(k, str) and isinstance(v, bytes) for k, v in r.headers)
        r.key.decode()
    for a in out.events:
        a.event.model_dump_json()  # what is sent on judge-in can be written
        assert 0 <= a.partition < 4
    return len(batch)


QUICK = settings(max_examples=150, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_every_message_is_accounted_for_and_none_raises() -> None:
    @QUICK
    @given(batches())
    def run(batch: list[Inbound]) -> None:
        check_batch(batch)

    run()


@pytest.mark.parametrize("headers,reason", [
    ([("line", b"two")], "bad 'line' header"),
    ([("line", b"\xff")], "bad 'line' header"),
    ([("line", "\u0663".encode())], "bad 'line' header"),  # a digit, but not an ASCII one
])
def test_a_bad_line_header_is_a_dead_letter(headers: Any, reason: str) -> None:
    ok = (b'{"event_id":"e1","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z","clip_id":"c",'
          b'"owner":"resident:r","platform":"ring"}')
    out = Intake(partitions=4).take([Inbound(ok, "custodiet.clips", 0, 0, headers)])
    assert not out.events and reason in out.dead[0].letter.reason


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_long_fuzz_of_the_intake() -> None:
    seen = [0]

    @settings(max_examples=5_000, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(batches())
    def run(batch: list[Inbound]) -> None:
        seen[0] += check_batch(batch)

    run()
    assert seen[0] >= 30_000, seen[0]
