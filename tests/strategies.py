"""Hypothesis strategies for events v1: valid events of every type, near-valid events with exactly one
thing wrong, and raw bytes that no decoder should choke on.

``mixed_lines`` yields ``(raw bytes, expected)`` where expected is ``"valid"``, ``"invalid"`` or ``"any"``,
so a test can check that every valid line is processed (or a duplicate) and every invalid one is a dead
letter.

>>> from hypothesis import find
>>> import json
>>> json.loads(find(valid_events("transfer"), lambda e: True))["type"]
'transfer'
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "EVENT_KINDS",
    "party_ids",
    "rfc3339",
    "valid_event_dicts",
    "valid_events",
    "near_valid_events",
    "raw_garbage",
    "mixed_lines",
]

EVENT_KINDS = (
    "clip_recorded", "footage_request", "consent_decision", "transfer", "search", "legal_process", "access_grant",
)
BASES = ("consent", "warrant", "subpoena", "emergency", "agreement", "lookup", "public_post", "internal")

# Small pools so that generated logs share ids: repeated clips, parties and (sometimes) event ids.
_slug = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_prefix = st.sampled_from(["resident", "platform", "agency", "federal", "local", "sheriff", "owner"])
party_ids = st.one_of(
    st.sampled_from(["resident:r-1", "platform:ring", "platform:flock", "agency:oakland-ca-pd", "agency:ice-hsi",
                     "agency:fbi", "agency:eugene-or-pd", "public"]),
    st.builds(lambda p, s: f"{p}:{s}", _prefix, _slug),
)
_ids = st.one_of(st.sampled_from(["c1", "c2", "c3", "r1", "r2"]), _slug,
                 st.text(st.characters(codec="utf-8"), min_size=1, max_size=20))
_text = st.text(st.characters(codec="utf-8"), max_size=40)
_nonempty = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)
_tz = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-7, minutes=-30))])
_times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1), timezones=_tz)


def rfc3339(dt: datetime) -> str:
    """An aware datetime as RFC 3339 (``Z`` for UTC).

    >>> rfc3339(datetime(2024, 5, 1, 10, tzinfo=UTC))
    '2024-05-01T10:00:00Z'
    """
    return dt.isoformat().replace("+00:00", "Z")


@st.composite
def valid_event_dicts(draw: st.DrawFn, kind: str | None = None) -> dict[str, Any]:
    """A valid event of ``kind`` (any kind if None) as a dict, with some optional fields and extras."""
    kind = kind or draw(st.sampled_from(EVENT_KINDS))
    ev: dict[str, Any] = {"event_id": draw(_ids), "type": kind, "occurred_at": rfc3339(draw(_times))}
    if draw(st.booleans()):
        ev["schema_version"] = 1
    if draw(st.booleans()):
        ev["source"] = draw(_text)
    if kind == "clip_recorded":
        ev.update(clip_id=draw(_ids), owner=draw(party_ids), platform=draw(_nonempty))
        if draw(st.booleans()):
            ev["location"] = {"lat": draw(st.floats(-90, 90)), "lon": draw(st.floats(-180, 180))}
        if draw(st.booleans()):
            ev["retention_days"] = draw(st.floats(0, 1e6))
    elif kind == "footage_request":
        start = draw(_times)
        ev.update(request_id=draw(_ids), requester=draw(party_ids), platform=draw(_nonempty),
                  area={"lat": draw(st.floats(-90, 90)), "lon": draw(st.floats(-180, 180)),
                        "radius_m": draw(st.floats(0.5, 1e6))},
                  window={"start": rfc3339(start), "end": rfc3339(start + timedelta(hours=draw(st.integers(0, 2000))))},
                  investigation_code=draw(st.none() | _text), purpose=draw(_text))
        if draw(st.booleans()):
            ev["on_behalf_of"] = draw(party_ids)
    elif kind == "consent_decision":
        ev.update(request_id=draw(_ids), owner=draw(party_ids),
                  decision=draw(st.sampled_from(["share", "decline", "ignore"])),
                  clip_ids=draw(st.lists(_ids, max_size=4)))
    elif kind == "transfer":
        ev.update(clip_id=draw(_ids), from_party=draw(party_ids), to_party=draw(party_ids),
                  basis=draw(st.sampled_from(BASES)), purpose=draw(_text))
        if draw(st.booleans()):
            ev["request_id"] = draw(_ids)
        if draw(st.booleans()):
            ev["via"] = draw(party_ids)
    elif kind == "search":
        ev.update(searcher=draw(party_ids), reason=draw(_text),
                  networks_searched=draw(st.integers(0, 10_000) | st.lists(party_ids, max_size=3)))
        if draw(st.booleans()):
            ev["on_behalf_of"] = draw(party_ids)
        if draw(st.booleans()):
            ev["cameras_searched"] = draw(st.integers(0, 10**6))
    elif kind == "legal_process":
        ev.update(request_id=draw(_ids), requester=draw(party_ids), platform=draw(_nonempty),
                  kind=draw(st.sampled_from(["warrant", "subpoena", "court_order", "emergency"])),
                  clip_ids=draw(st.lists(_ids, max_size=4)))
    elif kind == "access_grant":
        ev.update(grantor=draw(party_ids), grantee=draw(party_ids), system=draw(_nonempty), scope=draw(_text))
    if draw(st.integers(0, 4)) == 0:
        ev["x_extra"] = draw(st.one_of(_text, st.integers(), st.lists(st.integers(), max_size=3)))
    return ev


def valid_events(kind: str | None = None) -> st.SearchStrategy[bytes]:
    """Valid events as JSON bytes (non-ASCII escaped in about half of them: both spellings are valid)."""
    return valid_event_dicts(kind).map(
        lambda e: json.dumps(e, ensure_ascii=len(e["event_id"]) % 2 == 0).encode("utf-8"))


# Fields whose removal makes the event invalid (required, with no default), per type.
REQUIRED = {
    "clip_recorded": ("event_id", "occurred_at", "type", "clip_id", "owner", "platform"),
    "footage_request": ("event_id", "occurred_at", "type", "request_id", "requester", "platform", "area", "window",
                        "investigation_code", "purpose"),
    "consent_decision": ("event_id", "occurred_at", "type", "request_id", "owner", "decision", "clip_ids"),
    "transfer": ("event_id", "occurred_at", "type", "clip_id", "from_party", "to_party", "basis", "purpose"),
    "search": ("event_id", "occurred_at", "type", "searcher", "reason", "networks_searched"),
    "legal_process": ("event_id", "occurred_at", "type", "request_id", "requester", "platform", "kind", "clip_ids"),
    "access_grant": ("event_id", "occurred_at", "type", "grantor", "grantee", "system", "scope"),
}
ENUMS = {"decision": "consent_decision", "basis": "transfer", "kind": "legal_process"}
# Values that no field of events v1 accepts (a str, a float, a list of str, a nested object, an int).
_WRONG_TYPE = st.sampled_from([[[]], {"x": {}}, [{"y": 1}], [None, []]])
# Not RFC 3339 with an offset. (Integers are left out: pydantic reads them as Unix times, see the report.)
_BAD_TIMES = st.sampled_from([
    "yesterday", "2024-05-01T00:00:00", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-05-01T25:00:00Z",
    "", "2024-05-01T00:00:00+25:00", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "1e9", "null",
])


@st.composite
def near_valid_events(draw: st.DrawFn) -> bytes:
    """A valid event with exactly one thing wrong: a required field missing, a value of the wrong type, a
    bad time, a value outside an enumeration, or an extra field inside a nested object."""
    ev = draw(valid_event_dicts())
    kind = ev["type"]
    how = draw(st.sampled_from(["missing", "wrong_type", "bad_time", "bad_enum", "nested_extra", "bad_party",
                                "empty_id"]))
    if how == "missing":
        del ev[draw(st.sampled_from(REQUIRED[kind]))]
    elif how == "wrong_type":
        ev[draw(st.sampled_from(REQUIRED[kind]))] = draw(_WRONG_TYPE)
    elif how == "bad_time":
        where = draw(st.sampled_from(["occurred_at", "window.start", "window.end", "window.order"]
                                     if kind == "footage_request" else ["occurred_at"]))
        if where == "window.order":
            ev["window"] = {"start": "2024-05-02T00:00:00Z", "end": "2024-05-01T00:00:00Z"}
        elif where.startswith("window."):
            ev["window"][where.split(".")[1]] = draw(_BAD_TIMES)
        else:
            ev["occurred_at"] = draw(_BAD_TIMES)
    elif how == "bad_enum":
        field = draw(st.sampled_from(["type", "schema_version", *(f for f, k in ENUMS.items() if k == kind)]))
        ev[field] = {"type": "teleport", "schema_version": 2}.get(field, "not-an-option")
    elif how == "nested_extra":
        if kind == "footage_request":
            ev[draw(st.sampled_from(["area", "window"]))]["extra"] = 1
        elif kind == "clip_recorded":
            ev["location"] = {"lat": 1.0, "lon": 2.0, "extra": {"z": 1}}
        else:  # no nested object in this type: a wrong type instead
            ev[draw(st.sampled_from(REQUIRED[kind]))] = draw(_WRONG_TYPE)
    elif how == "bad_party":
        party_fields = [f for f in ("owner", "requester", "from_party", "to_party", "searcher", "grantor", "grantee")
                        if f in ev]
        ev[draw(st.sampled_from(party_fields))] = draw(st.sampled_from(["has space", "", "tab\there", "x" * 201]))
    elif how == "empty_id":
        ev["event_id"] = draw(st.sampled_from(["", "x" * 513]))
    return json.dumps(ev).encode("utf-8")


_VALID_LINE = (b'{"event_id":"g","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
               b'"clip_id":"c","owner":"resident:r","platform":"ring"}')


@st.composite
def raw_garbage(draw: st.DrawFn) -> tuple[bytes, str]:
    """``(bytes, expected)``: random, non-UTF-8, truncated, deeply nested, huge or non-finite numbers, a
    byte-order mark, lone surrogates. ``expected`` is ``"invalid"``, or ``"any"`` where either outcome is
    defensible (a BOM before a valid event, a huge integer in an extra field) as long as it is accounted for."""
    b, expected = draw(_garbage())
    return b, expected


@st.composite
def _garbage(draw: st.DrawFn) -> tuple[bytes, str]:
    how = draw(st.sampled_from(["random", "non_utf8", "truncated", "nested", "huge", "nonfinite", "bom",
                                "surrogate", "scalar", "utf8_surrogate", "whitespace"]))
    if how == "random":
        b = draw(st.binary(min_size=1, max_size=200))
        return (b if b.strip() else b + b"x"), "any"  # random bytes may, rarely, be valid
    if how == "non_utf8":
        b = draw(valid_events())
        i = draw(st.integers(0, len(b)))
        bad = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\x80", b"\xfe\xfe", b"\xf8\x88\x80\x80\x80"]))
        return b[:i] + bad + b[i:], "invalid"
    if how == "truncated":
        b = draw(valid_events())
        return b[: draw(st.integers(1, len(b) - 1))], "invalid"
    if how == "nested":
        depth = draw(st.sampled_from([300, 2_000, 50_000]))
        opener = draw(st.sampled_from([b"[", b'{"a":']))
        closer = b"]" if opener == b"[" else b"}"
        return opener * depth + b"1" + closer * draw(st.sampled_from([depth, 0])), "invalid"
    if how == "huge":
        digits = b"9" * draw(st.sampled_from([400, 5_000, 100_000]))
        if draw(st.booleans()):
            return _VALID_LINE[:-1] + b',"x_big":' + digits + b"}", "any"
        return _VALID_LINE.replace(b'"2024-01-01T00:00:00Z"', digits), "invalid"
    if how == "nonfinite":
        tok = draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"nan", b"1e99999"]))
        if tok == b"1e99999":
            return b'{"event_id":' + tok + b"}", "invalid"
        return (b'{"event_id":"n","type":"footage_request","occurred_at":"2024-01-01T00:00:00Z","request_id":"r",'
                b'"requester":"agency:a","platform":"ring","area":{"lat":' + tok + b',"lon":1,"radius_m":' + tok
                + b'},"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-02T00:00:00Z"},'
                b'"investigation_code":null,"purpose":"x"}'), "invalid"
    if how == "bom":
        return b"\xef\xbb\xbf" + draw(valid_events()), "any"
    if how == "surrogate":
        return _VALID_LINE.replace(b'"clip_id":"c"', b'"clip_id":"c\\ud800"'), "invalid"
    if how == "utf8_surrogate":
        return _VALID_LINE.replace(b'"clip_id":"c"', b'"clip_id":"c\xed\xa0\x80"'), "invalid"
    if how == "whitespace":
        return draw(st.sampled_from([b" ", b"\t", b"\x0b", b"   \t"])), "invalid"
    scalar = draw(st.sampled_from([b"[1,2,3]", b'"a string"', b"42", b"null", b"true", b"{}", b'{"type":null}']))
    return scalar, "invalid"


def mixed_lines() -> st.SearchStrategy[tuple[bytes, str]]:
    """``(line, "valid" | "invalid" | "any")``: a mix of the three kinds above."""
    return st.one_of(
        valid_events().map(lambda b: (b, "valid")),
        near_valid_events().map(lambda b: (b, "invalid")),
        raw_garbage(),
    )
