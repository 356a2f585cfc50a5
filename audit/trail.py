"""Append audit records as JSON lines, hash-chained, with periodic HMAC-signed checkpoints.

Each record is ``{seq, time, component, event_type, actor, outcome, detail, prev}`` where ``prev`` is the
sha256 (hex) of the previous record's canonical bytes (sorted keys, compact, UTF-8); the first record's
``prev`` is 64 zeros. The first record of a trail (``event_type="trail_opened"``) states the checkpoint
interval N. After every N records, and when the trail is closed, a checkpoint record
(``component="audit"``, ``event_type="checkpoint"``) is written whose ``hmac`` field is HMAC-SHA256, keyed
from the environment (``CUSTODIET_AUDIT_KEY``), over its own canonical bytes without ``hmac``: those include
``prev``, the head of the chain, so each checkpoint vouches for every record before it. Closing the trail
writes a final checkpoint (``detail.final`` true), which is what tells a trail stopped normally from one
cut off after a periodic checkpoint.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "audit.jsonl")
>>> with AuditTrail(path, checkpoint_every=1, key=b"k") as trail:
...     _ = trail.record("judge", "transfer", "agency:a-pd", "flagged", {"event_id": "t1"})
...     _ = trail.record("api", "query", "analyst:1", "ok")
>>> [r["event_type"] + ("(final)" if r["detail"].get("final") else "") for r in map(json.loads, open(path))]
['trail_opened', 'transfer', 'checkpoint', 'query', 'checkpoint', 'checkpoint(final)']
"""

from __future__ import annotations

import hashlib
import json  # noqa: F401 - used by the examples (doctests)
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.records import FIELDS, GENESIS, canonical_bytes, checkpoint_interval, parse_record, record_hash, sign
from schemas.events import MODEL_OF

__all__ = [
    "AuditTrail",
    "AuditError",
    "audit_verdicts",
    "canonical_bytes",
    "record_hash",
    "sign",
    "GENESIS",
    "KEY_ENV",
    "DEFAULT_CHECKPOINT_EVERY",
    "FIELDS",
    "parse_record",
    "checkpoint_interval",
]

#: Environment variable holding the checkpoint key.
KEY_ENV = "CUSTODIET_AUDIT_KEY"
DEFAULT_CHECKPOINT_EVERY = 100


class AuditError(Exception):
    """The trail cannot be written as asked (no key when signing is required, a damaged tail)."""


