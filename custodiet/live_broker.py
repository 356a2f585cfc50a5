"""The live view fed from a streaming run (``custodiet serve --broker``) as a :class:`judge.runner.Runner`: Faust
workers judge what is fed, the live view follows the run's ``verdicts`` topic (``streams.live_feed``), and its
counts are the ``CheckTally`` of ``custodiet check --broker``. It sits here, above both ``live`` and ``streams``,
so that the live view itself holds no broker code."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from judge.collector import StreamError
from judge.runner import Runner
from judge.tally import CheckTally
from live.state import LiveState
from streams.check import KafkaRun
from streams.live_feed import follow_verdicts

__all__ = ["LiveBrokerRunner"]


class LiveBrokerRunner(Runner):
    """The live view fed a streaming run's ``verdicts`` topic (``streams.live_feed``) while Faust workers judge
    what is fed; ``settle`` waits until the page has counted every input (its collector is done)."""

    name = "live-view-broker"

    def __init__(self, broker: str, rule_sets: list[str] | None = None, registry_path: str | None = None, *,
                 partitions: int = 4, max_bytes: int = 1_000_000, max_lateness: str = "7d",
                 source: str = "-") -> None:
        super().__init__(rule_sets, max_bytes=max_bytes, source=source)
        self.broker, self.registry_path = broker, registry_path
        self.partitions, self.max_lateness = partitions, max_lateness
        self.state = LiveState(rule_sets=rule_sets, source=source, mode="stream", max_bytes=max_bytes)
        self.run: KafkaRun | None = None
        self.stop_feed = threading.Event()
        self.thread: threading.Thread | None = None
        self.fed = 0

    @property
    def rule_sets(self) -> list[str]:  # noqa: D102 - Runner's
        return self.state.judging.rule_sets

    def start(self) -> None:  # noqa: D102 - Runner's
        self.run = KafkaRun(self.broker, self.rule_set_names, partitions=self.partitions,
                            registry_path=self.registry_path, max_bytes=self.max_bytes, max_lateness=self.max_lateness)
        self.thread = follow_verdicts(self.state, self.run.bootstrap, self.run.layout, self.stop_feed)

    def _running(self) -> KafkaRun:
        if self.run is None:
            raise StreamError("the runner is not started")
        return self.run

    def feed(self, lines: Iterable[tuple[int, bytes]]) -> None:  # noqa: D102 - Runner's
        self.fed += self._running().produce(lines, self.source)
        self.state.follow_run(self.partitions, self.fed)

    def settle(self, timeout: float = 300.0) -> CheckTally:  # noqa: D102 - Runner's
        run = self._running()
        deadline = time.monotonic() + timeout
        version = self.state.version
        while True:
            if self.state.caught_up():
                return self.state.tally
            run.pool.check_alive()
            if self.thread is not None and not self.thread.is_alive():
                raise StreamError("the live view's feed stopped")
            if time.monotonic() > deadline:
                raise StreamError(f"timed out after {timeout:.0f}s: {self.state.collector.missing()}")
            version = self.state.wait_for_change(version, 0.5)

    def stop(self) -> None:  # noqa: D102 - Runner's
        self.stop_feed.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
        if self.run is not None:
            self.run.stop()
            self.run = None
