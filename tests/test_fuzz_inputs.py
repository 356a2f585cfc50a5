"""Fuzzing every entry point that takes outside bytes, besides event lines (tests/test_fuzz.py): each
importer's files, rule-set files, audit trails and the live view's query parameters.

The properties: nothing raises but the errors the command line turns into one line and exit status 2;
counts add up (an importer's rows read = written + skipped; every HTTP request gets an answer, 200, 400 or
404, never a server error); a changed audit trail is never called intact, and a file that holds no audit
record is "not an audit trail", not "tampered".

The default run is small (``make test``); the ``slow`` run (``make test-long``) draws well over 100,000
inputs across these entry points, on top of the event-line fuzzing.
"""

from __future__ import annotations

import json
import os
import string
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.trail import AuditError, AuditTrail
from audit.verify import verify
from importers import IMPORTERS
from judge.rulesets import RuleSetError, load_rule_set
from live.server import serve
from live.state import LiveState
from schemas.parties import PartyRegistry
from tests.conftest import ev, rec, ts, xfer

ROOT = Path(__file__).resolve().parents[1]
SMALL = settings(max_examples=40, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.function_scoped_fixture])
#: Errors the command line reports as one line and exit status 2 (custodiet import, --rules, audit verify).
CLI_ERRORS = (ValueError, OSError)
COUNTED: dict[str, int] = {}


def _count(name: str) -> None:
    COUNTED[name] = COUNTED.get(name, 0) + 1


def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="custodiet-fuzz-"))


# -- importers ---------------------------------------------------------------------------------------

COLUMNS = {
    "flock-sharing": ["src_agency", "external_agency", "src_agency_id", "external_agency_id", "grantor", "grantee",
                      "agency", "notes"],
    "flock-audit": ["id", "userId", "searchDate", "cameraCount", "networkCount", "reason", "caseNumber",
                    "offenseType", "search_date", "agency", "org_name", "time_frame"],
    "atlas-ring": ["AOSNUMBER", "City", "County", "State", "Agency", "Type of LEA", "Summary", "Technology",
                   "Vendor", "Link 1 Date"],
}
CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "NA", "N/A", "--", "Oakland CA PD", "FBI", "ICE ERO", "Sylvania OH PD", "Police", "Sheriff",
                     "2025-06-18 00:02:04.789", "6/18/2025 12:02 AM", "2024-13-45", "investigation", "immigration",
                     "CA", "TX", "2019", "-1", "1e400", "0", "\ufeff", '"', "a,b", "line\nbreak"]),
)


