"""The docker-compose stack: its structure (one image built once, health checks that ask each service's
own web view, a build context without venv, outputs or history), checked without Docker; the health
checks run for real against a worker and a tracer on the local broker, healthy and then stopped; and the
whole stack where a Docker engine answers (CI machines here have none: the same pipeline is covered
against the local broker in test_streaming.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from custodiet.health import probe

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "custodiet:local"


def _docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _ours(compose: dict) -> dict[str, dict]:
    """The services that run custodiet code (every one but Kafka)."""
    return {name: s for name, s in compose["services"].items() if "kafka" not in str(s.get("image", ""))
            or s.get("image") == IMAGE}


def test_compose_file_names_every_service(compose: dict) -> None:
    services = compose["services"]
    assert services["kafka"]["image"].startswith("apache/kafka")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["worker"]["deploy"]["replicas"] == 2
    assert "streams.tracer" in services["tracer"]["command"]
    assert "streams.services" in " ".join(services["producer"]["command"])
    for name in ("worker", "tracer", "live", "producer", "topics"):
        assert services[name]["environment"]["BROKER_URL"] == "kafka://kafka:9092", name


def test_one_image_built_once_and_run_by_every_service(compose: dict) -> None:
    ours = _ours(compose)
    assert set(ours) == {"topics", "worker", "tracer", "live", "producer"}
    assert {s["image"] for s in ours.values()} == {IMAGE}
    builders = [name for name, s in ours.items() if "build" in s]
    assert builders == ["topics"], builders  # topics runs first: everything else waits on it
    assert ours["topics"]["pull_policy"] == "build"
    for name, s in ours.items():
        if name != "topics":
            assert s["pull_policy"] == "never", name  # never pulled from a registry: the one built here
            assert "topics" in s.get("depends_on", {}) or "worker" in s.get("depends_on", {}), name


def _health(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD", test  # exec form: no shell, so no `|| exit 0` can hide a failure
    return test[1:]


def _web_port(service: dict) -> int:
    cmd = service["command"]
    flag = "--web-port" if "--web-port" in cmd else "--port"
    return int(cmd[cmd.index(flag) + 1])


@pytest.mark.parametrize("name,path,key", [
    ("worker", "/", "status"),
    ("tracer", "/reach/", "partitions"),
    ("live", "/api/stats", "events_in"),
])
def test_health_checks_ask_the_service_itself(compose: dict, name: str, path: str, key: str) -> None:
    service = compose["services"][name]
    test = _health(service)
    text = " ".join(test)
    assert "os.kill" not in text and "exit 0" not in text and "||" not in text
    assert test[:3] == ["python", "-m", "custodiet.health"], test
    url = test[3]
    assert url.startswith(f"http://127.0.0.1:{_web_port(service)}{path}"), (url, service["command"])
    assert test[test.index("--expect") + 1] == key
    assert service["healthcheck"]["retries"] >= 1


def test_producer_waits_for_healthy_workers(compose: dict) -> None:
    assert compose["services"]["producer"]["depends_on"]["worker"]["condition"] == "service_healthy"


def _ignored(rel: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's .dockerignore rule: a path is left out when the last pattern matching it or one of its
    parent folders is not negated (``*`` stops at ``/``, ``**`` does not)."""
    parts = rel.split("/")
    out = False
    for negate, rx in patterns:
        if any(rx.fullmatch("/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            out = not negate
    return out


def _dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    pats = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line.lstrip("!").strip("/")
        rx = re.escape(line).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        pats.append((negate, re.compile(rx.replace(r"\?", "[^/]"))))
    return pats


def test_dockerignore_keeps_the_context_to_the_sources(tmp_path: Path) -> None:
    pats = _dockerignore()
    # What a working copy holds after `make demo`, the README's commands and the tests.
    for junk in (".venv/lib/python3.11/site-packages/x.py", ".git/objects/ab/cd",
                 "custodiet-demo-report/index.html", "demo.jsonl", "nc-sharing.jsonl", "nc-registry.json",
                 "fbi-report/index.html", "judge/__pycache__/x.pyc", "tests/data/flock-sharing/x.csv",
                 "bench/results.json", "custodiet.egg-info/PKG-INFO", ".hypothesis/examples/x", "docs/live-view.png"):
        assert _ignored(junk, pats), junk
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for pkg in packages:
        assert not _ignored(f"{pkg}/__init__.py", pats), pkg
        for pattern in data.get(pkg, []):
            for f in (ROOT / pkg).glob(pattern):
                assert not _ignored(f.relative_to(ROOT).as_posix(), pats), f
    for needed in ("pyproject.toml", "README.md"):
        assert not _ignored(needed, pats), needed
    # The context this working copy would send: the sources, a few megabytes at most.
    sent = [p for p in ROOT.rglob("*") if p.is_file() and not _ignored(p.relative_to(ROOT).as_posix(), pats)]
    size = sum(p.stat().st_size for p in sent)
    assert size < 8 << 20, (size, sorted(sent, key=lambda p: -p.stat().st_size)[:5])
    assert any(p.name == "__init__.py" and p.parent.name == "streams" for p in sent)


def test_dockerfile_installs_the_whole_context() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "COPY . ." in text and "pip install --no-cache-dir ." in text


# -- the health checks, run for real -------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def worker_and_tracer(kafka_bootstrap: str) -> Iterator[dict[str, tuple[subprocess.Popen[bytes], int]]]:
    run = uuid.uuid4().hex[:8]
    log_dir = Path(tempfile.mkdtemp(prefix="custodiet-health-"))
    procs: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    for name, module in (("worker", "streams.worker"), ("tracer", "streams.tracer")):
        port = _free_port()
        env = {**os.environ, "CUSTODIET_BROKER": f"kafka://{kafka_bootstrap}",
               "CUSTODIET_TOPIC_PREFIX": f"custodiet-health-{run}.", "CUSTODIET_APP_ID": f"custodiet-health-{run}",
               "CUSTODIET_DATA_DIR": str(log_dir / name), "PYTHONPATH": str(ROOT)}
        env.pop("BROKER_URL", None)
        with (log_dir / f"{name}.log").open("ab") as log:
            procs[name] = (subprocess.Popen([sys.executable, "-m", module, "worker", "-l", "warn", "--web-port",
                                             str(port)], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT),
                           port)
    try:
        yield procs
    finally:
        for proc, _ in procs.values():
            proc.terminate()
        for proc, _ in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(log_dir, ignore_errors=True)


def _run_health(test: list[str], port: int, compose_port: int) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable if x == "python" else x.replace(f":{compose_port}/", f":{port}/") for x in test]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=ROOT)


