"""Produce a ``.jsonl`` log to custodiet's input topics (keyed by routing key): ``python -m streams.produce LOG``.

Settings (broker, topic prefix) come from the environment, as for the workers.
"""

from __future__ import annotations

import asyncio
import sys

from judge.pipeline import read_lines
from streams.check import produce_lines
from streams.config import StreamConfig

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Produce the file named on the command line; prints how many lines were sent."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m streams.produce EVENTS.jsonl\n")
        return 2
    cfg = StreamConfig.from_env()
    n = asyncio.run(produce_lines(cfg.bootstrap, cfg.layout, read_lines(args[0], cfg.max_event_bytes), args[0],
                                  cfg.max_event_bytes))
    print(f"produced {n} events to {cfg.layout.prefix}* on {cfg.bootstrap}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
