"""The live view as :class:`judge.runner.Runner`, fed from a log (``custodiet serve LOG``); fed from a streaming
run's ``verdicts`` topic (``custodiet serve --broker``) it is ``custodiet.live_broker.LiveBrokerRunner``, which
sits above both the live view and the broker code. Either way its counts are the ``CheckTally`` of
``custodiet check`` (``LiveState.tally``), so the generic runner test compares them with every other runner.

>>> line = (b'{"event_id":"a","type":"clip_recorded","occurred_at":"2024-01-01T00:00:00Z",'
...         b'"clip_id":"c","owner":"resident:r","platform":"ring"}')
>>> with LiveLogRunner(["core"]) as run:
...     run.feed([(1, line), (2, b'{oops'), (3, line)])
...     c = run.settle().counts()
>>> c["events_in"], c["processed"], c["duplicates"], c["dead_letters"]
(3, 1, 1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from judge.logread import DEFAULT_MAX_EVENT_BYTES
from judge.runner import Runner
from judge.tally import CheckTally
from judge.timeline import DEFAULT_LATE_AFTER
from live.state import LiveState
from schemas.parties import PartyRegistry

__all__ = ["LiveLogRunner"]


class LiveLogRunner(Runner):
    """The live view fed lines (a log, a followed file, stdin): ``LiveState.feed_lines``."""

    name = "live-view-log"

    def __init__(self, rule_sets: list[str] | None = None, registry: PartyRegistry | None = None, *,
                 late_after: timedelta | None = DEFAULT_LATE_AFTER, max_bytes: int = DEFAULT_MAX_EVENT_BYTES,
                 source: str = "-") -> None:
        super().__init__(rule_sets, registry, late_after=late_after, max_bytes=max_bytes, source=source)
        self.state = LiveState(registry, rule_sets, source=source, mode="file", max_bytes=max_bytes,
                               late_after=late_after)

    @property
    def rule_sets(self) -> list[str]:  # noqa: D102 - Runner's
        return self.state.judging.rule_sets

    def feed(self, lines: Iterable[tuple[int, bytes]]) -> None:  # noqa: D102 - Runner's
        self.state.feed_lines(lines)  # type: ignore[arg-type]

    def settle(self, timeout: float = 300.0) -> CheckTally:  # noqa: D102 - Runner's
        self.state.settle()
        return self.state.tally
