"""Load scenario files by name or path, with errors that name the file and the field; and the JSON Schema
of the scenario file, generated from the model (``scenarios/scenario.schema.json``, never edited by hand).

>>> s = load_scenario("default")
>>> s.name, s.channel.kind, "ring-2019-portal" in s.rule_sets
('ring-2019-portal', 'portal', True)
>>> "ring-2025-community" in available_scenarios()
True
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scenarios.model import Scenario

__all__ = [
    "ScenarioError",
    "ALIASES",
    "SCENARIO_DIR",
    "SCHEMA_PATH",
    "available_scenarios",
    "load_scenario",
    "resolve_name",
    "schema_text",
    "write_schema",
    "schema_is_stale",
]

SCENARIO_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = SCENARIO_DIR / "scenario.schema.json"
#: Names that stand for another scenario. ``default`` is the demo's: the 2019 portal era, when a police
#: request e-mailed every owner in an area, with California, Illinois and Texas agencies.
ALIASES: dict[str, str] = {"default": "ring-2019-portal"}


class ScenarioError(ValueError):
    """A scenario that does not exist or does not load; the message names the file and the field."""


def available_scenarios() -> list[str]:
    """Names of the scenario files that ship with custodiet (aliases not included).

    >>> available_scenarios()[0]
    'ring-2019-portal'
    """
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_name(name: str) -> str:
    """The scenario an alias stands for (a name that is no alias stands for itself).

    >>> resolve_name("default"), resolve_name("ring-2021-rfa")
    ('ring-2019-portal', 'ring-2021-rfa')
    """
    return ALIASES.get(name, name)


def _path_of(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(text)
        if not path.is_file():
            raise ScenarioError(f"{path}: no such scenario file")
        return path
    name = resolve_name(text)
    path = SCENARIO_DIR / f"{name}.toml"
    if not path.is_file():
        known = ", ".join([*available_scenarios(), *sorted(ALIASES)])
        raise ScenarioError(f"unknown scenario {text!r} (known: {known})")
    return path


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a scenario by name (``ring-2019-portal``, ``default``) or from a TOML file path.

    >>> load_scenario("nope")
    Traceback (most recent call last):
    ...
    scenarios.load.ScenarioError: unknown scenario 'nope' (known: ring-2019-portal, ring-2021-rfa, \
ring-2024-warrants-only, ring-2025-community, ring-flock-2025-whatif, default)
    """
    path = _path_of(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ScenarioError(f"{path}: cannot read ({e.strerror})") from e
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: not TOML ({e})") from e
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ScenarioError(f"{path}: field '{loc}': {first['msg']}") from e
    _check_rule_sets(scenario, path)
    return scenario


def _check_rule_sets(scenario: Scenario, path: Path) -> None:
    from policies import available_rule_sets

    known = available_rule_sets()
    for i, name in enumerate(scenario.rule_sets):
        if name not in known:
            raise ScenarioError(
                f"{path}: field 'rule_sets.{i}': unknown rule set {name!r} (known: {', '.join(known)})"
            )


def schema_text() -> str:
    """The JSON Schema of a scenario file, generated from :class:`scenarios.model.Scenario`.

    >>> json.loads(schema_text())["title"]
    'custodiet scenario'
    """
    schema: dict[str, Any] = Scenario.model_json_schema()
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://custodiet.invalid/schemas/v1/scenario.schema.json",
        **{k: v for k, v in schema.items() if k != "title"},
        "title": "custodiet scenario",
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the generated schema to ``path`` (the committed ``scenarios/scenario.schema.json``)."""
    path.write_text(schema_text(), encoding="utf-8")
    return path


def schema_is_stale(path: Path = SCHEMA_PATH) -> bool:
    """Whether the committed schema differs from what the model generates.

    >>> schema_is_stale()
    False
    """
    return not path.is_file() or path.read_text(encoding="utf-8") != schema_text()
