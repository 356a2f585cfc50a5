"""One reader for every log: line numbers, a byte-order mark, the size limit (an over-long line's dead letter
gives the line's real size), whole files and files still being written."""

from __future__ import annotations

import json
from pathlib import Path

from judge.pipeline import read_lines, run_check
from live.follow import LogFollower
from live.state import LiveState
from tests.conftest import rec, ts, xfer

GOOD = json.dumps(rec("r1", "c1", "resident:r-1", ts(1))).encode()
NEXT = json.dumps(xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", ts(2))).encode()


def test_file_with_bom_crlf_and_an_over_long_line(tmp_path: Path) -> None:
    huge = b'{"event_id": "big", "pad": "' + b"x" * 250_000 + b'"}'
    log = tmp_path / "log.jsonl"
    log.write_bytes(b"\xef\xbb\xbf" + GOOD + b"\r\n" + huge + b"\r\n" + NEXT)  # no newline at the end
    lines = list(read_lines(log, max_bytes=1000))
    assert [n for n, _ in lines] == [1, 2, 3]
    assert lines[0][1] == GOOD and lines[2][1] == NEXT
    assert len(lines[1][1]) <= 1001  # the over-long line is not held
    doc = run_check(read_lines(log, max_bytes=1000), ["core"], max_bytes=1000).document()
    assert (doc["processed"], doc["dead_letters"]) == (2, 1)
    assert doc["dead_letter_list"] == [
        {"line": 2, "reason": f"event too large: {len(huge)} bytes > limit 1000", "field": None}]


def test_a_followed_file_gives_the_same_lines_and_dead_letters_as_the_whole_file(tmp_path: Path) -> None:
    huge = b'{"event_id": "big", "pad": "' + b"y" * 5000 + b'"}'
    log = tmp_path / "growing.jsonl"
    follower = LogFollower(log, max_bytes=1000)
    parts = [b"\xef\xbb\xbf" + GOOD + b"\n" + huge[:700], huge[700:3000], huge[3000:] + b"\n" + NEXT[:10],
             NEXT[10:] + b"\n"]
    seen: list[tuple[int, bytes]] = []
    log.write_bytes(b"")
    for part in parts:
        with log.open("ab") as fh:
            fh.write(part)
        seen += follower.read_new()
    whole = list(read_lines(log, max_bytes=1000))
    assert [(n, bytes(raw), getattr(raw, "size", None)) for n, raw in seen] == \
        [(n, bytes(raw), getattr(raw, "size", None)) for n, raw in whole]
    assert [getattr(raw, "size", None) for _, raw in seen] == [None, len(huge), None]
    state = LiveState(max_bytes=1000)
    state.feed_lines(seen)  # type: ignore[arg-type]
    assert [d.reason for d in state.dead] == [f"event too large: {len(huge)} bytes > limit 1000"]
    assert state.stats(max_age=0)["processed"] == 2
