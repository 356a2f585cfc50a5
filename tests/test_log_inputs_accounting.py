"""A log as it comes from the field, through the command line: a line of binary garbage among its first lines,
repeated deliveries, lines that are not JSON or of no known type, a Windows-1252 byte near its end, events from
before the judge stopped waiting (beyond the lateness setting), and the same log saved as UTF-16.

``custodiet check --json`` and the live view of the same log (``custodiet serve LOG``, its ``/api/stats`` and
``/api/violations``) give the same accounting; the counts of inputs are worked out here from how the log was
written, not from the code.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analysis.whatif import WhatIfRunner
from judge.runner import InProcessRunner, Runner
from live.runners import LiveLogRunner

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from custodiet.cli import main; main()"]

#: More events than the judge keeps open (10,000) and spread over more than its 7 days of waiting.
FILLER = 12_500
REPEATED_EVERY = 1_000  # every thousandth filler event is delivered twice


def _line(event_id: str, at: str, kind: str, **fields: Any) -> bytes:
    return json.dumps({"event_id": event_id, "type": kind, "occurred_at": at, **fields}).encode()


def field_log() -> tuple[bytes, dict[str, int]]:
    """The log's bytes, and what it holds (counted as it is written)."""
    lines: list[bytes] = []
    bad = dupes = late = 0
    lines.append(_line("e1", "2020-03-01T00:00:00Z", "clip_recorded", clip_id="c1", owner="resident:r-1",
                       platform="ring"))
    lines.append(b"\x00\x01\x02\xff\xfe\x89PNG garbage\x00\x00")  # binary, in the head
    bad += 1
    handed = _line("e2", "2020-03-01T01:00:00Z", "transfer", clip_id="c1", from_party="resident:r-1",
                   to_party="agency:oakland-ca-pd", basis="warrant", purpose="burglary investigation")
    lines.append(handed)
    lines.append(_line("e3", "2020-03-01T02:00:00Z", "transfer", clip_id="c1", from_party="agency:oakland-ca-pd",
                       to_party="agency:ice-ero", basis="agreement", purpose="immigration enforcement"))
    lines.append(handed)
    dupes += 1
    lines.append(b"{not json")
    lines.append(_line("e4", "2020-03-01T03:00:00Z", "teleport"))
    bad += 2
    start = datetime(2020, 4, 1)
    for k in range(FILLER):
        rec = _line(f"f{k}", (start + timedelta(minutes=k)).strftime("%Y-%m-%dT%H:%M:%SZ"), "clip_recorded",
                    clip_id=f"fc{k}", owner=f"resident:f-{k % 50}", platform="ring")
        lines.append(rec)
        if k % REPEATED_EVERY == 7:
            lines.append(rec)
            dupes += 1
    # From two weeks before the filler began, after it: the judge stopped waiting for them long ago.
    lines.append(_line("L1", "2020-03-18T00:00:00Z", "clip_recorded", clip_id="cl1", owner="resident:l-1",
                       platform="ring"))
    lines.append(_line("L2", "2020-03-18T01:00:00Z", "transfer", clip_id="cl1", from_party="resident:l-1",
                       to_party="agency:fbi", basis="warrant", purpose="investigation"))
    lines.append(_line("L3", "2020-03-18T02:00:00Z", "transfer", clip_id="c-unrecorded",
                       from_party="agency:oakland-ca-pd", to_party="agency:ice-hsi", basis="agreement",
                       purpose="immigration enforcement"))
    late += 3
    lines.append(_line("w1", "2020-04-10T00:00:00Z", "clip_recorded", clip_id="cw", owner="resident:w",
                       platform="ring").replace(b'"ring"}', b'"ring", "note": "caf\xe9"}'))  # Windows-1252
    bad += 1
    lines.append(b"\xff\xfe garbage at the end")
    bad += 1
    n = len(lines)
    return b"\n".join(lines) + b"\n", {"events_in": n, "dead_letters": bad, "duplicates": dupes,
                                       "processed": n - bad - dupes, "beyond_lateness": late}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    data, holds = field_log()
    path = tmp_path_factory.mktemp("field") / "field.jsonl"
    path.write_bytes(data)
    return path, holds


