"""The live view reads party names and answers zero as the commands do (``analysis.party_names``, one resolver):
``/api/reach?to=FBI`` and ``/api/trace`` give the ``--json`` documents for typed names and for a party the log
names that nothing reached, and a party the log never names is an error with the closest ids."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from analysis.judged import graph_of_log
from analysis.party_names import LogParties
from judge.logread import read_lines
from live.server import serve
from live.state import LiveState
from tests.conftest import ev, rec, write_log, xfer
from tests.test_live_api import cli_json

ICE, FBI = "agency:ice-ero", "agency:fbi"
AT = "2019-05-{:02d}T12:00:00Z"
PARTY_FIELDS = {"owner", "from_party", "to_party", "requester"}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    request = ev("footage_request", "q1", AT.format(3), request_id="q1", requester=FBI, platform="ring",
                 area={"lat": 37.8, "lon": -122.27, "radius_m": 400},
                 window={"start": AT.format(2), "end": AT.format(3)}, investigation_code="F-1", purpose="x")
    return write_log(tmp_path_factory.mktemp("names") / "l.jsonl", [
        rec("r", "c1", "resident:r-1", AT.format(1)),
        xfer("t1", "c1", "resident:r-1", "agency:springfield-il-pd", AT.format(2)),
        xfer("t2", "c1", "agency:springfield-il-pd", ICE, AT.format(3)),
        request,
    ])


@pytest.fixture(scope="module")
def served(log: Path):  # type: ignore[no-untyped-def]
    server = serve(LiveState.from_log(log), port=0)
    yield server
    server.shutdown()


def get(server: Any, path: str, **params: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(server.url + path + "?" + urlencode(params), timeout=10) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    doc = json.loads(body)
    doc.pop("labels", None), doc.pop("groups", None)  # the names the page shows, set apart
    return status, doc


def test_zero_answer_is_the_command_document(served: Any, log: Path) -> None:
    for typed in ("FBI", FBI):
        status, doc = get(served, "api/reach", to=typed)
        assert status == 200, doc
        assert doc == cli_json("reach", str(log), "--to", typed, "--json")
        assert (doc["to"], doc["clip_count"], doc["party_count"]) == (FBI, 0, 0)
    # what the log holds for the FBI, recounted from the file: the one footage request names it
    naming = [e for e in map(json.loads, log.read_text().splitlines()) if FBI in e.values()]
    assert doc["in_log"]["events"] == len(naming) == 1 and doc["in_log"]["by_type"] == {"footage_request": 1}
    status, doc = get(served, "api/trace", clip="c1", to="FBI")
    assert status == 200 and doc == cli_json("trace", str(log), "--clip", "c1", "--to", "FBI", "--json")
    assert (doc["count"], doc["in_log"]["events"]) == (0, 1)


def test_typed_name_is_the_command_document(served: Any, log: Path) -> None:
    status, doc = get(served, "api/reach", to="ICE ERO")
    assert status == 200 and doc == cli_json("reach", str(log), "--to", "ICE ERO", "--json")
    assert (doc["to"], doc["clip_count"]) == (ICE, 1) and "in_log" not in doc
    status, doc = get(served, "api/trace", clip="c1", to="ice ero")
    assert status == 200 and doc == cli_json("trace", str(log), "--clip", "c1", "--to", ICE, "--json")
    assert doc["count"] == 1


def test_unknown_party_is_an_error_with_candidates(served: Any) -> None:
    for path, params in (("api/reach", {"to": "agency:fbl"}), ("api/trace", {"clip": "c1", "to": "FBl"})):
        status, doc = get(served, path, **params)
        assert status == 404, doc
        assert "not in the log" in doc["error"] and "did you mean agency:fbi" in doc["error"]
        assert doc["candidates"] == [FBI]


def test_rejudged_out_of_order_feed_holds_the_same(log: Path) -> None:
    """Fed backwards, events are judged again as earlier ones arrive; what the log holds counts each event once,
    with its final outcome, as the command counts it."""
    state = LiveState(source=str(log), mode="file")
    for line in reversed(list(read_lines(log))):  # one at a time: each earlier event re-judges what followed
        state.feed_lines([line])  # type: ignore[list-item]
    state.settle()
    assert state.judging.judge.rejudged > 0
    assert state.reach("FBI") == cli_json("reach", str(log), "--to", "FBI", "--json")
    in_order = LogParties()  # as the commands count it, judging the log in order
    graph_of_log(read_lines(log), None, state.registry, on_verdict=in_order)
    parties = {p for e in map(json.loads, log.read_text().splitlines()) for k, p in e.items() if k in PARTY_FIELDS}
    assert set(state.log_parties.named) == set(in_order.named) == parties
    assert {p: state.log_parties.held(p) for p in parties} == {p: in_order.held(p) for p in parties}
    assert state.log_parties.held(ICE) == {"events": 1, "by_type": {"transfer": 1}, "outcomes": {"ok": 1}}
