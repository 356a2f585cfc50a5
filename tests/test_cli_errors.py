"""Path hygiene: every command, given a bad argument, prints exactly one line naming the problem and the
place, exits with status 2, and never shows a traceback. Bad lines inside a readable log are dead letters
with line numbers, and the rest of the log is processed.

"Unreadable" for root (these tests run as root, for whom chmod 000 means nothing): the test switches its
*effective* uid to ``nobody`` around the call (``os.seteuid``; reversible while the real uid is 0), so a
``chmod 000`` file, and a file inside a ``chmod 000`` folder, are really unreadable.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from custodiet.cli import app
from tests.conftest import ev, rec, ts, write_log, xfer

runner = CliRunner()
NOBODY = 65534

VALID = [
    rec("r1", "c1", "resident:r-1", ts(1)),
    xfer("t1", "c1", "resident:r-1", "agency:oakland-ca-pd", ts(2)),
    xfer("t2", "c1", "agency:oakland-ca-pd", "agency:ice-ero", ts(3)),
    ev("search", "s1", ts(4), searcher="agency:oakland-ca-pd", reason="x", networks_searched=1),
]


@pytest.fixture(scope="module")
def place() -> Iterator[Path]:
    """A folder that ``nobody`` can enter (pytest's tmp folders are 0700), with a good log in it."""
    d = Path(tempfile.mkdtemp(prefix="custodiet-cli-"))
    os.chmod(d, 0o755)
    write_log(d / "log.jsonl", VALID)
    os.chmod(d / "log.jsonl", 0o644)
    yield d
    for p in d.rglob("*"):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    shutil.rmtree(d, ignore_errors=True)


def commands(log: str, d: Path) -> dict[str, list[str]]:
    """Every command that reads a file, with otherwise good arguments."""
    return {
        "trace": ["trace", log, "--clip", "c1", "--to", "agency:ice-ero"],
        "reach": ["reach", log, "--to", "agency:ice-ero"],
        "check": ["check", log],
        "conduits": ["conduits", log],
        "cut": ["cut", log, "--from-kind", "resident", "--to-kind", "federal"],
        "whatif": ["whatif", log, "--rules", "ca-sb54"],
        "export": ["export", log, "--format", "json", "-o", str(d / "out.json")],
        "report": ["report", log, "--to", "agency:ice-ero", "-o", str(d / "report")],
        "serve": ["serve", log, "--port", "0", "--duration", "0.5"],
        "import": ["import", "flock-sharing", log, "-o", str(d / "imported.jsonl")],
        "audit verify": ["audit", "verify", log, "--unsigned"],
    }


def one_line_error(res: Result, *needles: str) -> None:
    lines = res.stderr.strip().splitlines()
    assert res.exit_code == 2, (res.exit_code, res.output, repr(res.exception))
    assert "Traceback" not in res.output and "Traceback" not in res.stderr
    assert len(lines) == 1, lines
    for n in needles:
        assert n in lines[0], (n, lines[0])


def as_nobody(args: list[str]) -> Result:
    os.seteuid(NOBODY)
    try:
        return runner.invoke(app, args)
    finally:
        os.seteuid(0)


NAMES = list(commands("x", Path("/")))


@pytest.mark.parametrize("name", NAMES)
def test_missing_file(name: str, place: Path) -> None:
    path = str(place / "missing.jsonl")
    one_line_error(runner.invoke(app, commands(path, place)[name]), path, "no such")


@pytest.mark.parametrize("name", NAMES)
def test_directory_instead_of_a_file(name: str, place: Path) -> None:
    one_line_error(runner.invoke(app, commands(str(place), place)[name]), str(place), "directory")


@pytest.mark.parametrize("name", NAMES)
def test_path_through_a_file(name: str, place: Path) -> None:
    path = str(place / "log.jsonl" / "x.jsonl")  # ENOTDIR: a file used as a folder
    one_line_error(runner.invoke(app, commands(path, place)[name]), path)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch the effective uid (as root, chmod 000 is "
                                              "no obstacle, so the test reads as 'nobody')")
@pytest.mark.parametrize("name", NAMES)
def test_file_without_read_permission(name: str, place: Path) -> None:
    f = place / "secret.jsonl"
    write_log(f, VALID)
    os.chmod(f, 0)
    one_line_error(as_nobody(commands(str(f), place)[name]), str(f), "Permission denied")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch the effective uid")
@pytest.mark.parametrize("name", NAMES)
def test_file_inside_a_folder_without_search_permission(name: str, place: Path) -> None:
    locked = place / "locked"
    locked.mkdir(exist_ok=True)
    write_log(locked / "log.jsonl", VALID)
    os.chmod(locked, 0)
    try:
        res = as_nobody(commands(str(locked / "log.jsonl"), place)[name])
    finally:
        os.chmod(locked, 0o755)
    one_line_error(res, str(locked / "log.jsonl"))


@pytest.mark.parametrize("args,needles", [
    (["check", "{log}", "--rules", "no-such-set"], ["no-such-set"]),
    (["whatif", "{log}", "--rules", "no-such-set"], ["no-such-set"]),
    (["whatif", "{log}", "--rules", "ca-sb54", "--base", "no-such-base"], ["no-such-base"]),
    (["report", "{log}", "--to", "agency:ice-ero", "-o", "{d}/r2", "--rules", "no-such-set"], ["no-such-set"]),
    (["serve", "{log}", "--port", "0", "--duration", "0.5", "--rules", "no-such-set"], ["no-such-set"]),
    (["check", "{log}", "--rules", "{d}/missing-rules.toml"], ["missing-rules.toml"]),
    (["simulate", "--scenario", "no-such-scenario", "--events", "10", "-o", "{d}/sim.jsonl"], ["no-such-scenario"]),
    (["simulate", "--scenario", "{d}/missing.toml", "--events", "10", "-o", "{d}/sim.jsonl"], ["missing.toml"]),
    (["serve", "--simulate", "no-such-scenario", "--port", "0", "--duration", "0.5"], ["no-such-scenario"]),
    (["demo", "--scenario", "no-such-scenario", "--in-process", "--events", "100", "-o", "{d}/demo"],
     ["no-such-scenario"]),
])
def test_unknown_rule_set_or_scenario(args: list[str], needles: list[str], place: Path) -> None:
    args = [a.format(log=place / "log.jsonl", d=place) for a in args]
    one_line_error(runner.invoke(app, args), *needles)


@pytest.mark.parametrize("args,needles", [
    (["trace", "{log}", "--clip", "no-clip", "--to", "agency:ice-ero"], ["clip 'no-clip'", "not in the log"]),
    (["trace", "{log}", "--clip", "c1", "--to", "agency:nobody"], ["party 'agency:nobody'", "not in the log"]),
    (["reach", "{log}", "--to", "agency:nobody"], ["party 'agency:nobody'"]),
    (["report", "{log}", "--to", "agency:nobody", "-o", "{d}/r3"], ["party 'agency:nobody'"]),
    (["cut", "{log}", "--from", "agency:nobody", "--to-kind", "federal"], ["party 'agency:nobody'"]),
    (["cut", "{log}", "--from-kind", "resident", "--to", "agency:nobody"], ["party 'agency:nobody'"]),
    (["conduits", "{log}", "--to", "agency:nobody"], ["agency:nobody"]),
])
def test_clip_or_party_not_in_the_log(args: list[str], needles: list[str], place: Path) -> None:
    args = [a.format(log=place / "log.jsonl", d=place) for a in args]
    one_line_error(runner.invoke(app, args), *needles)


@pytest.mark.parametrize("args,needles", [
    (["export", "{log}", "--format", "json", "-o", "{d}/no-such-dir/out.json"], ["no-such-dir"]),
    (["export", "{log}", "--format", "json", "-o", "{d}"], ["directory"]),
    (["export", "{log}", "--format", "bmp", "-o", "{d}/out.bmp"], ["bmp"]),
    (["report", "{log}", "--to", "agency:ice-ero", "-o", "{log}"], ["not a directory"]),
    (["simulate", "--events", "10", "-o", "{d}/no-such-dir/sim.jsonl"], ["no-such-dir"]),
    (["simulate", "--events", "10", "-o", "{d}"], ["{d}"]),
    (["trace", "{log}", "--clip", "c1", "--to", "agency:ice-ero", "--registry", "{d}/missing.json"],
     ["missing.json"]),
    (["check", "{log}", "--registry", "{log}"], ["registry"]),
])
def test_bad_output_or_side_file(args: list[str], needles: list[str], place: Path) -> None:
    args = [a.format(log=place / "log.jsonl", d=place) for a in args]
    needles = [n.format(d=place) for n in needles]
    one_line_error(runner.invoke(app, args), *needles)


@pytest.mark.parametrize("args,needles", [
    (["serve", "--broker", "kafka://127.0.0.1:{port}", "--duration", "1"], ["no Kafka broker", "connection refused"]),
    (["serve", "--broker", "kafka://no-such-host.invalid:9092", "--duration", "1"], ["no-such-host.invalid"]),
])
def test_nothing_to_listen_to(args: list[str], needles: list[str]) -> None:
    from streams.check import free_port

    port = free_port()
    one_line_error(runner.invoke(app, [a.format(port=port) for a in args]), *[n.format(port=port) for n in needles])


def test_bad_lines_inside_a_readable_log_are_dead_letters(tmp_path: Path) -> None:
    big = b'{"event_id":"big","type":"search","occurred_at":"2024-05-01T00:00:00Z","reason":"' + b"x" * (50 << 20) \
        + b'","searcher":"agency:a","networks_searched":1}'
    lines: list[object] = [
        VALID[0],
        b'{"event_id":"u","type":"search","reason":"caf\xe9"}',  # Latin-1, not UTF-8
        VALID[1],
        big,  # 50 MB: over the per-event limit
        VALID[2],
        b'{"event_id":"trunc","type":"transfer","occurred_at":"2024-05-0',  # truncated JSON
        VALID[3],
        VALID[1],  # delivered twice
    ]
    log = write_log(tmp_path / "log.jsonl", lines)
    res = runner.invoke(app, ["check", str(log), "--json", "--max-event-bytes", "1000000"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert (doc["events_in"], doc["processed"], doc["duplicates"], doc["dead_letters"]) == (8, 4, 1, 3)
    dead = {d["line"]: d["reason"] for d in doc["dead_letter_list"]}
    assert set(dead) == {2, 4, 6}
    assert "UTF-8" in dead[2] and "too large" in dead[4] and "not JSON" in dead[6]
    # The analyses read the same log: they say what was set aside, and still answer.
    tr = runner.invoke(app, ["trace", str(log), "--clip", "c1", "--to", "agency:ice-ero", "--json"])
    assert tr.exit_code == 0 and json.loads(tr.stdout)["count"] == 1
    said = " ".join(tr.stderr.split())  # rich wraps the warning at 80 columns
    assert "3 bad line(s)" in said and "line 2" in said


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path,needles", [
    ("tests/data/flock-sharing/agency_access20250101.csv", ["Flock sharing CSV", "custodiet import flock-sharing"]),
    ("tests/data/flock-audit/messy-audit.csv", ["Flock search audit CSV", "custodiet import flock-audit"]),
    ("tests/data/atlas-ring/atlas-messy.csv", ["Atlas", "custodiet import atlas-ring"]),
    ("tests/data/flock-portal/atherton-ca-pd.json", ["transparency-portal record", "custodiet import flock-portal"]),
    ("policies/ca-sb34.toml", ["rule set", "--rules"]),
    ("scenarios/ring-2021-rfa.toml", ["scenario", "--scenario"]),
    ("README.md", ["not JSON lines", "# custodiet"]),
    ("pyproject.toml", ["TOML"]),
])
@pytest.mark.parametrize("command", ["check", "trace", "serve"])
def test_a_file_of_another_kind_is_named_with_the_command_that_reads_it(path: str, needles: list[str],
                                                                        command: str) -> None:
    args = {"check": ["check", str(ROOT / path), "--json"],
            "trace": ["trace", str(ROOT / path), "--clip", "c1", "--to", "agency:ice-ero"],
            "serve": ["serve", str(ROOT / path), "--port", "0", "--duration", "0"]}[command]
    res = runner.invoke(app, args)
    one_line_error(res, path, "not an events log", *needles)
    assert res.stdout == ""


@pytest.mark.parametrize("content,needle", [
    (b"", "is empty"),
    (b"\n \n\t\n", "is empty"),
    (bytes(range(256)) * 8, "binary data"),
    (b"\x1f\x8b\x08\x00rest", "gzip"),
    (b"PK\x03\x04rest", "spreadsheet"),
    (b'[{"event_id": "e1", "type": "transfer"}]', "JSON array of events"),
    (b'{"seq":1,"time":"t","component":"audit","event_type":"trail_opened","actor":"a","outcome":"ok",'
     b'"detail":{},"prev":"0"}\n', "audit trail"),
    (b'[{"id": "agency:a-pd", "kind": "local"}]', "party registry"),
    (b'{"a": 1}\n{"b": 2}\n', "without event_id or type"),
    (b"id;name\n1;x\n", "CSV"),
])
def test_plainly_not_an_events_log(tmp_path: Path, content: bytes, needle: str) -> None:
    f = tmp_path / "input.jsonl"
    f.write_bytes(content)
    one_line_error(runner.invoke(app, ["check", str(f)]), str(f), needle)


@pytest.mark.parametrize("head", [
    b'{"event_id":"x","type":"transfer","occurred_at":"2024-05-0',  # cut short
    b"not json at all",  # one bad line first, then events
    b'{"event_id": 1}',  # a broken event
])
def test_an_events_log_with_bad_lines_first_still_gives_dead_letters(tmp_path: Path, head: bytes) -> None:
    log = write_log(tmp_path / "log.jsonl", [head, *VALID])
    res = runner.invoke(app, ["check", str(log), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert (doc["events_in"], doc["processed"], doc["dead_letters"]) == (5, 4, 1)
    assert doc["dead_letter_list"][0]["line"] == 1


def test_empty_stdin_says_so() -> None:
    one_line_error(runner.invoke(app, ["check", "-"], input=""), "stdin", "empty")


def test_followed_log_may_start_empty(tmp_path: Path) -> None:
    f = tmp_path / "growing.jsonl"
    f.write_bytes(b"")
    res = runner.invoke(app, ["serve", str(f), "--follow", "--port", "0", "--duration", "0"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("argv,needles", [
    (["check", "{log}", "--max-event-bytes", "10"], ["check:", "--max-event-bytes", "custodiet check --help"]),
    (["trace", "{log}", "--limit", "-1"], ["trace:", "--limit"]),
    (["check"], ["Missing argument"]),
    (["check", "{log}", "--bogus"], ["No such option: --bogus"]),
    (["no-such-command"], ["No such command 'no-such-command'"]),
    (["simulate", "--seed", "abc"], ["--seed"]),
    (["simulate", "--events", "0", "-o", "{log}.sim"], ["--events"]),
    (["audit", "verify"], ["audit verify:", "Missing argument"]),
    (["audit", "verify", "{log}", "--key-env", ""], ["--key-env"]),
    (["export", "{log}", "--format", "json", "-o", "/dev/full"], ["No space left on device"]),
])
def test_command_line_misuse_is_one_line(argv: list[str], needles: list[str], place: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Through the real entry point: the command-line library's own errors are one line too."""
    from custodiet.cli import main

    with pytest.raises(SystemExit) as done:
        main([a.format(log=place / "log.jsonl") for a in argv])
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert done.value.code == 2, (done.value.code, captured.err)
    assert len(lines) == 1 and lines[0].startswith("custodiet: error: "), lines
    assert "Traceback" not in captured.err + captured.out
    for n in needles:
        assert n in lines[0], (n, lines[0])


def test_audit_trail_that_cannot_be_written_or_continued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTODIET_AUDIT_KEY", "k")
    log = write_log(tmp_path / "log.jsonl", VALID)
    one_line_error(runner.invoke(app, ["check", str(log), "--audit", str(tmp_path / "no" / "a.jsonl")]),
                   "cannot write the audit trail")
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(b"\xc3(not a trail\n")
    res = runner.invoke(app, ["check", str(log), "--audit", str(garbage)])
    one_line_error(res, str(garbage), "damaged record", "verify the trail")
    assert res.stderr.count(str(garbage)) == 1


def test_stdin_that_is_plainly_not_events_is_refused() -> None:
    import subprocess
    import sys

    cli = str(Path(sys.executable).with_name("custodiet"))
    csv_bytes = (ROOT / "tests/data/flock-sharing/agency_access20250101.csv").read_bytes()
    done = subprocess.run([cli, "check", "-"], input=csv_bytes, capture_output=True, timeout=120)
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "stdin: not an events log: looks like a Flock sharing CSV" in lines[0]
    events = b"\n".join(json.dumps(e).encode() for e in VALID) + b"\n"
    done = subprocess.run([cli, "check", "-", "--json"], input=events, capture_output=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["processed"] == 4, done.stderr
