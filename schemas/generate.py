"""Generate the JSON Schema files under ``schemas/json/`` from the pydantic models (never by hand).

>>> files = generated()
>>> sorted(files)[:3]
['access_grant.schema.json', 'clip_recorded.schema.json', 'consent_decision.schema.json']
>>> '"footage_request"' in files["event.schema.json"]
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from schemas.events import EVENT_ADAPTER, EVENT_MODELS
from schemas.parties import Party

__all__ = ["generated", "write", "stale", "JSON_DIR"]

JSON_DIR = Path(__file__).resolve().parent / "json"
_BASE = "https://custodiet.invalid/schemas/v1/"


def _doc(schema: dict[str, Any], name: str, title: str) -> str:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": _BASE + name, "title": title,
              **{k: v for k, v in schema.items() if k != "title"}}
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def generated() -> dict[str, str]:
    """File name -> JSON Schema text, for every event type, the event union and the party registry."""
    files = {"event.schema.json": _doc(EVENT_ADAPTER.json_schema(), "event.schema.json", "custodiet event (v1)")}
    for model in EVENT_MODELS:
        name = model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
        files[f"{name}.schema.json"] = _doc(model.model_json_schema(), f"{name}.schema.json", f"custodiet {name} (v1)")
    files["party-registry.schema.json"] = _doc(
        TypeAdapter(list[Party]).json_schema(), "party-registry.schema.json", "custodiet party registry")
    return files


def write(directory: Path = JSON_DIR) -> list[Path]:
    """Write every schema file; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generated().items():
        p = directory / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def stale(directory: Path = JSON_DIR) -> list[str]:
    """Names of committed schema files that differ from what the models generate (or are missing)."""
    return [name for name, text in generated().items()
            if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != text]
