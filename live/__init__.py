"""The live view: a read-only web page over a custody graph that is fed while it is watched.

``live.state.LiveState`` holds the graph, the verdicts and the counters and is fed incrementally (a log
file, a followed log, stdin, a simulated scenario replayed at a rate, or a streaming run);
``live.server.serve`` serves the page and its JSON API on 127.0.0.1 in a background thread.

>>> from live.state import LiveState
>>> LiveState().stats()["events_in"]
0
"""

from __future__ import annotations

__all__ = ["state", "server"]
