"""The docker-compose stack, where a Docker engine answers (CI machines here have none: the same pipeline
is covered against the local broker in test_streaming.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


def test_compose_file_names_every_service() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for needle in ("apache/kafka", "KAFKA_PROCESS_ROLES: broker,controller", "BROKER_URL", "replicas: 2",
                   "streams.tracer", "streams.services", "healthcheck"):
        assert needle in text


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
