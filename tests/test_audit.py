"""The audit trail: a hash chain with signed checkpoints; every kind of hand tampering is found, and the
first bad record is named (line, seq, what is wrong)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.trail import AuditError, AuditTrail, audit_verdicts, canonical_bytes, record_hash, sign
from audit.verify import verify
from custodiet.cli import app
from judge.pipeline import run_check
from tests.conftest import ev, rec, ts, xfer

KEY = b"test-key-not-secret"
runner = CliRunner()


def make_trail(path: Path, n: int = 12, every: int = 5) -> list[str]:
    """A closed trail: opening record, n records with a checkpoint after every ``every``, a final seal."""
    with AuditTrail(path, checkpoint_every=every, key=KEY) as t:
        for i in range(n):
            t.record("judge", "transfer", f"agency:p{i}", "ok" if i % 3 else "flagged", {"i": i})
    return path.read_text().splitlines(keepends=True)


def write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines))


def seq_of(line: str) -> int:
    return int(json.loads(line)["seq"])


def test_intact_trail_verifies(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    kinds = [json.loads(x)["event_type"] for x in lines]
    # opened, 5 records, checkpoint, 5 records, checkpoint, 2 records, final checkpoint
    assert kinds.count("checkpoint") == 3 and kinds[0] == "trail_opened" and kinds[-1] == "checkpoint"
    assert [seq_of(x) for x in lines] == list(range(1, len(lines) + 1))
    r = verify(p, KEY)
    assert r.ok and r.sealed and r.checkpoints == 3 and r.records == len(lines), r
    assert r.warnings == []


def test_each_record_links_to_the_one_before(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    recs = [json.loads(x) for x in make_trail(p)]
    for before, after in zip(recs, recs[1:], strict=False):
        assert after["prev"] == record_hash(before)
    for r in recs:
        assert set(r) >= {"seq", "time", "component", "event_type", "actor", "outcome", "detail", "prev"}
        if r["event_type"] == "checkpoint":
            assert r["hmac"] == sign(r, KEY) and r["detail"]["head"] == r["prev"]


@pytest.mark.parametrize("index", [1, 3, 7])
def test_changed_field_is_named(tmp_path: Path, index: int) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    r0 = json.loads(lines[index])
    r0["actor"] = "agency:someone-else"
    lines[index] = canonical_bytes(r0).decode() + "\n"
    write(p, lines)
    r = verify(p, KEY)
    assert not r.ok and r.first_bad is not None
    assert (r.first_bad.line, r.first_bad.seq) == (index + 1, index + 1), r.first_bad
    assert r.first_bad.problem.startswith("changed")


def test_changed_outcome_by_text_edit(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    assert '"outcome":"flagged"' in lines[1]
    lines[1] = lines[1].replace('"outcome":"flagged"', '"outcome":"ok"')
    write(p, lines)
    bad = verify(p, KEY).first_bad
    assert bad is not None and (bad.line, bad.seq) == (2, 2) and "changed" in bad.problem


def test_changed_seq_is_named(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    lines[4] = lines[4].replace('"seq":5', '"seq":50')
    write(p, lines)
    bad = verify(p, KEY).first_bad
    assert bad is not None and bad.line == 5 and "changed" in bad.problem


@pytest.mark.parametrize("index", [2, 5, 9])
def test_deleted_line_is_named(tmp_path: Path, index: int) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    gone = seq_of(lines[index])
    del lines[index]
    write(p, lines)
    bad = verify(p, KEY).first_bad
    assert bad is not None and bad.line == index + 1 and bad.seq == gone + 1
    assert bad.problem.startswith("deleted") and f"seq {gone}" in bad.problem


def test_deleted_first_line(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    write(p, lines[1:])
    bad = verify(p, KEY).first_bad
    assert bad is not None and bad.line == 1 and "deleted" in bad.problem


def test_inserted_line_with_fresh_numbers_is_named(tmp_path: Path) -> None:
    # A clumsy forger: a new record with a seq of its own.
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    forged = {"seq": 99, "time": "2024-01-01T00:00:00Z", "component": "judge", "event_type": "transfer",
              "actor": "agency:x", "outcome": "ok", "detail": {}, "prev": record_hash(json.loads(lines[3]))}
    lines.insert(4, canonical_bytes(forged).decode() + "\n")
    write(p, lines)
    bad = verify(p, KEY).first_bad
    assert bad is not None and (bad.line, bad.seq) == (5, 99) and "inserted" in bad.problem


def test_inserted_line_that_copies_the_numbering_is_named(tmp_path: Path) -> None:
    # A careful forger: the right seq and the right prev for where it is inserted.
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    before = json.loads(lines[3])
    forged = {"seq": before["seq"] + 1, "time": before["time"], "component": "judge", "event_type": "transfer",
              "actor": "agency:x", "outcome": "ok", "detail": {}, "prev": record_hash(before)}
    lines.insert(4, canonical_bytes(forged).decode() + "\n")
    write(p, lines)
    bad = verify(p, KEY).first_bad
    assert bad is not None and (bad.line, bad.seq) == (5, forged["seq"]) and "inserted" in bad.problem


@pytest.mark.parametrize("index", [1, 4, 8])
def test_swapped_lines_are_named(tmp_path: Path, index: int) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    lines[index], lines[index + 1] = lines[index + 1], lines[index]
    write(p, lines)
    bad = verify(p, KEY).first_bad
    assert bad is not None and bad.line == index + 1 and bad.seq == index + 2
    assert bad.problem.startswith("reordered")


def test_truncated_mid_record(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    data = "".join(lines)
    p.write_text(data[: len(data) - len(lines[-1]) // 2])
    bad = verify(p, KEY).first_bad
    assert bad is not None and bad.line == len(lines) and "cut short" in bad.problem


def test_truncated_whole_records(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    write(p, lines[:9])  # ends in the middle, after a record that is not a checkpoint
    r = verify(p, KEY)
    assert r.first_bad is not None and r.first_bad.line == 10 and "cut short" in r.first_bad.problem
    # A trail still being written is accepted when asked, with a warning.
    r2 = verify(p, KEY, require_sealed=False)
    assert r2.ok and r2.warnings and not r2.sealed


def test_checkpoint_forged_with_a_wrong_key(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    # Change record 3, then recompute the whole chain after it and re-sign checkpoints with a guessed key.
    recs = [json.loads(x) for x in lines]
    recs[3]["outcome"] = "ok" if recs[3]["outcome"] == "flagged" else "flagged"
    for i in range(4, len(recs)):
        recs[i]["prev"] = record_hash(recs[i - 1])
        if recs[i]["event_type"] == "checkpoint":
            recs[i]["detail"]["head"] = recs[i]["prev"]
            recs[i]["hmac"] = sign(recs[i], b"guessed-key")
    write(p, [canonical_bytes(r).decode() + "\n" for r in recs])
    bad = verify(p, KEY).first_bad
    first_checkpoint = next(i for i, r in enumerate(recs) if r["event_type"] == "checkpoint")
    assert bad is not None and bad.line == first_checkpoint + 1 and "signature does not verify" in bad.problem
    assert "lines 1-" in bad.problem  # the span it no longer vouches for
    # Without the key only the chain is checked: it is consistent, and the result says signatures went unchecked.
    unsigned = verify(p, None)
    assert unsigned.ok and any("not checked" in w for w in unsigned.warnings)


def test_removed_checkpoint_is_found(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    recs = [json.loads(x) for x in make_trail(p)]
    cp = next(i for i, r in enumerate(recs) if r["event_type"] == "checkpoint")
    del recs[cp]
    for i in range(cp, len(recs)):  # renumber and rechain by hand: only the cadence gives it away
        recs[i]["seq"] = i + 1
        recs[i]["prev"] = record_hash(recs[i - 1])
        if recs[i]["event_type"] == "checkpoint":
            recs[i]["detail"].update(head=recs[i]["prev"], covers_seq=i)
            recs[i]["hmac"] = sign(recs[i], KEY)
    write(p, [canonical_bytes(r).decode() + "\n" for r in recs])
    bad = verify(p, KEY).first_bad
    assert bad is not None and "missing checkpoint" in bad.problem and bad.line == cp + 1


def test_missing_key_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTODIET_AUDIT_KEY", raising=False)
    with pytest.raises(AuditError, match="CUSTODIET_AUDIT_KEY is not set"):
        AuditTrail(tmp_path / "a.jsonl")
    monkeypatch.setenv("CUSTODIET_AUDIT_KEY", "from-env")
    with AuditTrail(tmp_path / "a.jsonl", checkpoint_every=2) as t:
        t.record("api", "query", "analyst:1", "ok")
    assert verify(tmp_path / "a.jsonl", b"from-env").ok
    assert not verify(tmp_path / "a.jsonl", b"other").ok


def test_unsigned_trail(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    with AuditTrail(p, checkpoint_every=0) as t:
        t.record("api", "query", "analyst:1", "ok")
    r = verify(p, None)
    assert r.ok and any("unsigned" in w for w in r.warnings)


def test_reopening_continues_the_chain(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    make_trail(p, n=7, every=5)
    with AuditTrail(p, checkpoint_every=3, key=KEY) as t:  # the trail's own interval (5) wins
        assert t.every == 5
        for i in range(6):
            t.record("api", "query", f"analyst:{i}", "ok")
    r = verify(p, KEY)
    assert r.ok, r.first_bad
    p.write_text(p.read_text()[:-10])
    with pytest.raises(AuditError, match="cut short"):
        AuditTrail(p, key=KEY)


def test_audit_verdicts(tmp_path: Path) -> None:
    events = [rec("r1", "c1", "resident:r-1", ts(1)),
              xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", ts(2), basis="consent"),
              xfer("t2", "c1", "agency:oakland-ca-pd", "agency:ice-ero", ts(3)),
              ev("search", "s1", ts(4), searcher="agency:oakland-ca-pd", reason="x", networks_searched=1)]
    res = run_check(enumerate((json.dumps(e).encode() for e in events), 1), keep=True)
    p = tmp_path / "audit.jsonl"
    with AuditTrail(p, checkpoint_every=2, key=KEY) as t:
        assert audit_verdicts(t, res) == len(events) + 1
    recs = [json.loads(x) for x in p.read_text().splitlines()]
    judged = [r for r in recs if r["component"] == "judge" and r["event_type"] != "check"]
    assert [r["detail"]["event_id"] for r in judged] == ["r1", "t1", "t2", "s1"]
    assert [r["actor"] for r in judged] == ["resident:r-1", "resident:r-1", "agency:oakland-ca-pd",
                                            "agency:oakland-ca-pd"]
    by_id = {v.event_id: v.outcome for v in res.verdicts}
    assert all(r["outcome"] == by_id[r["detail"]["event_id"]] for r in judged)
    assert "flagged" in {r["outcome"] for r in judged}
    assert verify(p, KEY).ok


def test_cli_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    monkeypatch.setenv("MY_AUDIT_KEY", KEY.decode())
    res = runner.invoke(app, ["audit", "verify", str(p), "--key-env", "MY_AUDIT_KEY", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["ok"] is True
    lines[2], lines[3] = lines[3], lines[2]
    write(p, lines)
    res = runner.invoke(app, ["audit", "verify", str(p), "--key-env", "MY_AUDIT_KEY"])
    assert res.exit_code == 1
    assert "line 3 (seq 4): reordered" in res.stderr and "Traceback" not in res.output
    res = runner.invoke(app, ["audit", "verify", str(p), "--key-env", "MY_AUDIT_KEY", "--json"])
    doc = json.loads(res.stdout)
    assert res.exit_code == 1 and doc["ok"] is False and doc["first_bad"]["line"] == 3


def test_cli_verify_bad_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTODIET_AUDIT_KEY", raising=False)
    p = tmp_path / "a.jsonl"
    make_trail(p)
    for args, needle in [
        (["audit", "verify", str(tmp_path / "missing.jsonl"), "--unsigned"], "no such trail file"),
        (["audit", "verify", str(tmp_path), "--unsigned"], "is a directory"),
        (["audit", "verify", str(p)], "CUSTODIET_AUDIT_KEY is not set"),
    ]:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert needle in res.stderr and len(res.stderr.strip().splitlines()) == 1
        assert "Traceback" not in res.output


def test_closing_seals_even_a_trail_with_no_records(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    AuditTrail(p, key=KEY).close()
    recs = [json.loads(x) for x in p.read_text().splitlines()]
    assert [r["event_type"] for r in recs] == ["trail_opened", "checkpoint"]
    assert recs[-1]["detail"]["final"] is True
    r = verify(p, KEY)
    assert r.ok and r.sealed and r.signed_checked, r
    # Reopening a sealed trail and closing it again adds nothing: the seal still stands.
    AuditTrail(p, key=KEY).close()
    assert len(p.read_text().splitlines()) == 2


def test_trail_cut_after_a_periodic_checkpoint_is_not_sealed(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p, n=12, every=5)
    cut = next(i for i, x in enumerate(lines) if json.loads(x)["event_type"] == "checkpoint")
    write(p, lines[: cut + 1])  # ends with a valid, signed, but periodic checkpoint
    r = verify(p, KEY)
    assert not r.ok and r.first_bad is not None and "cut short" in r.first_bad.problem
    assert verify(p, KEY, require_sealed=False).ok


@pytest.mark.parametrize("content,needle", [
    (bytes(range(256)) * 4, "not JSON"),
    (b"", "empty"),
    (b"\n\n", "empty"),
    (b'{"event_id":"e1","type":"transfer","occurred_at":"2024-05-01T00:00:00Z"}\n', "events log"),
    (b'[1, 2, 3]\n{"a": 1}\n', "no line is an audit record"),
])
def test_not_an_audit_trail_is_not_called_tampered(tmp_path: Path, content: bytes, needle: str) -> None:
    p = tmp_path / "x.jsonl"
    p.write_bytes(content)
    r = verify(p, KEY)
    assert not r.ok and r.first_bad is None and r.not_a_trail is not None and needle in r.not_a_trail
    res = runner.invoke(app, ["audit", "verify", str(p), "--unsigned"])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "not an audit trail" in lines[0] and str(p) in lines[0]
    assert "tampered" not in res.stderr


def test_a_damaged_trail_is_still_called_tampered(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    lines = make_trail(p)
    lines[0] = "garbage\n"  # the opening record destroyed, the rest still audit records
    write(p, lines)
    r = verify(p, KEY)
    assert r.not_a_trail is None and r.first_bad is not None and r.first_bad.line == 1
    res = runner.invoke(app, ["audit", "verify", str(p), "--unsigned"])
    assert res.exit_code == 1 and "tampered" in res.stderr


def test_nothing_signed_is_said_to_be_unsigned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTODIET_AUDIT_KEY", KEY.decode())
    p = tmp_path / "open.jsonl"
    t = AuditTrail(p, key=KEY)
    t.record("api", "query", "analyst:1", "ok")  # still open: no checkpoint yet
    res = runner.invoke(app, ["audit", "verify", str(p), "--allow-open"])
    t.close()
    assert res.exit_code == 0, res.output
    assert "unsigned" in res.stdout and "signatures checked" not in res.stdout
    assert verify(p, KEY).signed_checked  # closed now: the final checkpoint was checked
    u = tmp_path / "unsigned.jsonl"
    with AuditTrail(u, checkpoint_every=0) as t2:
        t2.record("api", "query", "analyst:1", "ok")
    res = runner.invoke(app, ["audit", "verify", str(u)])
    assert res.exit_code == 0 and "unsigned" in res.stdout and "signatures checked" not in res.stdout
    assert not verify(u, KEY).signed_checked


def _serve(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], str, Path]:
    """Start ``custodiet serve --audit`` on a small log; return the process, its URL and the trail."""
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(e) for e in [
        rec("r1", "c1", "resident:r-1", ts(1)),
        xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", ts(2))]) + "\n")
    trail = tmp_path / "audit.jsonl"
    cli = Path(sys.executable).with_name("custodiet")
    proc = subprocess.Popen([str(cli), "serve", str(log), "--port", "0", "--audit", str(trail), *extra],
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "CUSTODIET_AUDIT_KEY": KEY.decode()})
    assert proc.stderr is not None
    line = proc.stderr.readline()  # blocks until the server says where it listens
    m = re.search(r"serving (http://\S+/)", line)
    assert m, line
    return proc, m.group(1), trail


def _query(url: str) -> None:
    with urllib.request.urlopen(url + "api/stats", timeout=10) as r:
        assert r.status == 200


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_serve_stopped_by_a_signal_leaves_a_trail_that_verifies(tmp_path: Path, how: str) -> None:
    proc, url, trail = _serve(tmp_path)
    try:
        _query(url)
        _query(url)
        proc.send_signal(getattr(signal, how))
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    recs = [json.loads(x) for x in trail.read_text().splitlines()]
    assert [r["event_type"] for r in recs] == ["trail_opened", "query", "query", "checkpoint"]
    r = verify(trail, KEY)
    assert r.ok and r.sealed and r.signed_checked and r.records == 4, r


def test_serve_stopped_by_duration_leaves_a_trail_that_verifies(tmp_path: Path) -> None:
    proc, url, trail = _serve(tmp_path, "--duration", "3")
    try:
        _query(url)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    res = subprocess.run([str(Path(sys.executable).with_name("custodiet")), "audit", "verify", str(trail)],
                         capture_output=True, text=True, env={**os.environ, "CUSTODIET_AUDIT_KEY": KEY.decode()})
    assert res.returncode == 0, res.stderr
    assert "intact" in res.stdout and "1 checkpoint signature(s) checked" in res.stdout


def test_audit_package_imports_no_broker_library() -> None:
    code = ("import sys, audit, audit.trail, audit.verify; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('faust', 'aiokafka', 'kafka')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stdout + done.stderr