def check_json(*args: str, stdin: bytes | None = None) -> dict[str, Any]:
    out = subprocess.run([*CLI, "check", *args, "--json"], input=stdin, capture_output=True, cwd=ROOT,
                         timeout=600)
    assert out.returncode == 0, out.stderr.decode()
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def checked(log: tuple[Path, dict[str, int]]) -> dict[str, Any]:
    return check_json(str(log[0]))


def served(path: Path) -> Iterator[str]:
    """``custodiet serve PATH`` on a free port; yields its address once it says it serves."""
    proc = subprocess.Popen([*CLI, "serve", str(path), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    try:
        assert proc.stderr is not None
        for raw in proc.stderr:  # blocks until the server names its address
            m = re.search(r"http://[0-9.]+:\d+", raw.decode())
            if m:
                yield m.group(0)
                return
        pytest.fail("serve ended without serving")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


def test_check_counts_what_the_log_holds(log: tuple[Path, dict[str, int]], checked: dict[str, Any]) -> None:
    holds = log[1]
    assert {k: checked[k] for k in holds} == holds
    assert checked["events_in"] == checked["processed"] + checked["duplicates"] + checked["dead_letters"]
    assert sum(checked["outcomes"].values()) == checked["processed"]
    dead_lines = [d["line"] for d in checked["dead_letter_list"]]
    assert dead_lines[0] == 2 and dead_lines[-2:] == [holds["events_in"] - 1, holds["events_in"]]
    # The hand-over into ICE ERO after the binary line is judged, not lost with it.
    assert any(v["event_id"] == "e3" for v in checked["violation_list"])


def test_the_live_view_of_the_log_counts_as_check(log: tuple[Path, dict[str, int]],
                                                   checked: dict[str, Any]) -> None:
    for url in served(log[0]):
        stats = get(url + "/api/stats")
        violations = get(url + "/api/violations")
    for key in ("events_in", "processed", "duplicates", "dead_letters", "beyond_lateness", "outcomes",
                "custody_edges", "by_type"):
        assert stats[key] == checked[key], key
    by_rule = {rule: sum(v.values()) for rule, v in violations["by_rule"].items()}
    assert by_rule == checked["violations"]
    assert stats["violations"] == sum(checked["violations"].values())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom"])
def test_a_utf16_log_on_stdin_counts_as_the_same_file(tmp_path: Path, encoding: str) -> None:
    """A log saved as "Unicode Text" gives the same document from its path and piped to ``check -``."""
    lines = [_line("a", "2024-01-01T00:00:00Z", "clip_recorded", clip_id="c", owner="resident:r",
                   platform="ring"),
             _line("b", "2024-01-01T01:00:00Z", "transfer", clip_id="c", from_party="resident:r",
                   to_party="agency:fbi", basis="warrant", purpose="investigation")]
    text = ("\n".join(x.decode() for x in [*lines, lines[1]]) + "\n{oops\n")
    data = text.encode("utf-16") if encoding == "utf-16" else b"\xfe\xff" + text.encode("utf-16-be")
    path = tmp_path / "unicode.jsonl"
    path.write_bytes(data)
    from_file = check_json(str(path))
    from_stdin = check_json("-", stdin=data)
    counts = ("events_in", "processed", "duplicates", "dead_letters")
    assert tuple(from_file[k] for k in counts) == (4, 2, 1, 1)
    assert from_stdin == from_file


@pytest.mark.parametrize("runner", [InProcessRunner, LiveLogRunner, WhatIfRunner])
def test_every_runner_in_this_process_fed_the_whole_log_counts_as_check(
        runner: type[Runner], log: tuple[Path, dict[str, int]], checked: dict[str, Any]) -> None:
    numbered = list(enumerate(log[0].read_bytes().split(b"\n")[:-1], start=1))
    with runner(None) as run:
        run.feed(numbered)
        got = run.settle().counts()
    assert {k: got[k] for k in log[1]} == log[1]
    for key in ("beyond_lateness", "outcomes", "violations", "custody_edges", "by_type"):
        assert got[key] == checked[key], key
