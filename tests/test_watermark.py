"""A worker's watermark (``streams.watermark.InputClock``): the minimum over its input partitions, whatever
order it reads them in; partitions read to their end do not hold it back; other workers' marks do."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from streams.watermark import InputClock

T0 = datetime(2024, 1, 1, tzinfo=UTC)
LATE = timedelta(days=7)


def test_reading_one_topic_ahead_of_another_does_not_move_the_watermark_past_the_other() -> None:
    rnd = random.Random(3)
    # two topics of one partition, each in time order, read in any interleaving
    logs = {("transfers", 0): [T0 + timedelta(hours=h) for h in range(0, 2000, 3)],
            ("requests", 0): [T0 + timedelta(hours=h) for h in range(1, 2000, 7)]}
    ends = {tp: len(times) for tp, times in logs.items()}
    clock = InputClock(LATE)
    read = {tp: 0 for tp in logs}
    while any(read[tp] < ends[tp] for tp in logs):
        tp = rnd.choice([t for t in logs if read[t] < ends[t]])
        for _ in range(rnd.randint(1, 200)):  # a whole run of one topic
            if read[tp] == ends[tp]:
                break
            clock.read(tp, read[tp], logs[tp][read[tp]])
            read[tp] += 1
        mark = clock.watermark(list(logs), ends.get)
        unread = [logs[t][read[t]] for t in logs if read[t] < ends[t]]
        if unread:
            # each topic is in time order, so nothing still to come is older than the watermark plus the lateness:
            # with a lateness of zero, nothing would be late
            assert mark is None or mark + LATE <= min(unread)
    assert clock.idle(list(logs), ends.get)
    assert clock.watermark(list(logs), ends.get) == max(max(t) for t in logs.values()) - LATE


def test_a_partition_not_read_yet_holds_the_watermark_and_one_read_to_its_end_does_not() -> None:
    clock = InputClock(LATE)
    ends = {("clips", 0): 10, ("clips", 1): 4}
    clock.read(("clips", 0), 0, T0 + timedelta(days=30))
    assert clock.watermark(list(ends), ends.get) is None  # partition 1 has more and gave nothing yet
    assert not clock.idle(list(ends), ends.get)
    clock.start(("clips", 1), 4)  # its committed offset is its end: read to the end, idle
    assert clock.watermark(list(ends), ends.get) == T0 + timedelta(days=23)
    assert clock.watermark(list(ends), lambda tp: None) is None  # ends unknown: nothing is idle


def test_other_workers_marks_bound_the_watermark_and_a_rebalance_forgets_them() -> None:
    clock = InputClock(LATE)
    ends = {("transfers", 0): 5}
    clock.read(("transfers", 0), 0, T0 + timedelta(days=40))
    assert clock.watermark(list(ends), ends.get, elsewhere=[1, 2]) is None
    clock.heard([1, 2], T0 + timedelta(days=10))
    assert clock.watermark(list(ends), ends.get, elsewhere=[1, 2]) == T0 + timedelta(days=3)
    clock.heard([2], None)  # partition 2 moved to a worker with no mark yet
    assert clock.watermark(list(ends), ends.get, elsewhere=[1, 2]) is None
    clock.forget([("transfers", 0)])
    assert clock.remote == {} and clock.watermark(list(ends), ends.get) is None


def test_waiting_for_ever_has_no_watermark() -> None:
    clock = InputClock(None)
    clock.read(("clips", 0), 0, T0)
    assert clock.watermark([("clips", 0)], {("clips", 0): 1}.get) is None
