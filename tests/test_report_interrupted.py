"""Ctrl-C during ``custodiet report``: the command is started as a user starts it, and interrupted (SIGINT) once
it has begun writing. What was there before is left exactly as it was (an old report, or nothing); no
half-written folder is left beside it, and no old ``index.html`` beside new CSVs."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from custodiet.cli import main; main()"]


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sim") / "sim.jsonl"
    subprocess.run([*CLI, "simulate", "--seed", "7", "--events", "6000", "-o", str(path)], check=True, cwd=ROOT,
                   capture_output=True, timeout=600)
    return path


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _interrupt_once_writing(args: list[str], parent: Path, files_written: int) -> int:
    """Run ``custodiet *args``; send SIGINT once a staging folder in ``parent`` holds ``files_written`` files
    (0: once it exists); the exit status."""
    proc = subprocess.Popen([*CLI, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sent = False
    while True:
        try:
            proc.wait(timeout=0.02)
            break
        except subprocess.TimeoutExpired:
            pass
        staging = [p for p in parent.iterdir() if p.name.endswith(".partial")]
        if staging and not sent:
            try:
                n = sum(1 for _ in staging[0].iterdir())
            except FileNotFoundError:
                continue
            if n >= files_written:
                proc.send_signal(signal.SIGINT)
                sent = True
    assert sent, "the report ended before it could be interrupted"
    return proc.returncode


@pytest.mark.parametrize("files_written", [0, 3])
def test_an_old_report_stays_whole(log: Path, tmp_path: Path, files_written: int) -> None:
    out = tmp_path / "report"
    subprocess.run([*CLI, "report", str(log), "--to", "agency:fbi", "-o", str(out)], check=True, cwd=ROOT,
                   capture_output=True, timeout=600)
    before = _files(out)
    assert "index.html" in before and any(n.endswith(".csv") for n in before)
    for _ in range(3):  # a signal that lands after the report was moved into place finds nothing to stop
        status = _interrupt_once_writing(["report", str(log), "--to", "agency:ice-ero", "-o", str(out)], tmp_path,
                                         files_written)
        if status != 0:
            break
        assert "index.html" in _files(out)  # then the new report is there whole
        subprocess.run([*CLI, "report", str(log), "--to", "agency:fbi", "-o", str(out)], check=True, cwd=ROOT,
                       capture_output=True, timeout=600)
        before = _files(out)
    assert status != 0
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_new_report_is_all_or_nothing(log: Path, tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    status = _interrupt_once_writing(["report", str(log), "--to", "agency:ice-ero", "-o", str(out)], tmp_path, 2)
    assert status != 0
    assert list(tmp_path.iterdir()) == []
