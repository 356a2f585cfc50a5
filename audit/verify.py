"""Check an audit trail: the hash chain, the sequence numbers, the checkpoint signatures and the seal.

``verify`` names the FIRST bad record: its line number, its ``seq`` and what is wrong with it (changed,
deleted, inserted, reordered, cut short, a checkpoint that does not verify, a trail that stops before its
closing checkpoint). A file in which no line is an audit record (random bytes, an events log, an empty
file) is not called tampered: ``not_a_trail`` says what it is instead.

>>> import os, tempfile
>>> from audit.trail import AuditTrail
>>> path = os.path.join(tempfile.mkdtemp(), "audit.jsonl")
>>> with AuditTrail(path, checkpoint_every=3, key=b"secret") as t:
...     for i in range(5):
...         _ = t.record("judge", "transfer", f"agency:p{i}", "ok")
>>> verify(path, b"secret").ok
True
>>> lines = open(path).readlines()
>>> lines[2] = lines[2].replace("agency:p1", "agency:p9")
>>> _ = open(path, "w").writelines(lines)
>>> r = verify(path, b"secret")
>>> r.ok, r.first_bad.line, r.first_bad.seq, r.first_bad.problem[:7]
(False, 3, 3, 'changed')
>>> _ = open(path, "w").write('{"event_id":"e1","type":"transfer"}')
>>> verify(path, b"secret").not_a_trail
'it looks like an events log (line 1 has event_id and type), not audit records'
"""

from __future__ import annotations

import hmac
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from audit.records import FIELDS, GENESIS, checkpoint_interval, parse_record, record_hash, sign

__all__ = ["verify", "VerifyResult", "BadRecord"]


@dataclass(frozen=True)
class BadRecord:
    """Where the trail first goes wrong."""

    line: int
    seq: int | None
    problem: str


@dataclass
class VerifyResult:
    """What ``verify`` found. ``ok`` is True only when nothing is wrong."""

    path: str
    records: int = 0
    checkpoints: int = 0
    signed_checked: bool = False
    sealed: bool = False
    first_bad: BadRecord | None = None
    warnings: list[str] = field(default_factory=list)
    #: Why the file is not an audit trail at all (no line is an audit record); None for a trail.
    not_a_trail: str | None = None
    #: The trail's checkpoint interval from its opening record (0: an unsigned trail).
    checkpoint_every: int = 0

    @property
    def ok(self) -> bool:
        return self.first_bad is None and self.not_a_trail is None

    def document(self) -> dict[str, Any]:
        """JSON-ready form (``custodiet audit verify --json``)."""
        d = asdict(self)
        d["ok"] = self.ok
        return d

    def summary(self) -> str:
        """One line for people."""
        if self.not_a_trail is not None:
            return f"{self.path}: not an audit trail: {self.not_a_trail}"
        if self.first_bad is None:
            if self.checkpoints == 0:
                how = ("unsigned: the trail signs no checkpoints" if self.checkpoint_every == 0
                       else "unsigned: no checkpoint signed yet, so no signature was checked")
            elif self.signed_checked:
                how = f"{self.checkpoints} checkpoint signature(s) checked"
            else:
                how = f"{self.checkpoints} checkpoint(s), signatures NOT checked (no key)"
            return f"{self.path}: intact: {self.records} records ({how})"
        b = self.first_bad
        return f"{self.path}: line {b.line} (seq {b.seq}): {b.problem}"


def _not_a_trail(raw_lines: list[bytes], parsed: list[tuple[dict[str, Any] | None, str]]) -> str | None:
    """Why these lines are not an audit trail, or None when at least one line is an audit record."""
    if not any(x.strip() for x in raw_lines):
        return "the file is empty (an audit trail starts with its opening record)"
    if any(rec is not None for rec, _ in parsed):
        return None
    first = next(x for x in raw_lines if x.strip())
    try:
        obj = json.loads(first)
    except (ValueError, RecursionError):
        return "no line is a JSON audit record (the first is not JSON text)"
    if isinstance(obj, dict) and "event_id" in obj and "type" in obj:
        return f"it looks like an events log (line {raw_lines.index(first) + 1} has event_id and type), " \
               "not audit records"
    return f"no line is an audit record ({', '.join(FIELDS)})"


