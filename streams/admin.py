"""Create Kafka topics up front, with the partition counts we want.

Brokers that auto-create topics (Tansu makes unknown topics with 4 partitions, Kafka with
``num.partitions``) would otherwise decide the partition count on first use, so every topic the
pipeline uses is created here first. Only the plain admin API is used: no idempotent producer and no
transactions, which the local Tansu broker rejects.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from typing import Any

from streams.broker import broker_url_to_bootstrap

__all__ = ["TopicSetupError", "create_topics", "describe_partitions"]

_TOPIC_ALREADY_EXISTS = 36
_UNKNOWN_TOPIC = 3


class TopicSetupError(RuntimeError):
    """A topic could not be created, or exists with a different partition count."""


def _admin(bootstrap: str, timeout_s: float) -> Any:
    from kafka import KafkaAdminClient

    ms = max(int(timeout_s * 1000), 1000)
    return KafkaAdminClient(
        bootstrap_servers=broker_url_to_bootstrap(bootstrap),
        client_id="custodiet-admin",
        request_timeout_ms=ms,
    )


def _field(obj: Any, *names: str, default: Any = None) -> Any:
    """Read a field from a dict (kafka-python 3) or a tuple/struct (older releases)."""
    for name in names:
        if isinstance(obj, Mapping) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _partitions_of(admin: Any, names: list[str]) -> dict[str, int | None]:
    """Partition count per topic from a metadata request; ``None`` where not (fully) there yet."""
    seen: dict[str, int | None] = dict.fromkeys(names)
    for topic in admin.describe_topics(names):
        name = _field(topic, "name", "topic")
        if name not in seen or _field(topic, "error_code", default=0):
            continue
        parts = _field(topic, "partitions", default=[]) or []
        led = [
            p
            for p in parts
            if _field(p, "error_code", default=0) == 0 and _field(p, "leader_id", "leader", default=0) >= 0
        ]
        seen[name] = len(parts) if parts and len(led) == len(parts) else None
    return seen


def describe_partitions(bootstrap: str, topics: list[str], *, timeout: float = 10.0) -> dict[str, int | None]:
    """Return the partition count the broker reports for each topic (``None`` if unknown).

    Parameters
    ----------
    bootstrap : str
        ``host:port`` list or ``kafka://`` URL.
    topics : list of str
        Topic names; asking does not auto-create them.
    timeout : float
        Seconds for each admin request.

    Returns
    -------
    dict
        ``{topic: partitions or None}``.
    """
    admin = _admin(bootstrap, timeout)
    try:
        return _partitions_of(admin, list(topics))
    finally:
        with contextlib.suppress(Exception):
            admin.close()


def create_topics(
    bootstrap: str,
    topics: Mapping[str, int],
    *,
    replication_factor: int = 1,
    configs: Mapping[str, Mapping[str, str]] | None = None,
    timeout: float = 15.0,
) -> dict[str, int]:
    """Create topics with given partition counts and wait until metadata shows them.

    Idempotent: a topic that already exists with the requested partition count is fine.

    Parameters
    ----------
    bootstrap : str
        ``host:port`` list or ``kafka://`` URL of the broker.
    topics : mapping of str to int
        ``{topic name: partitions}``.
    replication_factor : int
        Replicas per partition (1 on a single broker).
    configs : mapping, optional
        Per-topic configs, e.g. ``{"t": {"cleanup.policy": "compact"}}``.
    timeout : float
        Overall deadline in seconds for creating and seeing every topic.

    Returns
    -------
    dict
        ``{topic: partitions}`` as the broker reports them.

    Raises
    ------
    TopicSetupError
        If a create fails for a reason other than "already exists", an existing topic has a
        different partition count, or the topics do not show up before the deadline.

    Examples
    --------
    >>> from streams.broker import LocalBroker
    >>> with LocalBroker() as broker:
    ...     create_topics(broker.bootstrap, {"clips": 8, "dead-letters": 1})
    ...     create_topics(broker.bootstrap, {"clips": 8})  # again: nothing to do
    {'clips': 8, 'dead-letters': 1}
    {'clips': 8}
    """
    from kafka.admin import NewTopic

    wanted = {name: int(n) for name, n in topics.items()}
    for name, n in wanted.items():
        if not name or n < 1:
            raise ValueError(f"topic {name!r}: need a name and at least one partition, got {n}")
    if not wanted:
        return {}
    deadline = time.monotonic() + timeout
    admin = _admin(bootstrap, min(timeout, 10.0))
    try:
        existing = _partitions_of(admin, list(wanted))
        missing = [name for name, n in existing.items() if n is None]
        if missing:
            new = [
                NewTopic(
                    name,
                    num_partitions=wanted[name],
                    replication_factor=replication_factor,
                    topic_configs=dict((configs or {}).get(name, {})),
                )
                for name in missing
            ]
            ms = max(int((deadline - time.monotonic()) * 1000), 1000)
            try:
                response = admin.create_topics(new, timeout_ms=ms, raise_errors=False)
            except TypeError:  # kafka-python < 3 has no raise_errors and never raises
                response = admin.create_topics(new, timeout_ms=ms)
            _check_create_response(response)
        delay = 0.02
        while True:
            seen = _partitions_of(admin, list(wanted))
            wrong = {n: (seen[n], wanted[n]) for n in wanted if seen[n] is not None and seen[n] != wanted[n]}
            if wrong:
                detail = ", ".join(f"{t} has {have} (wanted {want})" for t, (have, want) in wrong.items())
                raise TopicSetupError(
                    f"topics exist with other partition counts: {detail}; was the topic auto-created "
                    "by a client before create_topics ran?"
                )
            if all(seen[n] == wanted[n] for n in wanted):
                return {n: wanted[n] for n in wanted}
            if time.monotonic() >= deadline:
                pending = sorted(n for n in wanted if seen[n] is None)
                raise TopicSetupError(f"topics not visible in metadata after {timeout:.0f}s: {pending}")
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    finally:
        with contextlib.suppress(Exception):
            admin.close()


def _check_create_response(response: Any) -> None:
    if isinstance(response, Mapping):  # kafka-python 3
        results = response.get("topics", [])
    else:  # older kafka-python: CreateTopicsResponse struct
        results = _field(response, "topics", "topic_errors", default=[]) or []
    failures = []
    for item in results:
        if isinstance(item, Mapping):
            name, code, message = item.get("name"), item.get("error_code", 0), item.get("error_message")
        else:
            name, code = item[0], item[1]
            message = item[2] if len(item) > 2 else None
        if code not in (0, _TOPIC_ALREADY_EXISTS):
            failures.append(f"{name}: error {code} {message or ''}".strip())
    if failures:
        raise TopicSetupError("could not create topics: " + "; ".join(failures))