@st.composite
def csv_files(draw: st.DrawFn, kind: str) -> bytes:
    """A CSV-like file: a header drawn from the importer's own columns (and strangers), rows of odd cells;
    or plain random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    header = draw(st.lists(st.sampled_from(COLUMNS[kind] + ["x", ""]), min_size=0, max_size=7))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 2), max_size=8))
    sep = draw(st.sampled_from([",", ",", "\t", ";"]))

    def cell(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\n\t;') or draw(st.booleans()) else c

    text = "\n".join(sep.join(cell(c) for c in row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


PORTAL_KEYS = ["name", "slug", "accessed", "updated", "data_retention_days", "prohibited_uses", "sharing_outbound",
               "sharing_inbound", "external_organizations_with_access", "url", "x"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["Menlo Park CA PD", "FBI", "30 days", "2023-07-28T00:56:00Z", "*", "——"]),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.sampled_from(PORTAL_KEYS) | st.text(max_size=8),
                                                                 inner, max_size=6),
    max_leaves=25)


@st.composite
def portal_files(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.binary(max_size=300))
    doc = draw(st.dictionaries(st.sampled_from(PORTAL_KEYS), JSON_VALUES, max_size=8)) if choice > 1 \
        else draw(JSON_VALUES)
    raw = json.dumps(doc).encode()
    if draw(st.integers(0, 6)) == 0 and raw:  # cut short
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    return raw


def check_import(kind: str, data: bytes, suffix: str) -> None:
    d = _scratch()
    path = d / f"input{suffix}"
    path.write_bytes(data)
    try:
        result = IMPORTERS[kind](path)
    except CLI_ERRORS:
        _count(f"import {kind} (refused)")
        return
    assert result.adds_up(), (kind, result.summary())
    _count(f"import {kind}")


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_csv_importers_never_crash_and_counts_add_up(kind: str) -> None:
    @SMALL
    @given(csv_files(kind))
    def run(data: bytes) -> None:
        check_import(kind, data, ".csv")

    run()


def test_portal_importer_never_crashes_and_counts_add_up() -> None:
    @SMALL
    @given(portal_files())
    def run(data: bytes) -> None:
        check_import("flock-portal", data, ".json")

    run()


# -- rule sets ---------------------------------------------------------------------------------------

POLICIES = sorted((ROOT / "policies").glob("*.toml"))


@st.composite
def rule_set_files(draw: st.DrawFn) -> bytes:
    """A real rule set with a few bytes changed, inserted or deleted; or random bytes."""
    if draw(st.integers(0, 7)) == 0:
        return draw(st.binary(max_size=300))
    raw = bytearray(draw(st.sampled_from(POLICIES)).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(raw)))
        op = draw(st.integers(0, 2))
        piece = draw(st.binary(min_size=1, max_size=4) | st.sampled_from(
            [b'"', b"[", b"]]", b"=", b"\n", b"0", b"-1", b"true", b"[[rules]]\n", b'check = "nope"\n', b"\xff"]))
        if op == 0:
            raw[i:i] = piece
        elif op == 1:
            del raw[i:i + len(piece)]
        else:
            raw[i:i + len(piece)] = piece
    return bytes(raw)


def check_rule_set(data: bytes) -> None:
    path = _scratch() / "rules.toml"
    path.write_bytes(data)
    try:
        rs = load_rule_set(path)
    except RuleSetError as e:
        assert str(e).startswith(str(path)), e  # the message names the file
        _count("rule set (refused)")
        return
    assert rs.id and all(r.id for r in rs.rules)
    _count("rule set")


def test_rule_set_files_load_or_are_refused_with_the_file_named() -> None:
    @SMALL
    @given(rule_set_files())
    def run(data: bytes) -> None:
        check_rule_set(data)

    run()


@pytest.mark.parametrize("old,new", [(b'id = "core"', b'id = ""'), (b'id = "core.custody-continuity"', b'id = " "')])
def test_a_rule_set_or_rule_without_an_id_is_refused(old: bytes, new: bytes) -> None:
    """Found by the long run: an empty id was accepted, and would have named no rule in any count."""
    data = (ROOT / "policies" / "core.toml").read_bytes()
    assert old in data
    path = _scratch() / "rules.toml"
    path.write_bytes(data.replace(old, new, 1))
    with pytest.raises(RuleSetError, match="id"):
        load_rule_set(path)


# -- audit trails ------------------------------------------------------------------------------------

KEY = b"fuzz-key"


def _trail_bytes() -> bytes:
    path = _scratch() / "trail.jsonl"
    with AuditTrail(path, checkpoint_every=3, key=KEY, clock=lambda: "2026-01-01T00:00:00Z") as t:
        for i in range(8):
            t.record("api" if i % 2 else "judge", "query", f"analyst:{i}", "ok", {"i": i, "path": f"/api/x?{i}"})
    return path.read_bytes()


TRAIL = _trail_bytes()


def _records(data: bytes) -> list[Any]:
    """The trail's records as parsed (what the hash chain covers); a missing final newline changes none."""
    out = []
    lines = data.split(b"\n")
    for line in lines[:-1] if lines[-1] == b"" else lines:
        try:
            out.append(json.loads(line))
        except (ValueError, RecursionError):
            out.append(("unparsed", line))
    return out


@st.composite
def trail_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(TRAIL)
    lines = TRAIL.split(b"\n")[:-1]
    op = draw(st.integers(0, 6))
    if op == 0:  # bytes changed
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        return bytes(data)
    if op == 1:  # a line deleted
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif op == 2:  # two lines swapped
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 3:  # a line repeated
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(draw(st.integers(0, len(lines))), lines[i])
    elif op == 4:  # cut short
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    elif op == 5:  # a field's value changed, the JSON kept valid
        i = draw(st.integers(0, len(lines) - 1))
        rec = json.loads(lines[i])
        name = draw(st.sampled_from(sorted(rec)))
        rec[name] = draw(JSON_VALUES)
        lines[i] = json.dumps(rec, sort_keys=True, separators=(",", ":")).encode()
    else:  # something else entirely
        return draw(st.binary(max_size=400))
    return b"\n".join(lines) + b"\n"