class _Chain:
    """The parsed lines of a trail, their hashes and which hashes are linked to (for naming what changed)."""

    def __init__(self, parsed: list[tuple[dict[str, Any] | None, str]]) -> None:
        self.parsed = parsed
        self.hashes = [record_hash(r) if r is not None else None for r, _ in parsed]
        self.referenced = {r["prev"] for r, _ in parsed if r is not None}

    def rec(self, i: int) -> dict[str, Any] | None:
        return self.parsed[i][0] if 0 <= i < len(self.parsed) else None

    def seq_at(self, i: int) -> int | None:
        r = self.rec(i)
        return r["seq"] if r is not None else None

    def link_problem(self, i: int) -> tuple[int, str] | None:
        """Where and how record ``i`` breaks the chain (sequence and hash links), or None."""
        rec = self.rec(i)
        assert rec is not None
        hashes, referenced = self.hashes, self.referenced
        expected_seq = 1 if i == 0 else self.seq_at(i - 1) + 1  # type: ignore[operator]
        expected_prev = GENESIS if i == 0 else hashes[i - 1]
        seq = rec["seq"]
        if i == 0 and (rec["event_type"] != "trail_opened" or seq != 1):
            if seq != 1:
                return 0, f"the trail starts at seq {seq}, not 1: its first record(s) were deleted"
            return 0, "the first record is not the opening record"
        nxt = self.rec(i + 1)
        # An inserted record: nothing links to it, and the chain goes on from the record before it.
        if i >= 2 and rec["prev"] == hashes[i - 2] and hashes[i - 1] not in referenced and (
                seq != expected_seq or rec["prev"] != expected_prev):
            return i - 1, f"inserted: not part of the chain (line {i + 1} links to line {i - 1})"
        if seq != expected_seq:
            return i, self._sequence_problem(i, seq, expected_seq, expected_prev, nxt)
        if rec["prev"] != expected_prev:
            # Does the chain continue from this record? Then the record before it was changed.
            links_on = nxt is not None and nxt["prev"] == hashes[i] and nxt["seq"] == seq + 1
            if i == 0:
                return 0, "changed: the first record's prev is not the genesis value"
            if links_on or nxt is None:
                return i - 1, f"changed: its hash does not match the prev recorded in line {i + 1}"
            return i, "changed: its prev does not match the record before it"
        return None

    def _sequence_problem(self, i: int, seq: int, expected_seq: int, expected_prev: str | None,
                          nxt: dict[str, Any] | None) -> str:
        """What a record whose ``seq`` is not the next one is: inserted, reordered, changed or after a gap."""
        if nxt is not None and nxt["prev"] == expected_prev and self.hashes[i] not in self.referenced:
            return f"inserted: not part of the chain (line {i + 2} links to line {i})"
        later = [j for j in range(i + 1, len(self.parsed)) if self.seq_at(j) == expected_seq]
        if later:
            return f"reordered: seq {seq} comes before seq {expected_seq} (line {later[0] + 1})"
        if nxt is not None and nxt["seq"] == expected_seq + 1:
            return f"changed: seq {seq} where {expected_seq} belongs"
        if seq > expected_seq:
            gap = f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq}..{seq - 1}"
            return f"deleted: {gap} missing before this line"
        return f"inserted or moved: seq {seq} after seq {expected_seq - 1}"


