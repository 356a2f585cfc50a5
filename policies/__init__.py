"""Rule sets as data: one TOML file per rule set (see judge/rulesets.py for the format)."""
