"""Every command block of README.md runs, as pasted, against the shipped data and a local broker.

How the README is read: each fenced block's language tag says what it is. ``sh`` (``bash``, ``shell``)
and ``python`` blocks are commands and are run; ``text``, ``toml``, ``json`` and ``yaml`` blocks are
shown, not run; a block with no tag, or another tag, fails the first test (so a new block says which it
is). A ``##`` section whose commands start background processes (``cmd &``) runs in ONE bash shell, its
blocks in order, as if pasted into one terminal (the later blocks use what the first started: the broker,
its jobs); any other block runs in a shell of its own. ``python`` blocks run through ``python -``; ``set -e``
makes a failing command fail the test; processes left in the background are stopped when the shell ends
(the README stops them itself, and the test makes sure). These units run side by side, except that one
that names a file an earlier unit writes (``-o FILE``, ``--registry FILE``) waits for that unit.

Where: a temporary folder holding links to the project's files, beside a link named ``shared`` to the
real ``../shared`` (so ``../shared/data/...`` resolves as in a checkout); outputs land in the temporary
folder. The venv's ``bin`` is first on PATH (what ``. .venv/bin/activate`` does).

What the test changes, and why: the fixed ports of the examples (19092, 6066, 6067) become free ports, so
two runs on one machine do not collide; ``make`` gets ``-o .venv/.installed`` (the venv exists; a copy
must not reinstall it); ``make test`` becomes ``make -n test``: this test is part of ``make test``, so the
target is checked and not recursed into.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RUN_TAGS = {"sh": "sh", "bash": "sh", "shell": "sh", "python": "python"}
SHOWN_TAGS = {"text", "toml", "json", "yaml"}
FIXED_PORTS = ("19092", "6066", "6067")
OUTPUT_FLAGS = ("-o", "--output", "--registry", "--report")
SECTION_TIMEOUT_S = 600


@dataclass
class Block:
    tag: str
    text: str
    line: int


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def runnable(self) -> list[Block]:
        return [b for b in self.blocks if b.tag in RUN_TAGS]


def read_readme(text: str) -> list[Section]:
    """The README's ``##`` sections and their fenced blocks.

    >>> [(s.title, [(b.tag, b.text) for b in s.blocks]) for s in read_readme("## A\\n```sh\\nls\\n```\\n## B\\n")]
    [('(top)', []), ('A', [('sh', 'ls')]), ('B', [])]
    """
    sections = [Section("(top)")]
    fence: Block | None = None
    lines: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        if fence is None:
            if line.startswith("## "):
                sections.append(Section(line[3:].strip()))
            elif line.startswith("```"):
                fence = Block(line[3:].strip().split(" ")[0] if line[3:].strip() else "", "", n)
                lines = []
        elif line.startswith("```"):
            fence.text = "\n".join(lines)
            sections[-1].blocks.append(fence)
            fence = None
        else:
            lines.append(line)
    assert fence is None, f"README.md line {fence.line}: a fenced block is never closed"
    return sections


_BACKGROUND = re.compile(r"(?<![&>|])&(?![&>])")


def units_of(sections: list[Section]) -> list[Section]:
    """What runs in one shell: a section that starts background processes, else each block alone.

    >>> [u.title for u in units_of(read_readme("## A\\n```sh\\na &\\n```\\n```sh\\nb\\n```\\n## B\\n"
    ...                                                 "```sh\\nc 2>&1\\n```\\n```sh\\nd && e\\n```\\n"))]
    ['A', 'B (line 9)', 'B (line 12)']
    """
    units = []
    for s in sections:
        if not s.runnable:
            continue
        if any(_BACKGROUND.search(line) for b in s.runnable if b.tag == "sh" for line in b.text.splitlines()):
            units.append(s)
        else:
            units += [Section(f"{s.title} (line {b.line})", [b]) for b in s.runnable]
    return units


def outputs_of(section: Section) -> set[str]:
    """Files a section's commands write (the word after -o, --output, --registry, --report)."""
    found: set[str] = set()
    for b in section.runnable:
        words = b.text.replace("\\\n", " ").split()
        found |= {words[i + 1].strip("'\"") for i, w in enumerate(words[:-1]) if w in OUTPUT_FLAGS}
    return found