def check_trail(data: bytes) -> None:
    path = _scratch() / "trail.jsonl"
    path.write_bytes(data)
    res = verify(path, KEY)
    same = _records(data) == _records(TRAIL)
    if same:
        assert res.ok, res.summary()
        _count("audit trail (intact)")
    else:
        assert not res.ok, ("a changed trail was called intact", data[:300])
        assert (res.first_bad is None) != (res.not_a_trail is None), res
        _count("audit trail (changed)" if res.first_bad else "audit trail (not a trail)")
    # Continuing a damaged trail is refused with AuditError, never another exception.
    try:
        AuditTrail(path, key=KEY).close()
    except AuditError:
        pass


def test_changed_audit_trails_are_never_called_intact() -> None:
    @SMALL
    @given(trail_mutations())
    def run(data: bytes) -> None:
        check_trail(data)

    run()


def test_the_untouched_trail_is_intact() -> None:
    check_trail(TRAIL)


# -- the live view's query parameters ----------------------------------------------------------------

ROUTES = ["/", "/api/stats", "/api/trace", "/api/reach", "/api/violations", "/api/clip", "/api/links", "/api/search",
          "/api/nope", "/static/x"]
PARAMS = ["clip", "to", "limit", "max_hops", "rule", "id", "q", "x"]
VALUES = st.one_of(st.text(max_size=40), st.sampled_from(
    ["c1", "agency:ice-ero", "agency:oakland-ca-pd", "-1", "0", "1", "99999999999999999999", "1e3", "nan", "",
     "<script>alert(1)</script>", "%", "\x00", "..", "../../etc/passwd", "ring-2019-portal.max-window"]))


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    d = _scratch()
    log = d / "log.jsonl"
    log.write_text("\n".join(json.dumps(e) for e in [
        rec("r1", "c1", "resident:r-1", ts(1)),
        xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", ts(2)),
        xfer("t2", "c1", "agency:oakland-ca-pd", "agency:ice-ero", ts(3)),
        ev("search", "s1", ts(4), searcher="agency:oakland-ca-pd", reason="x", networks_searched=1),
    ]) + "\n")
    state = LiveState.from_log(str(log), None, PartyRegistry())
    server = serve(state, "127.0.0.1", 0)
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()


def check_query(base: str, route: str, params: list[tuple[str, str]]) -> None:
    url = base + route + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            status, body, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, body, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
    assert status in (200, 400, 404), (url, status, body[:200])
    if "json" in ctype:
        doc = json.loads(body)
        if status != 200:
            assert isinstance(doc, dict) and doc.get("error"), (url, doc)
    _count(f"live {status}")


def test_live_view_answers_every_query(live_url: str) -> None:
    @SMALL
    @given(st.sampled_from(ROUTES), st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), max_size=4))
    def run(route: str, params: list[tuple[str, str]]) -> None:
        check_query(live_url, route, params)

    run()


def test_live_view_answers_odd_paths(live_url: str) -> None:
    @SMALL
    @given(st.text(alphabet=string.printable + "é☃", max_size=40))
    def run(path: str) -> None:
        check_query(live_url, "/" + urllib.parse.quote(path, safe="/?=&%"), [])

    run()


# -- the long run ------------------------------------------------------------------------------------


def _long(name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None], n: int) -> None:
    @settings(max_examples=n, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def run(x: Any) -> None:
        check(x)

    run()


@pytest.mark.slow
@pytest.mark.timeout(7200)
def test_long_fuzz_of_the_other_entry_points(live_url: str) -> None:
    COUNTED.clear()
    for kind in sorted(COLUMNS):
        _long(kind, csv_files(kind), lambda data, kind=kind: check_import(kind, data, ".csv"), 8_000)
    _long("flock-portal", portal_files(), lambda data: check_import("flock-portal", data, ".json"), 8_000)
    _long("rule sets", rule_set_files(), check_rule_set, 20_000)
    _long("audit trails", trail_mutations(), check_trail, 20_000)
    _long("live", st.tuples(st.sampled_from(ROUTES), st.lists(st.tuples(st.sampled_from(PARAMS), VALUES),
                                                              max_size=4)),
          lambda q: check_query(live_url, q[0], q[1]), 20_000)
    total = sum(COUNTED.values())
    print(f"fuzzed inputs: {total} ({json.dumps(COUNTED, sort_keys=True)})")
    assert total >= 100_000, COUNTED
    os.environ.get("CI")  # the counts are printed for the run's log
