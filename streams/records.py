"""The JSON records the agents write to the output topics (shared by the agents and the collectors).

>>> accounting("duplicate", pos="t:0:5", event_id="e1")
b'{"kind":"duplicate","pos":"t:0:5","event_id":"e1"}'
"""

from __future__ import annotations

import json
from typing import Any

from schemas.records import DeadLetter, Verdict

__all__ = ["chunks", "accounting", "forwarded", "verdict_record", "progress_record", "dead_letter_value", "position",
           "batch_record"]


def _dumps(doc: Any) -> bytes:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()


def position(topic: str, partition: int, offset: int) -> str:
    """Where an input message was read: ``topic:partition:offset`` (one input, one bucket)."""
    return f"{topic}:{partition}:{offset}"


def accounting(kind: str, **fields: Any) -> bytes:
    """An intake accounting record: ``dead``, ``duplicate`` or ``forwarded``."""
    return _dumps({"kind": kind, **fields})


def forwarded(pos: str, event_id: str, broadcast: bool) -> bytes:
    """The accounting record of an accepted event (one per input: written without building a dict).

    >>> forwarded("t:0:5", 'e"1', True) == accounting("forwarded", pos="t:0:5", event_id='e"1', broadcast=True)
    True
    """
    return (b'{"kind":"forwarded","pos":' + _dumps(pos) + b',"event_id":' + _dumps(event_id)
            + (b',"broadcast":true}' if broadcast else b',"broadcast":false}'))


def verdict_record(verdict: Verdict) -> bytes:
    """A judge's (possibly revised) verdict on one event."""
    return b'{"kind":"verdict","verdict":' + verdict.model_dump_json().encode() + b"}"


def progress_record(partition: int, events: int, broadcast: int) -> bytes:
    """After each batch: how many events a judge partition holds (and how many were broadcast)."""
    return _dumps({"kind": "progress", "partition": partition, "events": events, "broadcast": broadcast})


def dead_letter_value(dead: DeadLetter) -> bytes:
    """The value written to ``dead-letters``."""
    return dead.model_dump_json().encode()


def batch_record(records: list[bytes]) -> bytes:
    """Many accounting, verdict and progress records in one message (applied in order by the collector).

    >>> batch_record([accounting("dead", pos="p")])
    b'{"kind":"batch","records":[{"kind":"dead","pos":"p"}]}'
    """
    return b'{"kind":"batch","records":[' + b",".join(records) + b"]}"


def chunks(values: list[bytes], limit: int) -> list[list[bytes]]:
    """Split encoded records into runs of at most ``limit`` bytes (a longer single record stands alone).

    >>> [len(c) for c in chunks([b"aaaa", b"b", b"cccc", b"d"], 8)]
    [2, 2]
    """
    out: list[list[bytes]] = [[]]
    size = 0
    for v in values:
        if out[-1] and size + len(v) + 1 > limit:
            out.append([])
            size = 0
        out[-1].append(v)
        size += len(v) + 1
    return out
