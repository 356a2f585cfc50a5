"""Analyses that need both the judge and the custody graph (what-if), above ``judge`` and ``graph``."""
