"""Feeding the live view from sources that arrive over time: a growing ``.jsonl`` log (``custodiet serve LOG
--follow``), stdin, a replay at a rate (``serve --simulate``).

>>> LogFollower("/nonexistent.jsonl").read_new()
[]
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from judge.decode import DEFAULT_MAX_EVENT_BYTES
from judge.logread import LineReader

__all__ = ["LogFollower", "FedOverTime"]


class FedOverTime:
    """``LiveState``'s feeding from sources that arrive over time (it provides ``feed``, ``feed_lines``,
    ``settle`` and ``notify``)."""

    feeding: bool

    def feed(self, items: Iterable[Any]) -> int:  # pragma: no cover - LiveState's
        raise NotImplementedError

    def feed_lines(self, lines: Iterable[tuple[int | None, bytes]]) -> int:  # pragma: no cover - LiveState's
        raise NotImplementedError

    def settle(self) -> None:  # pragma: no cover - LiveState's
        raise NotImplementedError

    def notify(self) -> None:  # pragma: no cover - LiveState's
        raise NotImplementedError

    def replay(
        self,
        events: Iterable[Any],
        rate: float,
        *,
        tick: float = 0.1,
        stop: threading.Event | None = None,
    ) -> int:
        """Feed ``events`` gradually, about ``rate`` per second (batches every ``tick`` s); blocks until done.

        >>> from live.state import LiveState
        >>> LiveState().replay([{"event_id": "x", "type": "teleport"}], rate=1000)
        1
        """
        per_tick = max(1, round(rate * tick)) if rate > 0 else None
        it = iter(events)
        n = 0
        self.feeding = True
        try:
            start = time.monotonic()
            while stop is None or not stop.is_set():
                batch = [x for _, x in zip(range(per_tick), it, strict=False)] if per_tick else list(it)
                if not batch:
                    break
                n += self.feed(batch)
                if per_tick is None:
                    break
                delay = start + n / rate - time.monotonic()
                if delay > 0:
                    if stop is not None:
                        stop.wait(delay)
                    else:
                        time.sleep(delay)
        finally:
            self.feeding = False
            self.settle()
            self.notify()
        return n

    def start_replay(self, events: Iterable[Any], rate: float, stop: threading.Event | None = None) -> threading.Thread:
        """:meth:`replay` in a daemon thread (already started)."""
        th = threading.Thread(target=self.replay, args=(events, rate), kwargs={"stop": stop}, name="live-replay",
                              daemon=True)
        self.feeding = True
        th.start()
        return th

    def feed_stream(self, lines: Iterable[tuple[int, bytes]], *, tick: float = 0.1,
                    stop: threading.Event | None = None) -> int:
        """Feed lines as they arrive from a blocking source (stdin), in batches at most ``tick`` s apart."""
        import queue

        q: queue.Queue[tuple[int, bytes] | None] = queue.Queue()

        def pump() -> None:
            try:
                for item in lines:
                    q.put(item)
            finally:
                q.put(None)

        threading.Thread(target=pump, name="live-stdin", daemon=True).start()
        n = 0
        done = False
        self.feeding = True
        try:
            while not done and (stop is None or not stop.is_set()):
                batch: list[tuple[int | None, bytes]] = []
                try:
                    item = q.get(timeout=tick)
                except queue.Empty:
                    continue
                deadline = time.monotonic() + tick
                while True:
                    if item is None:
                        done = True
                        break
                    batch.append(item)
                    if len(batch) >= 1000 or time.monotonic() >= deadline:
                        break
                    try:
                        item = q.get(timeout=max(0.0, deadline - time.monotonic()))
                    except queue.Empty:
                        break
                n += self.feed_lines(batch)
        finally:
            self.feeding = False
            self.settle()
            self.notify()
        return n


class LogFollower:
    """Reads a growing ``.jsonl`` log from where it stopped, with ``judge.logread.LineReader`` (the reader of
    ``custodiet check``): only complete lines (a last line without its newline waits for it), numbered from
    1 across reads; an over-long line becomes a dead letter that gives its real size once its end arrives.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "log.jsonl")
    >>> _ = open(p, "wb").write(b'{"a":1}\\n{"b"')
    >>> f = LogFollower(p); f.read_new()
    [(1, b'{"a":1}')]
    >>> _ = open(p, "ab").write(b':2}\\n'); f.read_new()
    [(2, b'{"b":2}')]
    """

    def __init__(self, path: str | Path, max_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.offset = 0
        self.reader = LineReader(max_bytes)

    @property
    def line(self) -> int:
        """Lines read so far."""
        return self.reader.line

    def read_new(self) -> list[tuple[int, bytes]]:
        """Complete lines appended since the last call (the file shrinking starts it over from the top)."""
        try:
            size = self.path.stat().st_size
        except OSError:
            return []
        if size < self.offset:  # truncated or replaced: start again (line numbers go on)
            line = self.reader.line
            self.offset, self.reader = 0, LineReader(self.max_bytes)
            self.reader.line = line
        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            out = list(self.reader.read(fh, final=False))
            self.offset = fh.tell()
        return out

    def follow(self, state: Any, *, interval: float = 0.5, stop: threading.Event | None = None,
               on_error: Callable[[Exception], None] | None = None) -> None:
        """Feed new lines into ``state`` until ``stop`` is set (checks the file every ``interval`` s)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                lines = self.read_new()
            except OSError as e:  # pragma: no cover - a file that vanished or became unreadable
                if on_error is not None:
                    on_error(e)
                lines = []
            if lines:
                state.feed_lines(lines)  # type: ignore[arg-type]
            else:
                state.settle()
            stop.wait(interval)
