"""Scenario files (eras, rule sets, real agencies, calibration facts) as data, their model (``model``) and
loader (``load``), and the scenario JSON Schema. Does not import the judge.
"""