def key_from_env(name: str = KEY_ENV) -> bytes | None:
    """The key in environment variable ``name`` (UTF-8 bytes), or None when unset or empty.

    >>> key_from_env("CUSTODIET_NO_SUCH_VARIABLE") is None
    True
    """
    value = os.environ.get(name)
    return value.encode("utf-8") if value else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class AuditTrail:
    """An append-only audit file. Thread-safe; one writer per file.

    ``checkpoint_every``: sign a checkpoint after every N records (0: never sign; the trail is then only
    hash-chained, and a rewrite of the whole file cannot be detected). ``key``: the HMAC key; by default
    read from ``key_env``; missing while signing is required raises :class:`AuditError`. Reopening an
    existing trail continues its chain (and keeps the interval the trail was opened with).

    >>> import tempfile
    >>> os.environ.pop(KEY_ENV, None) and None
    >>> AuditTrail(os.path.join(tempfile.mkdtemp(), "a.jsonl"))
    Traceback (most recent call last):
    ...
    audit.trail.AuditError: CUSTODIET_AUDIT_KEY is not set: the audit trail signs a checkpoint every 100 records \
with it (set it, or pass checkpoint_every=0 for an unsigned trail)
    """

    def __init__(
        self,
        path: str | Path,
        *,
        checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
        key: bytes | None = None,
        key_env: str = KEY_ENV,
        clock: Callable[[], str] = _now,
        fsync: bool = False,
    ) -> None:
        if checkpoint_every < 0:
            raise AuditError(f"checkpoint_every must be >= 0, not {checkpoint_every}")
        self.path = Path(path)
        self.clock = clock
        self.fsync = fsync
        self._lock = threading.Lock()
        self.seq = 0
        self.prev = GENESIS
        self.every = checkpoint_every
        self._since_checkpoint = 0
        self._sealed = False
        existing = self._resume()
        if self.every and key is None:
            key = key_from_env(key_env)
            if key is None:
                raise AuditError(f"{key_env} is not set: the audit trail signs a checkpoint every {self.every} "
                                 f"records with it (set it, or pass checkpoint_every=0 for an unsigned trail)")
        self.key = key
        self._file = self.path.open("ab")
        if not existing:
            self._write("audit", "trail_opened", "custodiet", "ok",
                        {"checkpoint_every": self.every, "version": 1}, count=False)

    # -- internals -----------------------------------------------------------------------------------
    def _resume(self) -> bool:
        """Continue the chain of an existing, non-empty trail; return whether there was one."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return False
        first: dict[str, Any] | None = None
        last_line = b""
        with self.path.open("rb") as f:
            for line in f:
                if first is None:
                    first = self._parse(line)
                if line.strip():
                    last_line = line
        if not last_line.endswith(b"\n"):
            raise AuditError(f"{self.path}: the last record is cut short; verify the trail before appending")
        last = self._parse(last_line)
        assert first is not None
        self.every = checkpoint_interval(first["detail"]) if first.get("event_type") == "trail_opened" else 0
        if not self.every and first["detail"].get("checkpoint_every") not in (0, None):
            raise AuditError(f"{self.path}: the opening record's checkpoint interval is damaged; verify the trail "
                             "before appending")
        self.seq = last["seq"]
        self.prev = record_hash(last)
        self._sealed = last["event_type"] == "checkpoint" and last["detail"].get("final") is True
        # Records since the last checkpoint are not known without a scan: count them from the end.
        self._since_checkpoint = 0
        if last.get("event_type") != "checkpoint":
            with self.path.open("rb") as f:
                for line in f:
                    rec = self._parse(line)
                    self._since_checkpoint = 0 if rec.get("event_type") == "checkpoint" else \
                        self._since_checkpoint + (rec.get("event_type") != "trail_opened")
        return True

    def _parse(self, line: bytes) -> dict[str, Any]:
        rec, why = parse_record(line)
        if rec is None:
            raise AuditError(f"{self.path}: damaged record ({why}); verify the trail before appending")
        return rec

    def _write(self, component: str, event_type: str, actor: str, outcome: str, detail: dict[str, Any] | None,
               *, count: bool = True, signed: bool = False) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "seq": self.seq + 1, "time": self.clock(), "component": component, "event_type": event_type,
            "actor": actor, "outcome": outcome, "detail": detail or {}, "prev": self.prev,
        }
        if signed:
            assert self.key is not None
            rec["hmac"] = sign(rec, self.key)
        data = canonical_bytes(rec) + b"\n"
        self._file.write(data)
        self._file.flush()
        if self.fsync:
            os.fsync(self._file.fileno())
        self.seq += 1
        self.prev = hashlib.sha256(data[:-1]).hexdigest()
        self._sealed = False
        if count:
            self._since_checkpoint += 1
        return rec

    def _checkpoint(self, final: bool = False) -> dict[str, Any]:
        rec = self._write("audit", "checkpoint", "custodiet", "ok",
                          {"head": self.prev, "covers_seq": self.seq, "every": self.every, "final": final},
                          count=False, signed=True)
        self._since_checkpoint = 0
        self._sealed = final
        return rec

    # -- public --------------------------------------------------------------------------------------
    def record(self, component: str, event_type: str, actor: str, outcome: str,
               detail: dict[str, Any] | None = None) -> dict[str, Any]:
        """Append one record (and a signed checkpoint when N records have passed since the last); return it."""
        with self._lock:
            if self._file.closed:
                raise AuditError(f"{self.path}: the trail is closed")
            rec = self._write(component, event_type, actor, outcome, detail)
            if self.every and self._since_checkpoint >= self.every:
                self._checkpoint()
            return rec

    def checkpoint(self) -> dict[str, Any] | None:
        """Sign a checkpoint now (None for an unsigned trail)."""
        with self._lock:
            if self._file.closed:
                raise AuditError(f"{self.path}: the trail is closed")
            return self._checkpoint() if self.every else None

    def close(self) -> None:
        """Seal the trail with a final checkpoint (unless it is sealed already) and close it; idempotent.

        An unsigned trail (``checkpoint_every=0``) has nothing to sign and is simply closed.
        """
        with self._lock:
            if self._file.closed:
                return
            if self.every and not self._sealed:
                self._checkpoint(final=True)
            self._file.close()

    def __enter__(self) -> AuditTrail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def audit_verdict(trail: AuditTrail, ev: Any, v: Any) -> None:
    """Append one record for one verdict (component ``judge``, event type, acting party, outcome
    ok/flagged/gated, rules broken); ``ev`` is the event judged. For ``run_check(..., on_verdict=...)``."""
    model = MODEL_OF.get(v.event_type)
    actor = (getattr(ev, model.ACTOR, None) if model is not None else None) or "unknown"
    detail: dict[str, Any] = {"event_id": v.event_id, "occurred_at": v.occurred_at.isoformat(),
                              "rules": [x.rule_id for x in v.violations]}
    for name in ("clip_id", "to_party", "request_id"):
        value = getattr(ev, name, None)
        if value is not None:
            detail[name] = value
    if v.edge is not None and v.edge.kind != "origin":
        detail["custody_edge"] = True
    trail.record("judge", v.event_type, actor, v.outcome, detail)


def audit_summary(trail: AuditTrail, doc: dict[str, Any]) -> None:
    """Append the ``check`` summary record of a run's document."""
    trail.record("judge", "check", "custodiet", "ok", {
        k: doc[k] for k in ("events_in", "processed", "duplicates", "dead_letters", "rule_sets")})


def audit_verdicts(trail: AuditTrail, check_result: Any) -> int:
    """Append one record per verdict of a ``judge.pipeline.CheckResult`` run with ``keep=True``, then one
    ``check`` summary; return the number of records written.

    >>> import tempfile
    >>> from judge.pipeline import run_check
    >>> res = run_check([(1, b'{"event_id":"t","type":"transfer","occurred_at":"2024-01-01T00:00:00Z",'
    ...   b'"clip_id":"c","from_party":"agency:a-pd","to_party":"agency:ice-ero","basis":"agreement",'
    ...   b'"purpose":"x"}')], ["core"], keep=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "audit.jsonl")
    >>> with AuditTrail(path, checkpoint_every=0) as trail:
    ...     audit_verdicts(trail, res)
    2
    >>> rec = json.loads(open(path).readlines()[1])
    >>> rec["component"], rec["event_type"], rec["actor"], rec["outcome"], rec["detail"]["rules"]
    ('judge', 'transfer', 'agency:a-pd', 'flagged', ['core.custody-continuity'])
    """
    by_id = {ev.event_id: ev for ev in check_result.events}
    n = 0
    for v in sorted(check_result.verdicts, key=lambda v: (v.occurred_at, v.event_id)):
        audit_verdict(trail, by_id.get(v.event_id), v)
        n += 1
    audit_summary(trail, check_result.document())
    return n + 1
