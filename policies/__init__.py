"""Rule sets as data: one TOML file per rule set (see judge/rulesets.py for the format).

>>> "ca-sb34" in available_rule_sets()
True
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["POLICY_DIR", "available_rule_sets"]

#: The folder of the rule sets that ship with custodiet.
POLICY_DIR = Path(__file__).resolve().parent


def available_rule_sets() -> list[str]:
    """Names of the rule sets that ship with custodiet (the stems of ``policies/*.toml``; a rule set's
    cases live in ``policies/cases/``, or beside it as ``<set>.cases.toml``, and are not rule sets)."""
    return sorted(p.stem for p in POLICY_DIR.glob("*.toml") if not p.name.endswith(".cases.toml"))
