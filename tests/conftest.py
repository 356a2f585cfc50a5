"""Shared fixtures: event builders and the real-data folder; broker fixtures come from broker_fixtures."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.broker_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; a data test may skip only when it is absent outside CI."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing in CI")
        pytest.skip(f"{SHARED_DATA} is absent (outside CI)")
    return SHARED_DATA


@pytest.fixture
def nc_edges(shared_data: Path) -> Path:
    """The NC sharing CSV of ``../shared/data``; skipped only when it is absent outside CI."""
    path = shared_data / "flock-sharing-nc-2024" / "agency_access20240426.csv"
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing at {path} (CI is set)")
        pytest.skip("shared data not present")
    return path


def ts(day: int, hour: int = 0, minute: int = 0) -> str:
    """An RFC 3339 UTC time in May 2024."""
    return f"2024-05-{day:02d}T{hour:02d}:{minute:02d}:00Z"


def ev(type_: str, eid: str, at: str, **fields: Any) -> dict[str, Any]:
    """An event dict."""
    return {"event_id": eid, "type": type_, "occurred_at": at, **fields}


def rec(eid: str, clip: str, owner: str, at: str, platform: str = "ring", **kw: Any) -> dict[str, Any]:
    return ev("clip_recorded", eid, at, clip_id=clip, owner=owner, platform=platform, **kw)


def xfer(eid: str, clip: str, src: str, dst: str, at: str, basis: str = "agreement", purpose: str = "investigation",
         **kw: Any) -> dict[str, Any]:
    return ev("transfer", eid, at, clip_id=clip, from_party=src, to_party=dst, basis=basis, purpose=purpose, **kw)


def write_log(path: Path, events: list[Any]) -> Path:
    """Write dicts as JSON lines (strings and bytes are written as they are)."""
    with path.open("wb") as f:
        for e in events:
            if isinstance(e, bytes):
                f.write(e + b"\n")
            elif isinstance(e, str):
                f.write(e.encode() + b"\n")
            else:
                f.write(json.dumps(e).encode() + b"\n")
    return path
