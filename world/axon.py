"""Axon: Ring Community Requests (April 2025 -) deliver what owners share into the requesting agency's
evidence store: a ``transfer`` from the owner to the agency ``via`` ``platform:axon``.

>>> from scenarios.load import load_scenario
>>> from world.bus import LocalBus
>>> from world.world import World
>>> s = load_scenario("ring-2025-community"); bus = LocalBus()
>>> axon = AxonService(s, 1, bus, World(s, 1)); axon.attach()
>>> axon.emit("footage_request", s.start_ts, request_id="q", requester="agency:x-pd", platform="ring",
...   area={"lat": 0, "lon": 0, "radius_m": 1}, window={"start": "2025-04-01T00:00:00Z",
...   "end": "2025-04-01T00:00:00Z"}, investigation_code="C", purpose="burglary")["event_id"]
'axon-0000001'
>>> _ = bus.publish("consent-decisions", {"event_id": "d", "type": "consent_decision", "request_id": "q",
...   "occurred_at": "2025-04-01T01:00:00Z", "owner": "resident:r-1", "decision": "share", "clip_ids": ["c"]})
>>> [(e["type"], e.get("via")) for e in bus.run(3)][-1]
('transfer', 'platform:axon')
"""

from __future__ import annotations

from world.base import Deliverer

__all__ = ["AxonService"]


class AxonService(Deliverer):
    """Axon Evidence: the delivery end of Community Requests."""

    name = "axon"
    via = "platform:axon"
    delivery = "axon"
