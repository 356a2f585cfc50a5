"""Turn raw bytes into a validated event, or into a dead letter that says what was wrong and where.

>>> ok = decode(b'{"event_id":"e1","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...             b'"clip_id":"c","owner":"resident:r","platform":"ring"}')
>>> ok.clip_id
'c'
>>> bad = decode(b'{"event_id":"e2","type":"teleport"}', line=7, source="log.jsonl")
>>> bad.reason, bad.line
("unknown type 'teleport'", 7)
"""

from __future__ import annotations

from pydantic import ValidationError

from classify.assists import with_inferred_assist
from judge.logread import DEFAULT_MAX_EVENT_BYTES
from schemas.events import EVENT_ADAPTER, Event
from schemas.records import DeadLetter

__all__ = ["decode", "DEFAULT_MAX_EVENT_BYTES", "describe_error"]

_RAW_KEEP = 4096  # how much of a bad value a dead letter keeps


def _raw_text(raw: bytes) -> str:
    return raw[:_RAW_KEEP].decode("utf-8", errors="backslashreplace")


def describe_error(err: ValidationError) -> tuple[str, str | None]:
    """One line naming the problem and the field, from a pydantic error.

    >>> try:
    ...     EVENT_ADAPTER.validate_json('{"event_id":"e","type":"transfer","occurred_at":"x"}')
    ... except ValidationError as e:
    ...     describe_error(e)[1]
    'occurred_at'
    """
    first = err.errors()[0]
    kind = first["type"]
    if kind == "json_invalid":
        return f"not JSON: {first['msg']}", None
    if kind == "union_tag_invalid":
        tag = (first.get("ctx") or {}).get("tag", "?")
        return f"unknown type {tag!r}", "type"
    if kind == "union_tag_not_found":
        return "missing field 'type'", "type"
    if kind == "model_attributes_type" or kind == "model_type":
        return "not a JSON object", None
    loc = [str(p) for p in first["loc"]]
    # The first element of loc is the union tag (the event type); the rest is the field path.
    field = ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc)
    more = f" (+{err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"schema violation: field '{field}': {first['msg']}{more}", field


def decode(
    raw: bytes,
    *,
    line: int | None = None,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
) -> Event | DeadLetter:
    """Validate ``raw`` (one JSON event) or explain why not; never raises on bad input.

    ``raw`` may be the first bytes of a longer line (``judge.logread.TooLong``): its ``size`` is reported.

    >>> from judge.logread import TooLong
    >>> decode(TooLong(b'{"a":', 5000), max_bytes=100).reason
    'event too large: 5000 bytes > limit 100'
    """
    size = getattr(raw, "size", len(raw))
    if size > max_bytes:
        return DeadLetter(reason=f"event too large: {size} bytes > limit {max_bytes}",
                          raw=_raw_text(raw), line=line, source=source)
    if not raw.strip():
        return DeadLetter(reason="empty line", raw=_raw_text(raw), line=line, source=source)
    try:
        return with_inferred_assist(EVENT_ADAPTER.validate_json(raw))  # a search's federal party from its text
    except ValidationError as err:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as uerr:
            return DeadLetter(reason=f"not UTF-8 (byte {uerr.start})", raw=_raw_text(raw), line=line, source=source)
        reason, field = describe_error(err)
        return DeadLetter(reason=reason, raw=_raw_text(raw), line=line, source=source, field=field)
    except OverflowError as err:  # a time such as 0001-01-01T00:00:00+05:00 that has no UTC equivalent
        return DeadLetter(reason=f"schema violation: value out of range ({err})", raw=_raw_text(raw), line=line,
                          source=source)
    except (ValueError, RecursionError) as err:  # defensive: pathological nesting
        return DeadLetter(reason=f"not JSON: {err}", raw=_raw_text(raw), line=line, source=source)
