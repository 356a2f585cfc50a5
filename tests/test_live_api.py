"""The live view's JSON API: the same documents as the commands, read-only, loopback, nothing event-supplied
ever comes back as markup."""

from __future__ import annotations

import http.client
import json
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

from analysis.judged import graph_of_log
from custodiet.cli import app
from graph.custody import CustodyGraph
from graph.reach import reach
from graph.trace import trace
from judge.pipeline import read_lines, run_check
from live.follow import LogFollower
from live.server import CSP, serve
from live.state import LiveState, default_registry
from world.simulate import event_line, simulate

ROOT = Path(__file__).resolve().parents[1]

EVIL_CLIP = "clip-\"q'<i>x</i>"
EVIL_PARTY = "agency:<script>window.__pwned=1</script>"
EVIL_OWNER = "resident:\"><img/src=x/onerror=window.__pwned=2>"
EVIL_PURPOSE = "<img src=x onerror=window.__pwned=3> \"quoted\" 'single' &amp;"
EVIL_EVENT = "x-t2\"'<svg/onload=window.__pwned=4>"
FEDERAL_TARGET = "agency:ice-ero"


def hostile_events(day: int = 1) -> list[dict[str, Any]]:
    """Markup and quotes in a clip id, party ids, an event id and purposes; the clip reaches ICE."""
    at = f"2019-08-{day:02d}T"
    return [
        {"event_id": "x-rec", "type": "clip_recorded", "occurred_at": at + "10:00:00Z", "clip_id": EVIL_CLIP,
         "owner": EVIL_OWNER, "platform": "<b>ring</b>"},
        {"event_id": "x-t1", "type": "transfer", "occurred_at": at + "11:00:00Z", "clip_id": EVIL_CLIP,
         "from_party": EVIL_OWNER, "to_party": EVIL_PARTY, "basis": "agreement", "purpose": EVIL_PURPOSE},
        {"event_id": EVIL_EVENT, "type": "transfer", "occurred_at": at + "12:00:00Z", "clip_id": EVIL_CLIP,
         "from_party": EVIL_PARTY, "to_party": FEDERAL_TARGET, "basis": "agreement",
         "purpose": "</script><script>window.__pwned=5</script>"},
    ]


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("live") / "events.jsonl"
    events = simulate("default", 7, 6000) + hostile_events()
    path.write_text("".join(event_line(e) + "\n" for e in events), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def served(log: Path):  # type: ignore[no-untyped-def]
    state = LiveState.from_log(log)
    server = serve(state, port=0)
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def graph(log: Path) -> CustodyGraph:
    return graph_of_log(read_lines(log), None, default_registry())[0]  # custody as judged, as the commands


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def api(server: Any, path: str, labels: bool = False, **params: Any) -> Any:
    """The API's document; without ``labels``, the names it adds for people (``labels``, ``groups``) set apart,
    so what is left compares with the command's document."""
    status, _, body = get(server.url + path.lstrip("/") + ("?" + urlencode(params) if params else ""))
    assert status == 200, body
    doc = json.loads(body)
    if not labels and isinstance(doc, dict):
        doc.pop("labels", None)
        doc.pop("groups", None)
    return doc


def cli_json(*args: str) -> Any:
    """The command's document without the names it carries beside the ids (the page names parties itself)."""
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert isinstance(doc.pop("names"), dict)
    return doc


def test_trace_and_reach_are_the_command_documents(served: Any, graph: CustodyGraph, log: Path) -> None:
    fed = served.state.stats()["federal"]
    assert fed, "the scenario should have clips reaching federal parties"
    pairs = [(f["clip"], f["to"]) for f in fed[:4]]
    assert (EVIL_CLIP, FEDERAL_TARGET) in pairs
    for clip, to in pairs:
        assert api(served, "/api/trace", clip=clip, to=to) == trace(graph, clip, to)
        assert api(served, "/api/trace", clip=clip, to=to, limit=1) == trace(graph, clip, to, limit=1)
    clip, to = next(p for p in pairs if p[0] != EVIL_CLIP)
    assert api(served, "/api/trace", clip=clip, to=to) == cli_json("trace", str(log), "--clip", clip, "--to", to,
                                                                   "--json")
    assert api(served, "/api/trace", clip=EVIL_CLIP, to=to) == cli_json(
        "trace", str(log), "--clip", EVIL_CLIP, "--to", to, "--json")
    for party in (to, FEDERAL_TARGET, EVIL_PARTY):
        assert api(served, "/api/reach", to=party) == reach(graph, party)
    assert api(served, "/api/reach", to=to, max_hops=2) == reach(graph, to, max_hops=2)
    assert api(served, "/api/reach", to=FEDERAL_TARGET) == cli_json("reach", str(log), "--to", FEDERAL_TARGET,
                                                                     "--json")


def test_documents_carry_names_for_every_party_and_rule(served: Any) -> None:
    from reports.names import party_name, rule_title

    doc = api(served, "/api/reach", labels=True, to=FEDERAL_TARGET)
    mentioned = {doc["to"], *(c["owner"] for c in doc["clips"]), *(p["party"] for p in doc["parties"])}
    assert mentioned <= set(doc["labels"])
    assert doc["labels"][FEDERAL_TARGET] == party_name(FEDERAL_TARGET, served.state.registry)
    assert all(doc["groups"][p] == "camera owners" for p in mentioned if p.startswith("resident:"))
    stats = api(served, "/api/stats", labels=True)
    assert stats["stream"] in ("streaming", "ended", "idle")
    for r in stats["rules"]:
        assert stats["labels"][r["rule"]] == rule_title(r["rule"]) != r["rule"]


def test_stats_and_violations_match_check(served: Any, log: Path) -> None:
    doc = run_check(read_lines(log), None, default_registry()).document()
    stats = api(served, "/api/stats")
    for key in ("events_in", "processed", "duplicates", "dead_letters", "outcomes"):
        assert stats[key] == doc[key], key
    by_rule = {r["rule"]: r["gated"] + r["flagged"] for r in stats["rules"]}
    assert by_rule == doc["violations"]
    v = api(served, "/api/violations", limit=5)
    assert v["count"] == sum(doc["violations"].values()) and len(v["violations"]) == 5
    assert {k: a["gated"] + a["flagged"] for k, a in v["by_rule"].items()} == doc["violations"]
    assert sum(t["total"] for t in stats["topics"]) == stats["events_in"]
    assert stats["conduits"] and stats["federal_total"] >= len(stats["federal"])


def test_shuffled_feed_gives_the_same_verdicts(log: Path) -> None:
    lines = list(read_lines(log))
    doc = run_check(iter(lines), None, default_registry()).document()
    random.Random(3).shuffle(lines)
    state = LiveState(rejudge_interval=3600)
    for i in range(0, len(lines), 500):
        state.feed_lines(lines[i:i + 500])  # type: ignore[arg-type]
    state.settle()
    stats = state.stats(max_age=0)
    assert stats["late"] > 0
    assert {r["rule"]: r["gated"] + r["flagged"] for r in stats["rules"]} == doc["violations"]
    assert stats["outcomes"] == doc["outcomes"]


def test_errors_are_json(served: Any) -> None:
    status, headers, body = get(served.url + "api/trace?" + urlencode({"clip": "nope", "to": FEDERAL_TARGET}))
    assert status == 404 and "not in the log" in json.loads(body)["error"]
    status, _, body = get(served.url + "api/trace?clip=x")
    assert status == 400 and "'to'" in json.loads(body)["error"]
    status, _, body = get(served.url + "api/trace?" + urlencode({"clip": EVIL_CLIP, "to": FEDERAL_TARGET,
                                                                  "limit": "-1"}))
    assert status == 400
    assert get(served.url + "nothing-here")[0] == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"])
def test_only_get_and_head(served: Any, method: str) -> None:
    before = served.state.version
    conn = http.client.HTTPConnection(served.host, served.port, timeout=5)
    conn.request(method, "/api/stats", body=b'{"event_id":"p"}' if method in ("POST", "PUT") else None)
    r = conn.getresponse()
    assert r.status == 405 and r.getheader("Allow") == "GET, HEAD"
    conn.close()
    assert served.state.version == before
    conn = http.client.HTTPConnection(served.host, served.port, timeout=5)
    conn.request("HEAD", "/api/stats")
    r = conn.getresponse()
    assert r.status == 200 and r.read() == b""
    conn.close()


def test_bound_to_loopback_with_safe_headers(served: Any) -> None:
    assert served.host == "127.0.0.1" and served.url.startswith("http://127.0.0.1:")
    assert served.httpd.socket.getsockname()[0] == "127.0.0.1"
    for path in ("", "api/stats"):
        _, headers, _ = get(served.url + path)
        assert headers["Content-Security-Policy"] == CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
    # A DNS-rebinding page arrives with a foreign Host header.
    conn = http.client.HTTPConnection(served.host, served.port, timeout=5)
    conn.request("GET", "/api/stats", headers={"Host": "attacker.example:80"})
    assert conn.getresponse().status == 403
    conn.close()
    # Not reachable on another address of this machine, if it has one.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        other = probe.getsockname()[0]
    except OSError:
        other = "127.0.0.1"
    finally:
        probe.close()
    if not other.startswith("127."):
        with pytest.raises(OSError):
            socket.create_connection((other, served.port), timeout=2).close()
    assert _default_of("host") == "127.0.0.1"


def _default_of(name: str) -> Any:
    import inspect

    from custodiet.commands_serve import serve as command

    return inspect.signature(command).parameters[name].default


def test_markup_comes_back_only_as_json_strings(served: Any) -> None:
    page = get(served.url)[2].decode()
    for s in (EVIL_CLIP, EVIL_PARTY, EVIL_OWNER, EVIL_PURPOSE, EVIL_EVENT, "__pwned"):
        assert s not in page
    raw = {}
    for path, params in (("api/clip", {"id": EVIL_CLIP}), ("api/trace", {"clip": EVIL_CLIP, "to": FEDERAL_TARGET}),
                         ("api/reach", {"to": FEDERAL_TARGET}), ("api/search", {"q": "script"}),
                         ("api/links", {"to": FEDERAL_TARGET}), ("api/stats", {})):
        status, headers, body = get(served.url + path + "?" + urlencode(params))
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        text = body.decode()
        assert "<" not in text and ">" not in text, path  # escaped as \u003c / \u003e inside strings
        raw[path] = json.loads(body)
    clip = raw["api/clip"]
    assert clip["clip"] == EVIL_CLIP and clip["owner"] == EVIL_OWNER and clip["platform"] == "<b>ring</b>"
    assert [h["event_id"] for h in clip["hand_overs"]] == ["x-t1", EVIL_EVENT]
    assert clip["hand_overs"][0]["purpose"] == EVIL_PURPOSE and clip["hand_overs"][0]["to"] == EVIL_PARTY
    assert raw["api/trace"]["paths"] == [{"parties": [EVIL_OWNER, EVIL_PARTY, FEDERAL_TARGET],
                                          "events": ["x-t1", EVIL_EVENT]}]
    assert EVIL_PARTY in [p["id"] for p in raw["api/search"]["parties"]]
    assert any(f["clip"] == EVIL_CLIP for f in raw["api/stats"]["federal"])


def test_server_sent_events_push_changes() -> None:
    state = LiveState()
    server = serve(state, port=0, push_interval=0.05)
    try:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
        conn.request("GET", "/api/events")
        r = conn.getresponse()
        assert r.status == 200 and r.getheader("Content-Type", "").startswith("text/event-stream")

        def next_stats() -> dict[str, Any]:
            event = None
            while True:
                line = r.fp.readline().decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "stats":
                    return json.loads(line[6:])  # type: ignore[no-any-return]

        first = next_stats()
        assert first["events_in"] == 0
        threading.Timer(0.2, state.feed_event_dicts, args=(hostile_events(),)).start()
        second = next_stats()
        assert second["events_in"] == 3 and second["version"] > first["version"]
        assert second["federal"][0]["clip"] == EVIL_CLIP
        conn.close()
    finally:
        started = time.monotonic()
        server.shutdown()
        assert time.monotonic() - started < 5


def test_event_stream_says_when_a_stream_ended() -> None:
    """A finished replay is pushed as ``ended`` (not left at "streaming"), even though the state's version
    does not change when a replay stops."""
    state = LiveState()
    server = serve(state, port=0, push_interval=0.05)
    try:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
        conn.request("GET", "/api/events")
        r = conn.getresponse()
        seen = []
        from world.simulate import simulate

        replay = state.start_replay(simulate("default", 7, 400), rate=800)
        event = None
        while not seen or seen[-1]["stream"] != "ended":
            line = r.fp.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "stats":
                seen.append(json.loads(line[6:]))
        replay.join(timeout=10)
        assert "streaming" in [d["stream"] for d in seen]
        assert seen[-1]["events_in"] == 400 and seen[-1]["feeding"] is False
        conn.close()
    finally:
        server.shutdown()


def test_follow_reads_appended_lines(tmp_path: Path) -> None:
    path = tmp_path / "grow.jsonl"
    evs = hostile_events()
    path.write_text(event_line(evs[0]) + "\n" + event_line(evs[1])[:20], encoding="utf-8")
    follower = LogFollower(path)
    state = LiveState(mode="follow")
    state.feed_lines(follower.read_new())  # type: ignore[arg-type]
    assert state.events_in == 1
    stop = threading.Event()
    th = threading.Thread(target=follower.follow, args=(state,), kwargs={"interval": 0.05, "stop": stop})
    th.start()
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(event_line(evs[1])[20:] + "\n" + event_line(evs[2]) + "\n{not json\n")
        deadline = time.monotonic() + 5
        while state.events_in < 4 and time.monotonic() < deadline:
            state.wait_for_change(state.version, 0.2)
        assert (state.events_in, state.stats(max_age=0)["processed"], len(state.dead)) == (4, 3, 1)
        assert state.trace(EVIL_CLIP, FEDERAL_TARGET)["count"] == 1
    finally:
        stop.set()
        th.join()


def test_serve_command_runs_and_stops(log: Path) -> None:
    code = "import sys; from custodiet.cli import main; sys.argv[0] = 'custodiet'; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", str(log), "--port", "0", "--duration", "20"],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"})
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "serving http://127.0.0.1:" in line, line
        url = line.split("serving ", 1)[1].split(" ", 1)[0]
        stats = json.loads(get(url + "api/stats")[2])
        assert stats["events_in"] == 6003 and stats["mode"] == "file"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("args, needle", [
    (["serve"], "give either"),
    (["serve", "/nonexistent.jsonl"], "no such .jsonl file"),
    (["serve", "/"], "is a directory"),
    (["serve", "--simulate", "no-such-scenario"], "no-such-scenario"),
    (["serve", "-", "--follow"], "--follow needs"),
])
def test_serve_bad_arguments(args: list[str], needle: str) -> None:
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, r.output
    assert needle in r.output and "Traceback" not in r.output