@pytest.mark.broker
def test_health_checks_pass_on_a_live_service_and_fail_on_a_stopped_one(
        compose: dict, worker_and_tracer: dict[str, tuple[subprocess.Popen[bytes], int]]) -> None:
    for name, (proc, port) in worker_and_tracer.items():
        service = compose["services"][name]
        test, compose_port = _health(service), _web_port(service)
        deadline = time.monotonic() + 120
        while (done := _run_health(test, port, compose_port)).returncode != 0:  # start-up: joins the group
            assert proc.poll() is None, f"{name} exited"
            assert time.monotonic() < deadline, (name, done.stderr)
        assert "status" in done.stdout
    for name, (proc, port) in worker_and_tracer.items():
        proc.terminate()
        proc.wait(timeout=30)
        service = compose["services"][name]
        done = _run_health(_health(service), port, _web_port(service))
        assert done.returncode == 1 and "no answer" in done.stderr, (name, done.stdout, done.stderr)


def test_health_probe_refuses_answers_that_are_not_the_view(tmp_path: Path) -> None:
    """A server error, a page that is not JSON, a JSON answer without the key: all unhealthy."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            status, body = {"/500": (500, b'{"status":"x"}'), "/html": (200, b"<html></html>"),
                            "/other": (200, b'{"other":1}'), "/ok": (404, b'{"partitions":[]}')}[self.path]
            self.send_response(status)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        assert probe(f"{base}/500", "status") == (False, f"{base}/500: server error 500")
        assert probe(f"{base}/html", "status")[1].endswith("not a JSON answer")
        assert probe(f"{base}/other", "status")[1].endswith("has no 'status'")
        assert probe(f"{base}/ok", "partitions")[0] is True
    finally:
        srv.shutdown()


@pytest.mark.skipif(not _docker_answers(), reason="no Docker engine answers on this machine")
def test_compose_smoke() -> None:
    up = subprocess.run(["docker", "compose", "up", "--build", "-d", "--wait"], cwd=ROOT, timeout=900)
    assert up.returncode == 0
    try:
        deadline = time.monotonic() + 300
        doc: dict = {}
        while not doc.get("clip_count"):
            assert time.monotonic() < deadline, doc
            try:
                with urllib.request.urlopen("http://127.0.0.1:6066/reach/?to=agency:ice-ero", timeout=5) as r:
                    doc = json.loads(r.read())
            except OSError:
                doc = {}
        assert doc["clip_count"] > 0 and doc["to"] == "agency:ice-ero"
    finally:
        subprocess.run(["docker", "compose", "down", "-v"], cwd=ROOT, timeout=300)
