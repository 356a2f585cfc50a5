"""``custodiet check``: every input line lands in exactly one bucket, and verdicts ignore arrival order."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from custodiet.cli import app
from judge.pipeline import read_lines, run_check
from tests.conftest import ev, rec, ts, write_log, xfer

runner = CliRunner()

VALID = [
    rec("r1", "c1", "resident:r-1", ts(1, 8)),
    xfer("t1", "c1", "resident:r-1", "platform:ring", ts(1, 8), basis="internal"),
    xfer("t2", "c1", "platform:ring", "agency:oakland-ca-pd", ts(3), basis="emergency", purpose="danger"),
    xfer("t3", "c1", "agency:oakland-ca-pd", "agency:ice-ero", ts(4), purpose="ICE detainer"),
    ev("search", "s1", ts(5), searcher="agency:oakland-ca-pd", reason="***", networks_searched=2),
]
BAD = [
    b"not json at all",
    b'{"event_id": "x1", "type": "teleport", "occurred_at": "2024-05-01T00:00:00Z"}',
    b'{"event_id": "x2", "type": "transfer", "occurred_at": "2024-05-01T00:00:00Z"}',
    b'{"event_id": "x3", "type": "clip_recorded", "occurred_at": "yesterday", "clip_id": "c", "owner": "r", '
    b'"platform": "ring"}',
    b'{"event_id": "x4", "type": "clip_recorded", "occurred_at": "2024-05-01T00:00:00", "clip_id": "c", '
    b'"owner": "r", "platform": "ring"}',
    b'{"event_id": "x5", "type": "clip_rec',
    b"\xff\xfe\x00garbage",
    b"",
    b"[1, 2, 3]",
]


def test_counts_add_up_with_valid_repeated_and_malformed_lines(tmp_path: Path) -> None:
    lines = [json.dumps(e).encode() for e in VALID] + [json.dumps(VALID[0]).encode(), json.dumps(VALID[3]).encode()]
    lines += BAD
    random.Random(7).shuffle(lines)
    log = write_log(tmp_path / "log.jsonl", lines)
    doc = run_check(read_lines(log)).document()
    assert doc["events_in"] == len(VALID) + 2 + len(BAD)
    assert doc["processed"] == len(VALID)
    assert doc["duplicates"] == 2
    assert doc["dead_letters"] == len(BAD)
    assert doc["events_in"] == doc["processed"] + doc["duplicates"] + doc["dead_letters"]
    reasons = {d["line"]: d["reason"] for d in doc["dead_letter_list"]}
    assert sorted(reasons) == sorted(i + 1 for i, raw in enumerate(lines) if raw in BAD)
    joined = " | ".join(reasons.values())
    for needle in ("not JSON", "unknown type 'teleport'", "field 'clip_id'", "field 'occurred_at'", "not UTF-8",
                   "empty line"):
        assert needle in joined


def test_oversized_line_is_a_dead_letter_and_the_rest_is_processed(tmp_path: Path) -> None:
    huge = b'{"event_id": "big", "pad": "' + b"x" * 3_000_000 + b'"}'
    log = write_log(tmp_path / "log.jsonl", [json.dumps(VALID[0]).encode(), huge, json.dumps(VALID[1]).encode()])
    doc = run_check(read_lines(log, max_bytes=100_000), max_bytes=100_000).document()
    assert (doc["processed"], doc["dead_letters"]) == (2, 1)
    assert doc["dead_letter_list"][0]["line"] == 2 and "too large" in doc["dead_letter_list"][0]["reason"]


def test_verdicts_ignore_arrival_order(tmp_path: Path) -> None:
    base = run_check(enumerate((json.dumps(e).encode() for e in VALID), 1)).document()
    for seed in range(5):
        shuffled = VALID[:]
        random.Random(seed).shuffle(shuffled)
        doc = run_check(enumerate((json.dumps(e).encode() for e in shuffled * 2), 1)).document()
        assert doc["violation_list"] == base["violation_list"]
        assert doc["violations"] == base["violations"] and doc["outcomes"] == base["outcomes"]


def test_default_rules_apply_within_their_era() -> None:
    # The search happens in 2024: flock-2025 is not in force yet, so the blank reason is not flagged by default,
    # but it is when the rule set is named explicitly (a what-if).
    lines = list(enumerate((json.dumps(e).encode() for e in VALID), 1))
    assert "flock-2025.search-reason" not in run_check(lines).document()["violations"]
    assert run_check(lines, ["flock-2025"]).document()["violations"]["flock-2025.search-reason"] == 1


def test_check_cli_json_document(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.jsonl", [*VALID, b"{oops"])
    res = runner.invoke(app, ["check", str(log), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert (doc["events_in"], doc["processed"], doc["dead_letters"]) == (6, 5, 1)
    assert doc["violations"]["ca-sb54.no-immigration-enforcement"] == 1


def test_check_reads_stdin(tmp_path: Path) -> None:
    data = "\n".join(json.dumps(e) for e in VALID) + "\n"
    res = runner.invoke(app, ["check", "-", "--json"], input=data)
    assert res.exit_code == 0
    assert json.loads(res.stdout)["processed"] == len(VALID)


def test_bad_arguments_are_one_line_errors(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.jsonl", VALID)
    cases = [
        (["check", str(tmp_path / "missing.jsonl")], "no such"),
        (["check", str(tmp_path)], "is a directory"),
        (["check", str(log), "--rules", "no-such-set"], "unknown rule set 'no-such-set'"),
        (["trace", str(log), "--clip", "nope", "--to", "agency:ice-ero"], "clip 'nope' is not in the log"),
        (["trace", str(log), "--clip", "c1", "--to", "agency:nobody"], "party 'agency:nobody' is not in the log"),
        (["reach", str(log), "--to", "agency:nobody"], "party 'agency:nobody'"),
    ]
    for args, needle in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert needle in res.stderr, (args, res.stderr)
        assert "Traceback" not in res.output and len(res.stderr.strip().splitlines()) == 1


def test_trace_cli_json(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.jsonl", VALID)
    res = runner.invoke(app, ["trace", str(log), "--clip", "c1", "--to", "agency:ice-ero", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["count"] == 1 and doc["truncated"] is False
    assert doc["paths"] == [{"parties": ["resident:r-1", "platform:ring", "agency:oakland-ca-pd", "agency:ice-ero"],
                             "events": ["t1", "t2", "t3"]}]


def test_check_writes_a_verifiable_audit_trail(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("CUSTODIET_AUDIT_KEY", "test-key")
    log = write_log(tmp_path / "log.jsonl", VALID)
    trail = tmp_path / "audit.jsonl"
    assert runner.invoke(app, ["check", str(log), "--audit", str(trail), "--json"]).exit_code == 0
    records = [json.loads(line) for line in trail.read_text().splitlines()]
    judged = [r for r in records if r.get("component") == "judge" and r.get("event_type") != "check"]
    assert len(judged) == len(VALID)
    assert {r["outcome"] for r in judged} >= {"ok", "flagged"}
    assert runner.invoke(app, ["audit", "verify", str(trail)]).exit_code == 0
    lines = trail.read_text().splitlines()
    lines[2], lines[3] = lines[3], lines[2]  # reorder two records
    trail.write_text("\n".join(lines) + "\n")
    res = runner.invoke(app, ["audit", "verify", str(trail)])
    assert res.exit_code == 1 and "line 3" in res.output + res.stderr