def mentions(section: Section) -> set[str]:
    return {w.strip("'\"") for b in section.runnable for w in b.text.split()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def script_of(section: Section, ports: dict[str, str]) -> str:
    """One bash script: the section's blocks in order, with the substitutions the module docstring names."""
    parts = ["set -e -o pipefail", "PS4='+ README: '", "set -x"]
    for b in section.runnable:
        text = b.text
        for old, new in ports.items():
            text = re.sub(rf"(?<!\d){old}(?!\d)", new, text)
        if b.tag == "python":
            parts.append(f"python - <<'CUSTODIET_README_PY'\n{text}\nCUSTODIET_README_PY")
        else:
            text = re.sub(r"(?m)^make test\b", "make -n test", text)
            text = re.sub(r"(?m)^make\b", "make -o .venv/.installed", text)
            parts.append(text)
    return "\n".join(parts) + "\n"


def lay_out(tmp: Path) -> Path:
    """``tmp/proj`` (links to the project's files) beside ``tmp/shared`` (a link to the real one)."""
    proj = tmp / "proj"
    proj.mkdir()
    shared = ROOT.parent / "shared"
    if shared.exists():
        (tmp / "shared").symlink_to(shared.resolve())
    for entry in ROOT.iterdir():
        if entry.name in (".git", "custodiet-demo-report") or entry.name.endswith(".egg-info"):
            continue
        (proj / entry.name).symlink_to(entry)
    return proj


def run_section(section: Section, cwd: Path, env: dict[str, str], ports: dict[str, str],
                log: Path) -> tuple[int | None, float]:
    """Run one section's script; stop whatever it left running; ``(exit status, seconds)``."""
    script = log.with_suffix(".sh")
    script.write_text(script_of(section, ports))
    start = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(["bash", str(script)], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code: int | None = proc.wait(timeout=SECTION_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            _stop_group(proc.pid)
    return code, time.monotonic() - start


def _stop_group(pgid: int) -> None:
    """SIGTERM the process group this test started, then SIGKILL what is left after a grace period."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)  # polling the group's exit


def test_every_block_says_whether_it_runs() -> None:
    sections = read_readme(README.read_text())
    blocks = [b for s in sections for b in s.blocks]
    assert blocks
    bad = [(b.line, b.tag) for b in blocks if b.tag not in RUN_TAGS and b.tag not in SHOWN_TAGS]
    assert not bad, f"README.md blocks with no known language tag (line, tag): {bad}; tag commands sh or " \
                    f"python, and what is only shown {sorted(SHOWN_TAGS)}"
    assert sum(b.tag in RUN_TAGS for b in blocks) >= 5


def test_substitutions_keep_the_commands() -> None:
    section = Section("x", [Block("sh", "make demo\nmake test\ncustodiet broker --port 19092 &\ncurl :6066/ :60661",
                                  1)])
    script = script_of(section, {"19092": "40001", "6066": "40002"})
    assert "make -o .venv/.installed demo" in script and "make -o .venv/.installed -n test" in script
    assert "--port 40001 &" in script and ":40002/ :60661" in script


@pytest.mark.broker
def test_readme_commands_run_as_pasted(tmp_path: Path) -> None:
    sections = units_of(read_readme(README.read_text()))
    proj = lay_out(tmp_path)
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if k != "BROKER_URL" and not k.startswith("CUSTODIET_")}
    env.update(PATH=bin_dir + os.pathsep + env.get("PATH", ""), VIRTUAL_ENV=str(Path(bin_dir).parent),
               PYTHONUNBUFFERED="1")
    ports = {p: str(free_port()) for p in FIXED_PORTS}
    done = {s.title: threading.Event() for s in sections}
    results: dict[str, tuple[int | None, float, Path] | str] = {}
    writes = {s.title: outputs_of(s) for s in sections}

    def lane(i: int, section: Section) -> None:
        try:
            needs = [e.title for e in sections[:i] if writes[e.title] & mentions(section)]
            for title in needs:
                done[title].wait()
                r = results.get(title)
                if not isinstance(r, tuple) or r[0] != 0:
                    results[section.title] = f"not run: it reads what section {title!r} writes, which failed"
                    return
            log = tmp_path / f"section-{i}.log"
            code, seconds = run_section(section, proj, env, ports, log)
            results[section.title] = (code, seconds, log)
        except Exception as e:  # noqa: BLE001 - reported below, never lost in a thread
            results[section.title] = f"error: {e!r}"
        finally:
            done[section.title].set()

    threads = [threading.Thread(target=lane, args=(i, s), daemon=True) for i, s in enumerate(sections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECTION_TIMEOUT_S * 2)
    failures = []
    for s in sections:
        r = results.get(s.title, "did not finish")
        if isinstance(r, str):
            failures.append(f"## {s.title}: {r}")
        elif r[0] != 0:
            tail = r[2].read_text(errors="replace")[-4000:]
            status = "timed out" if r[0] is None else f"exit status {r[0]}"
            failures.append(f"## {s.title}: {status} after {r[1]:.0f}s\n{tail}")
    timings = ", ".join(f"{t}: {r[1]:.0f}s" for t, r in results.items() if isinstance(r, tuple))
    print(f"README sections run: {timings}")
    assert not failures, "\n\n".join(failures)
    shutil.rmtree(proj / "custodiet-demo-report", ignore_errors=True)