def _checkpoint_problem(rec: dict[str, Any], key: bytes | None, line: int, last_checkpoint_line: int) -> str | None:
    """What is wrong with a checkpoint record at ``line`` (its signature, what it describes), or None."""
    if "hmac" not in rec:
        return "checkpoint without a signature"
    if key is not None and not hmac.compare_digest(str(rec["hmac"]).encode("utf-8"), sign(rec, key).encode("ascii")):
        return (f"checkpoint signature does not verify (wrong key or forged): lines {last_checkpoint_line + 1}-"
                f"{line} are not vouched for")
    detail = rec["detail"] if isinstance(rec["detail"], dict) else {}
    if detail.get("head") != rec["prev"] or detail.get("covers_seq") != rec["seq"] - 1:
        return "checkpoint does not describe the chain head it follows"
    return None


def _read(p: Path) -> tuple[list[bytes], list[tuple[dict[str, Any] | None, str]]]:
    raw_lines = p.read_bytes().split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    return raw_lines, [parse_record(x) for x in raw_lines]


def _finish(res: VerifyResult, last: dict[str, Any], n_lines: int, key: bytes | None, last_checkpoint_line: int,
            require_sealed: bool) -> VerifyResult:
    """Whether the trail is sealed (ends with its closing checkpoint), and the warnings."""
    every = res.checkpoint_every
    last_detail = last["detail"] if isinstance(last["detail"], dict) else {}
    res.sealed = (last["event_type"] == "checkpoint" and last["component"] == "audit"
                  and last_detail.get("final") is True)
    res.signed_checked = key is not None and res.checkpoints > 0
    if every == 0:
        res.warnings.append("unsigned trail (checkpoint_every=0): a rewrite of the whole file cannot be detected")
    elif key is None and res.checkpoints:
        res.warnings.append("no key given: checkpoint signatures were not checked")
    if every and not res.sealed:
        msg = (f"the trail ends at seq {last['seq']} without its closing checkpoint: records after line "
               f"{last_checkpoint_line or 1} may have been cut off")
        if require_sealed:
            res.first_bad = BadRecord(line=n_lines + 1, seq=last["seq"] + 1, problem=f"cut short? {msg}")
        else:
            res.warnings.append(msg)
    return res


def verify(path: str | Path, key: bytes | None, *, require_sealed: bool = True) -> VerifyResult:
    """Check the trail at ``path``; ``key`` checks the checkpoint signatures (None: chain only, with a warning).

    ``require_sealed``: a trail that does not end with a checkpoint counts as cut short (records after the
    last checkpoint could have been removed without trace). Pass False for a trail still being written.
    ``signed_checked`` is True only when a key was given and at least one checkpoint signature was checked.
    Raises ``OSError`` if the file cannot be read.
    """
    p = Path(path)
    raw_lines, parsed = _read(p)
    res = VerifyResult(path=str(p))
    res.not_a_trail = _not_a_trail(raw_lines, parsed)
    if res.not_a_trail is not None:
        return res
    chain = _Chain(parsed)

    def bad(i: int, problem: str) -> VerifyResult:
        res.first_bad = BadRecord(line=i + 1, seq=chain.seq_at(i), problem=problem)
        return res

    since = 0
    last_checkpoint_line = 0
    for i, (rec, why) in enumerate(parsed):
        if rec is None:
            return bad(i, why)
        broken = chain.link_problem(i)
        if broken is not None:
            return bad(*broken)
        if i == 0:
            res.checkpoint_every = checkpoint_interval(rec["detail"])
        elif rec["event_type"] == "checkpoint" and rec["component"] == "audit":
            problem = _checkpoint_problem(rec, key, i + 1, last_checkpoint_line)
            if problem is not None:
                return bad(i, problem)
            res.checkpoints += 1
            since = 0
            last_checkpoint_line = i + 1
        else:
            if "hmac" in rec:
                return bad(i, "a signature on a record that is not a checkpoint")
            since += 1
            every = res.checkpoint_every
            if every and since > every:
                return bad(i, f"missing checkpoint: more than {every} records since line {last_checkpoint_line or 1}")
        res.records += 1
    last = parsed[-1][0]
    assert last is not None
    return _finish(res, last, len(parsed), key, last_checkpoint_line, require_sealed)
