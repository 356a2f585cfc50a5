"""The wire format, and nothing else: the event models of events v1 (``events``), party ids and the party
registry (``parties``), the records that travel on output topics (``records``: verdicts, violations, custody
edges, dead letters), what flows along which link (``flow``: the one mapping from an event to custody edges),
distances between the points events carry (``geo``), and the JSON Schemas generated from the models
(``json/``, written by ``generate``). Imports nothing of ours.
"""
