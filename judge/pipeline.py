"""The in-process runner: read a log, decode, de-duplicate, judge, and account for every input.

Every input line ends in exactly one bucket: ``events_in = processed + duplicates + dead_letters``.

>>> lines = [b'{"event_id":"a","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...          b'"clip_id":"c","owner":"resident:r","platform":"ring"}', b'{oops', b'']
>>> res = run_check(enumerate(lines + lines[:1], start=1), ["core"])
>>> d = res.document()
>>> d["events_in"], d["processed"], d["duplicates"], d["dead_letters"]
(4, 1, 1, 2)
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from judge.decode import DEFAULT_MAX_EVENT_BYTES, decode
from judge.engine import default_judge, event_order
from schemas.events import Event
from schemas.parties import PartyRegistry
from schemas.records import CustodyEdge, DeadLetter, Verdict

__all__ = ["CheckResult", "run_check", "read_lines", "LogError", "load_events", "summarise"]


class LogError(Exception):
    """A log that cannot be read at all (missing, a directory, unreadable)."""


def _iter_stream(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes]]:
    n = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        n += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            # Over the per-event limit: skip the rest of the line without holding it in memory.
            size = len(raw)
            while True:
                chunk = stream.readline(1 << 20)
                size += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield n, raw[:max_bytes + 1] + b"..." + str(size).encode()
            continue
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark is not part of the event
            raw = raw[3:]
        yield n, raw.rstrip(b"\r\n")


def read_lines(path: str | Path, max_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw bytes)`` of a ``.jsonl`` file, or of stdin for ``-``.

    >>> list(read_lines("/nonexistent.jsonl"))
    Traceback (most recent call last):
    ...
    judge.pipeline.LogError: /nonexistent.jsonl: no such file
    """
    if str(path) == "-":
        yield from _iter_stream(sys.stdin.buffer, max_bytes)
        return
    p = Path(path)
    try:
        if p.is_dir():
            raise LogError(f"{p}: is a directory, expected a .jsonl file")
        if not p.exists():
            raise LogError(f"{p}: no such file")
    except OSError as err:  # e.g. a folder on the way that cannot be searched (is_dir raises PermissionError)
        raise LogError(f"{p}: cannot read ({err.strerror})") from err
    try:
        stream = p.open("rb")
    except OSError as err:
        raise LogError(f"{p}: cannot read ({err.strerror})") from err
    with stream:
        yield from _iter_stream(stream, max_bytes)


@dataclass
class CheckResult:
    """What a run produced, and the counts that must add up."""

    events_in: int = 0
    duplicates: int = 0
    dead: list[DeadLetter] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    rule_sets: list[str] = field(default_factory=list)
    #: Agencies a state rule looked at whose state is unknown (so the rule could not decide for them).
    state_unknown: list[str] = field(default_factory=list)

    @property
    def edges(self) -> list[CustodyEdge]:
        """Custody edges the gates let through, in event-time order."""
        return [v.edge for v in self.verdicts if v.edge is not None and v.edge.kind != "origin"]

    def document(self) -> dict[str, Any]:
        """The ``custodiet check --json`` document (identical in-process and on Kafka)."""
        return summarise(self.events_in, self.duplicates, self.dead, self.verdicts, self.rule_sets)


def summarise(
    events_in: int, duplicates: int, dead: list[DeadLetter], verdicts: list[Verdict], rule_sets: list[str]
) -> dict[str, Any]:
    """Build the check document from its parts; every list is in a canonical order."""
    verdicts = sorted(verdicts, key=lambda v: (v.occurred_at, v.event_id))
    violations: Counter[str] = Counter()
    records = []
    for v in verdicts:
        for vi in v.violations:
            violations[vi.rule_id] += 1
            records.append(vi.model_dump(mode="json"))
    outcomes = Counter(v.outcome for v in verdicts)
    by_type = Counter(v.event_type for v in verdicts)
    dead_sorted = sorted(dead, key=lambda d: (d.line if d.line is not None else -1, d.reason))
    return {
        "events_in": events_in,
        "processed": len(verdicts),
        "duplicates": duplicates,
        "dead_letters": len(dead),
        "violations": dict(sorted(violations.items())),
        "outcomes": {k: outcomes.get(k, 0) for k in ("ok", "flagged", "gated")},
        "custody_edges": sum(1 for v in verdicts if v.edge is not None and v.edge.kind != "origin"),
        "by_type": dict(sorted(by_type.items())),
        "rule_sets": rule_sets,
        "dead_letter_list": [{"line": d.line, "reason": d.reason, "field": d.field} for d in dead_sorted],
        "violation_list": records,
    }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a run builds its (acyclic) events and verdicts.

    Nothing here makes reference cycles, but every model allocated counts towards the collector's
    thresholds, and its full passes re-scan everything the run has kept so far: about half of the time of
    a large run went there. Reference counting still frees everything as usual; the collector is turned
    back on (if it was on) when the run ends.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load_events(
    lines: Iterable[tuple[int, bytes]], *, source: str | None = None, max_bytes: int = DEFAULT_MAX_EVENT_BYTES
) -> tuple[list[Event], int, int, list[DeadLetter]]:
    """Decode and de-duplicate: ``(unique events, events_in, duplicates, dead letters)``.

    The first delivery of an ``event_id`` wins; later ones are counted as duplicates.
    """
    seen: set[str] = set()
    events: list[Event] = []
    dead: list[DeadLetter] = []
    n_in = dups = 0
    with _collector_paused():
        for line_no, raw in lines:
            n_in += 1
            ev = decode(raw, line=line_no, source=source, max_bytes=max_bytes)
            if isinstance(ev, DeadLetter):
                dead.append(ev)
            elif ev.event_id in seen:
                dups += 1
            else:
                seen.add(ev.event_id)
                events.append(ev)
    return events, n_in, dups, dead


def run_check(
    lines: Iterable[tuple[int, bytes]],
    rule_sets: list[str] | None = None,
    registry: PartyRegistry | None = None,
    *,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
) -> CheckResult:
    """Validate, de-duplicate and judge a log in-process."""
    with _collector_paused():
        events, n_in, dups, dead = load_events(lines, source=source, max_bytes=max_bytes)
        judge = default_judge(rule_sets, registry)
        events.sort(key=event_order)
        verdicts = [judge.judge(ev) for ev in events]
    return CheckResult(events_in=n_in, duplicates=dups, dead=dead, events=events, verdicts=verdicts,
                       rule_sets=[rs.id for rs in judge.rule_sets],
                       state_unknown=[_named(judge.registry, p) for p in sorted(judge.ctx.state_unknown)])


def _named(registry: PartyRegistry, party_id: str) -> str:
    name = registry.get(party_id).name
    return f"{name} ({party_id})" if name else party_id
