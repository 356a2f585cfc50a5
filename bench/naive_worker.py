"""The naive Faust agent the issue compares against: parse every event into a ``faust.Record`` and forward
it with its own ``await topic.send``. No judging at all; it is only there to show Faust's per-event cost.

Run: ``python -m bench.naive_worker worker -l warn --web-port N`` with ``NAIVE_BOOTSTRAP``, ``NAIVE_APP_ID``,
``NAIVE_INPUTS`` (comma-separated), ``NAIVE_OUTPUT``, ``NAIVE_PARTITIONS``, ``NAIVE_WEB_PORT``,
``NAIVE_DATA_DIR`` in the environment.
"""

from __future__ import annotations

import os
from typing import Any

import faust

from streams.faust_settings import faust_app_settings

env = os.environ
app = faust.App(**faust_app_settings(
    env.get("NAIVE_BOOTSTRAP", "127.0.0.1:9092"), app_id=env.get("NAIVE_APP_ID", "custodiet-naive"),
    web_port=int(env.get("NAIVE_WEB_PORT", "6099")), data_dir=env.get("NAIVE_DATA_DIR", "/tmp/custodiet-naive"),
    partitions=int(env.get("NAIVE_PARTITIONS", "4"))))


class NaiveEvent(faust.Record, serializer="json"):
    event_id: str
    type: str
    occurred_at: str
    source: str | None = None
    clip_id: str | None = None
    owner: str | None = None
    platform: str | None = None
    from_party: str | None = None
    to_party: str | None = None
    basis: str | None = None
    purpose: str | None = None
    request_id: str | None = None
    requester: str | None = None
    decision: str | None = None


inputs = app.topic(*env.get("NAIVE_INPUTS", "in").split(","), value_type=NaiveEvent)
output = app.topic(env.get("NAIVE_OUTPUT", "out"), value_type=NaiveEvent)


@app.agent(inputs)
async def forward(stream: Any) -> None:
    async for ev in stream:
        await output.send(key=ev.event_id.encode(), value=ev)


if __name__ == "__main__":
    app.main()
