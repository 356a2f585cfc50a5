"""What an audit record is: its fields, the bytes that are hashed and signed, and its shape.

Shared by the writer (``audit.trail``) and the checker (``audit.verify``), so both read a record the
same way.

>>> rec, why = parse_record(b'{"seq":1,"time":"t","component":"audit","event_type":"trail_opened",'
...                         b'"actor":"custodiet","outcome":"ok","detail":{"checkpoint_every":5},"prev":"' +
...                         GENESIS.encode() + b'"}')
>>> checkpoint_interval(rec["detail"]), why
(5, '')
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

__all__ = ["GENESIS", "FIELDS", "canonical_bytes", "record_hash", "sign", "parse_record", "checkpoint_interval"]

#: ``prev`` of the first record.
GENESIS = "0" * 64
#: Fields every record has (a checkpoint also has ``hmac``).
FIELDS = ("seq", "time", "component", "event_type", "actor", "outcome", "detail", "prev")


def canonical_bytes(record: dict[str, Any]) -> bytes:
    """The bytes that are hashed and signed: sorted keys, compact separators, UTF-8.

    >>> canonical_bytes({"b": 1, "a": "é"})
    b'{"a":"\\xc3\\xa9","b":1}'
    """
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_hash(record: dict[str, Any]) -> str:
    """sha256 (hex) of a record's canonical bytes: the ``prev`` of the record after it.

    >>> record_hash({"seq": 1})[:16]
    'b41e95c43f388d56'
    """
    return hashlib.sha256(canonical_bytes(record)).hexdigest()


def sign(record: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 (hex) of a checkpoint's canonical bytes without its ``hmac`` field.

    >>> sign({"seq": 3, "prev": "ab", "hmac": "ignored"}, b"k") == sign({"seq": 3, "prev": "ab"}, b"k")
    True
    """
    body = {k: v for k, v in record.items() if k != "hmac"}
    return hmac.new(key, canonical_bytes(body), hashlib.sha256).hexdigest()


def parse_record(line: bytes) -> tuple[dict[str, Any] | None, str]:
    """One line of a trail as a record, or ``(None, what is wrong with it)``: the shape every record has
    (the fields, an integer ``seq``, a string ``prev``, a ``detail`` object).

    >>> parse_record(b'{"seq": "1"}')[1]
    'missing field(s) time, component, event_type, actor, outcome, detail, prev'
    >>> parse_record(b"\\xff")[1][:16]
    'not a JSON recor'
    """
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError) as e:
        return None, f"not a JSON record ({e}): cut short or damaged"
    if not isinstance(rec, dict):
        return None, "not a JSON object"
    missing = [f for f in FIELDS if f not in rec]
    if missing:
        return None, f"missing field(s) {', '.join(missing)}"
    if not isinstance(rec["seq"], int) or isinstance(rec["seq"], bool):
        return None, "seq is not an integer"
    if not isinstance(rec["prev"], str):
        return None, "prev is not a string"
    if not isinstance(rec["detail"], dict):
        return None, "detail is not an object"
    return rec, ""


def checkpoint_interval(detail: dict[str, Any]) -> int:
    """The checkpoint interval an opening record's detail states (0 when it states none or nonsense).

    >>> checkpoint_interval({"checkpoint_every": 100}), checkpoint_interval({"checkpoint_every": "x"})
    (100, 0)
    """
    value = detail.get("checkpoint_every", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
