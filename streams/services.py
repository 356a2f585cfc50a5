"""Run one simulated service as its own process against a broker:
``python -m streams.services ring --scenario default --seed 7 --events 6000``.

Every service process steps the same deterministic world (same scenario, seed and event count) and
publishes only its own events (``source = "sim:<service>"``) to the input topics, keyed by routing key. Run all
five and the topics carry exactly the log ``custodiet simulate`` writes. Broker and topic prefix come from
the environment, as for the workers. The services do not read each other's messages back from Kafka:
their conversation is the shared world; what crosses Kafka is what the agents judge.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from streams.config import StreamConfig
from world.defaults import DEFAULT_EVENTS, DEFAULT_SEED

__all__ = ["main", "service_lines", "SERVICE_NAMES"]

SERVICE_NAMES = ("ring", "flock", "axon", "police", "federal")


def service_lines(service: str, scenario: str, seed: int, n_events: int) -> list[tuple[int, bytes]]:
    """The JSON lines one service publishes in a run (numbered by their place in the whole log).

    >>> lines = service_lines("police", "default", 1, 300)
    >>> all(json.loads(raw)["source"] == "sim:police" for _, raw in lines)
    True
    """
    from world.simulate import simulate

    events = simulate(scenario, seed, n_events)
    return [(i, json.dumps(e).encode()) for i, e in enumerate(events, start=1) if e.get("source") == f"sim:{service}"]


def main(argv: list[str] | None = None) -> int:
    """Publish one service's events; prints how many."""
    from streams.check import produce_lines

    ap = argparse.ArgumentParser(prog="python -m streams.services", description=__doc__.splitlines()[0])
    ap.add_argument("service", choices=SERVICE_NAMES)
    ap.add_argument("--scenario", default="default")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    args = ap.parse_args(argv)
    cfg = StreamConfig.from_env()
    lines = service_lines(args.service, args.scenario, args.seed, args.events)
    n = asyncio.run(produce_lines(cfg.bootstrap, cfg.layout, lines, f"sim:{args.service}", cfg.max_event_bytes))
    sys.stdout.write(f"{args.service}: published {n} events to {cfg.layout.prefix}* on {cfg.bootstrap}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
