"""Zero is an answer, and names are accepted where ids are: a party the log names but nothing reached gives 0
with what the log holds for it; a party the log never names is an error with suggestions; ``--to FBI``,
``--to "ICE ERO"``, ``--from-state California`` and ``--rules ca-sb34,ca-sb54`` mean what their ids mean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodiet.cli import app
from tests.conftest import ev, rec, write_log, xfer

RUNNER = CliRunner()
ICE, FBI = "agency:ice-ero", "agency:fbi"
AT = "2019-05-{:02d}T12:00:00Z"


def _run(*args: str) -> tuple[int, str, str]:
    r = RUNNER.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def _json(*args: str) -> dict:
    code, out, err = _run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    request = ev("footage_request", "q1", AT.format(3), request_id="q1", requester=FBI, platform="ring",
                 area={"lat": 37.8, "lon": -122.27, "radius_m": 400},
                 window={"start": AT.format(2), "end": AT.format(3)}, investigation_code="F-1", purpose="x")
    return write_log(tmp_path / "l.jsonl", [
        rec("r", "c1", "resident:r-1", AT.format(1)),
        xfer("t1", "c1", "resident:r-1", "agency:springfield-il-pd", AT.format(2)),
        xfer("t2", "c1", "agency:springfield-il-pd", ICE, AT.format(3)),
        xfer("t3", "c1", "agency:springfield-il-pd", "agency:springfield-mo-pd", AT.format(4)),
        request,
    ])


def test_zero_is_an_answer(log: Path) -> None:
    doc = _json("reach", str(log), "--to", FBI)
    assert (doc["clip_count"], doc["path_count"], doc["party_count"]) == (0, 0, 0)
    # what the log holds for the FBI, recounted from the file
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    naming = [e for e in lines if FBI in {v for v in e.values() if isinstance(v, str)}]
    assert doc["in_log"]["events"] == len(naming) == 1
    assert doc["in_log"]["by_type"] == {"footage_request": 1}
    assert sum(doc["in_log"]["outcomes"].values()) == 1
    code, out, _ = _run("reach", str(log), "--to", FBI)
    assert code == 0 and "No clip in this log reached FBI" in " ".join(out.split())
    assert "named in 1 event of the log" in " ".join(out.split())
    assert _json("trace", str(log), "--clip", "c1", "--to", FBI)["count"] == 0
    cond = _json("conduits", str(log), "--to", FBI)
    assert (cond["count"], cond["conduits"], cond["in_log"]["events"]) == (0, [], 1)
    for args in (["trace", str(log), "--clip", "c1", "--to", FBI], ["conduits", str(log), "--to", FBI]):
        code, out, _ = _run(*args)
        assert code == 0 and "nothing in custody reached FBI; it is named in 1 event of the log" in " ".join(
            out.split()), args


def test_a_party_not_in_the_log_is_an_error(log: Path) -> None:
    code, _, err = _run("reach", str(log), "--to", "agency:fbl")
    assert code == 2 and "not in the log" in err and "did you mean agency:fbi" in err


def test_names_where_ids_are(log: Path) -> None:
    by_id = _json("reach", str(log), "--to", ICE)
    assert by_id["clip_count"] == 1
    assert _json("reach", str(log), "--to", "ICE ERO") == by_id
    assert _json("reach", str(log), "--to", "ice-ero") == by_id
    assert _json("reach", str(log), "--to", "FBI")["to"] == FBI
    assert _json("trace", str(log), "--clip", "c1", "--to", "ice ero")["count"] == 1
    assert _json("conduits", str(log), "--to", "ICE ERO")["to"] == ICE


def test_an_ambiguous_name_lists_its_candidates(log: Path) -> None:
    code, _, err = _run("reach", str(log), "--to", "Springfield PD")
    assert code == 2
    assert "names 2 parties" in err and "agency:springfield-il-pd" in err and "agency:springfield-mo-pd" in err


def test_states_and_comma_lists(log: Path) -> None:
    by_code = _json("cut", str(log), "--from-state", "IL", "--to-kind", "federal")
    assert _json("cut", str(log), "--from-state", "Illinois", "--to-kind", "federal")["cut_size"] == \
        by_code["cut_size"] == 1
    code, _, err = _run("cut", str(log), "--from-state", "Ilinois", "--to-kind", "federal")
    assert code == 2 and "unknown state 'Ilinois'" in err and "illinois" in err
    both = _json("check", str(log), "--rules", "ca-sb34", "--rules", "ca-sb54")
    assert _json("check", str(log), "--rules", "ca-sb34,ca-sb54") == both
    assert both["rule_sets"] == ["ca-sb34", "ca-sb54"]
