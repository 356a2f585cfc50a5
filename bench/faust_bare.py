"""A bare Faust agent on custodiet's input topics that only consumes: the framework's own ceiling on this
machine. Same app settings, same topics and the same batching (``take_events``) as the custodiet worker; after
each batch it writes one record to ``verdicts`` saying how many messages it has read, and nothing else.

Run as a worker process: ``python -m bench.faust_bare worker -l warn --web-port N`` (settings from the
environment, as ``streams.worker``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import faust

from streams.app import BATCH, BATCH_WITHIN_S
from streams.config import StreamConfig
from streams.faust_settings import faust_app_settings

__all__ = ["create_bare_app", "count_record"]


def count_record(n: int) -> bytes:
    """The record a bare agent writes after each batch: how many messages it has read so far.

    >>> count_record(12)
    b'{"kind":"bare","read":12}'
    """
    return b'{"kind":"bare","read":%d}' % n


def create_bare_app(cfg: StreamConfig) -> faust.App:
    """A Faust app with one agent over the input topics that counts what it reads."""
    layout = cfg.layout
    app = faust.App(**faust_app_settings(cfg.bootstrap, app_id=cfg.app_id, web_port=cfg.web_port,
                                         data_dir=cfg.data_dir, partitions=layout.partitions,
                                         web_host=cfg.web_host))
    sources = app.topic(*layout.inputs(), key_type=bytes, value_type=bytes, key_serializer="raw",
                        value_serializer="raw", partitions=layout.partitions)
    out = app.topic(layout.name("verdicts"), key_type=bytes, value_type=bytes, key_serializer="raw",
                    value_serializer="raw", partitions=layout.partitions)

    @app.agent(sources)
    async def bare(stream: Any) -> AsyncIterator[int]:
        read = 0
        async for batch in stream.take_events(BATCH, within=BATCH_WITHIN_S):
            read += len(batch)
            await out.send(key=b"bare", value=count_record(read), partition=0)
            yield read

    return app


if __name__ == "__main__":
    create_bare_app(StreamConfig.from_env()).main()
