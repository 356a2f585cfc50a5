"""Event-time judging (``judge.timeline``): any arrival order within the lateness setting gives the verdicts of
the sorted log judged from scratch; later events are judged, counted and marked late; the window stays
bounded however long the log."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judge.engine import default_judge
from judge.pipeline import run_check
from judge.timeline import EventTimeJudge
from schemas.events import EVENT_ADAPTER, Event
from schemas.records import Verdict
from tests.strategies import valid_event_dicts
from world.simulate import simulate

RULES = ["core", "ring-2019-portal", "ca-sb34", "ca-sb54"]
T0 = datetime(2019, 6, 1, tzinfo=UTC)

# Few clips, requests, owners and requesters, times on a coarse grid: events share state and tie in time.
_clips = st.sampled_from(["c1", "c2", "c3"])
_reqs = st.sampled_from(["q1", "q2"])
_owners = st.sampled_from(["resident:r-1", "resident:r-2"])
_agencies = st.sampled_from(["agency:oakland-ca-pd", "agency:ice-ero", "agency:fbi", "agency:austin-tx-pd"])
_holders = st.one_of(_owners, _agencies, st.just("platform:ring"))


def _at(slot: int) -> str:
    return (T0 + timedelta(hours=6 * slot)).isoformat().replace("+00:00", "Z")


@st.composite
def entangled_events(draw: st.DrawFn) -> dict[str, Any]:
    """An event over a few shared clips, requests and parties (a late one changes others' verdicts)."""
    kind = draw(st.sampled_from(["clip_recorded", "footage_request", "consent_decision", "transfer", "transfer",
                                 "legal_process"]))
    ev: dict[str, Any] = {"type": kind, "occurred_at": _at(draw(st.integers(0, 40)))}
    if kind == "clip_recorded":
        ev.update(clip_id=draw(_clips), owner=draw(_owners), platform="ring",
                  location={"lat": 37.8 + draw(st.integers(0, 3)) / 100, "lon": -122.27}, retention_days=3)
    elif kind == "footage_request":
        start = T0 + timedelta(hours=6 * draw(st.integers(0, 40)))
        ev.update(request_id=draw(_reqs), requester=draw(_agencies), platform="ring",
                  area={"lat": 37.8, "lon": -122.27, "radius_m": draw(st.sampled_from([500, 5000]))},
                  window={"start": start.isoformat(), "end": (start + timedelta(hours=draw(
                      st.sampled_from([6, 48])))).isoformat()},
                  investigation_code=draw(st.sampled_from(["C-1", ""])), purpose="burglary")
    elif kind == "consent_decision":
        ev.update(request_id=draw(_reqs), owner=draw(_owners), decision=draw(st.sampled_from(["share", "decline"])),
                  clip_ids=draw(st.lists(_clips, max_size=3)))
    elif kind == "transfer":
        ev.update(clip_id=draw(_clips), from_party=draw(_holders), to_party=draw(_holders),
                  basis=draw(st.sampled_from(["consent", "consent", "agreement", "warrant", "internal"])),
                  purpose=draw(st.sampled_from(["investigation", "ICE detainer"])))
        if draw(st.booleans()):
            ev["request_id"] = draw(_reqs)
    else:
        ev.update(request_id=draw(_reqs), requester=draw(_agencies), platform="ring", kind="warrant",
                  clip_ids=draw(st.lists(_clips, max_size=2)))
    return ev


def _numbered(dicts: list[dict[str, Any]]) -> list[Event]:
    return [EVENT_ADAPTER.validate_python({**d, "event_id": f"e{i}"}) for i, d in enumerate(dicts)]


def _reference(events: list[Event]) -> dict[str, str]:
    """From scratch: the sorted log through one judge."""
    judge = default_judge(RULES)
    return {v.event_id: v.model_dump_json() for v in judge.judge_all(events)}


def _final(changes: list[tuple[Verdict, Verdict | None]], into: dict[str, Verdict]) -> None:
    for v, before in changes:
        assert (before is None) == (v.event_id not in into), "a change names the verdict it replaces"
        if before is not None:
            assert into[v.event_id] == before
        into[v.event_id] = v


def _arrivals(events: list[Event], rnd: random.Random, lateness: timedelta) -> list[Event]:
    """An arrival order in which no event comes later than ``lateness`` behind the newest before it."""
    span = lateness.total_seconds()
    keyed = [(e.occurred_at.timestamp() + rnd.random() * span, i, e) for i, e in enumerate(events)]
    return [e for _, _, e in sorted(keyed)]


def _feed(judge: EventTimeJudge, arrivals: list[Event], rnd: random.Random) -> dict[str, Verdict]:
    final: dict[str, Verdict] = {}
    i = 0
    while i < len(arrivals):
        n = rnd.randint(1, 5)
        batch = arrivals[i:i + n]
        batch += rnd.sample(arrivals[:i + n], k=min(len(arrivals[:i + n]), rnd.randint(0, 2)))  # repeats
        _final(judge.add(batch), final)
        i += n
    _final(judge.flush(), final)
    return final


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entangled_events(), min_size=1, max_size=40), st.integers(0, 2**32),
       st.sampled_from([timedelta(hours=6), timedelta(days=2), timedelta(days=20)]), st.booleans())
def test_any_order_within_the_setting_gives_the_sorted_verdicts(
    dicts: list[dict[str, Any]], seed: int, lateness: timedelta, provisional: bool
) -> None:
    events = _numbered(dicts)
    rnd = random.Random(seed)
    judge = EventTimeJudge(RULES, late_after=lateness, hold=0, provisional=provisional)
    final = _feed(judge, _arrivals(events, rnd, lateness), rnd)
    assert {k: v.model_dump_json() for k, v in final.items()} == _reference(events)
    assert judge.late == 0 and len(judge) == len(events)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entangled_events(), min_size=1, max_size=40), st.integers(0, 2**32),
       st.sampled_from([timedelta(hours=6), timedelta(days=2)]))
def test_a_stream_judging_behind_a_watermark_with_provisional_verdicts_now_and_then_gives_the_sorted_verdicts(
    dicts: list[dict[str, Any]], seed: int, lateness: timedelta
) -> None:
    """The streaming worker's way: verdicts final when a watermark (at most the newest arrival less the lateness,
    often less) passes an event; provisional verdicts for the rest whenever the worker is idle, revised later."""
    events = _numbered(dicts)
    rnd = random.Random(seed)
    arrivals = _arrivals(events, rnd, lateness)
    judge = EventTimeJudge(RULES, late_after=lateness, hold=0, provisional=False)
    final: dict[str, Verdict] = {}
    newest = None
    i = 0
    while i < len(arrivals):
        batch = arrivals[i:i + rnd.randint(1, 5)]
        i += len(batch)
        newest = max([newest or batch[0].occurred_at, *(e.occurred_at for e in batch)])
        mark = newest - lateness - timedelta(hours=rnd.choice([0, 0, 12, 48]))
        _final(judge.add(batch, watermark=mark), final)
        if rnd.random() < 0.4:
            _final(judge.provide(), final)
    _final(judge.provide(), final)
    assert {k: v.model_dump_json() for k, v in final.items()} == _reference(events)
    _final(judge.flush(), final)
    assert {k: v.model_dump_json() for k, v in final.items()} == _reference(events)
    assert judge.late == 0 and judge.held == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(valid_event_dicts(), min_size=1, max_size=25), st.integers(0, 2**32))
def test_any_shuffle_while_waiting_for_ever_gives_the_sorted_verdicts(dicts: list[dict[str, Any]], seed: int) -> None:
    events = _numbered(dicts)
    rnd = random.Random(seed)
    shuffled = events[:]
    rnd.shuffle(shuffled)
    judge = EventTimeJudge(RULES, late_after=None, hold=0)
    assert {k: v.model_dump_json() for k, v in _feed(judge, shuffled, rnd).items()} == _reference(events)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entangled_events(), min_size=2, max_size=40), st.integers(0, 2**32))
def test_beyond_the_setting_every_event_is_judged_once_and_late_ones_are_counted(
    dicts: list[dict[str, Any]], seed: int
) -> None:
    events = _numbered(dicts)
    shuffled = events[:]
    random.Random(seed).shuffle(shuffled)
    finals = []
    for provisional in (True, False):
        judge = EventTimeJudge(RULES, late_after=timedelta(hours=1), hold=0, provisional=provisional)
        final = _feed(judge, shuffled, random.Random(seed))
        assert set(final) == {e.event_id for e in events}
        assert judge.late == sum(v.late for v in final.values())
        newest = shuffled[0].occurred_at
        marked_beyond = 0
        for e in shuffled:  # an event is marked late only when it arrives older than the window
            marked_beyond += e.occurred_at < newest - timedelta(hours=1) and final[e.event_id].late
            newest = max(newest, e.occurred_at)
        assert marked_beyond == judge.late
        finals.append({k: v.model_dump_json() for k, v in final.items()})
    # Judged as they come and revised, or judged once when final: the same verdicts, late ones included.
    assert finals[0] == finals[1]


def test_a_recording_later_than_the_setting_is_marked_late_and_the_hand_over_stays_judged() -> None:
    rec = EVENT_ADAPTER.validate_python({"event_id": "r", "type": "clip_recorded", "occurred_at": _at(0),
                                         "clip_id": "c", "owner": "resident:r-1", "platform": "ring"})
    xfer = EVENT_ADAPTER.validate_python({"event_id": "t", "type": "transfer", "occurred_at": _at(20),
                                          "clip_id": "c", "from_party": "resident:r-1", "to_party": "agency:fbi",
                                          "basis": "agreement", "purpose": "x"})
    later = EVENT_ADAPTER.validate_python({"event_id": "s", "type": "search", "occurred_at": _at(30),
                                           "searcher": "agency:fbi", "reason": "x", "networks_searched": 1})
    judge = EventTimeJudge(["core"], late_after=timedelta(days=1), hold=0)
    final: dict[str, Verdict] = {}
    _final(judge.add([xfer, later]), final)
    _final(judge.add([rec]), final)  # five days late, after the window closed over the hand-over
    assert final["r"].late and not final["t"].late and judge.late == 1
    assert final["t"].outcome == "flagged"  # judged before the recording was known, and final
    # Within the setting the same recording re-judges the hand-over.
    judge = EventTimeJudge(["core"], late_after=timedelta(days=10), hold=0)
    final = {}
    _final(judge.add([xfer, later]), final)
    _final(judge.add([rec]), final)
    assert not final["r"].late and final["t"].outcome == "ok" and judge.late == 0


def test_a_late_request_re_judges_only_what_shares_state_with_it() -> None:
    events = [EVENT_ADAPTER.validate_python(e) for e in [
        {"event_id": "r1", "type": "clip_recorded", "occurred_at": _at(0), "clip_id": "c1", "owner": "resident:r-1",
         "platform": "ring"},
        {"event_id": "r2", "type": "clip_recorded", "occurred_at": _at(0), "clip_id": "c2", "owner": "resident:r-2",
         "platform": "ring"},
        {"event_id": "a1", "type": "consent_decision", "occurred_at": _at(2), "request_id": "q1",
         "owner": "resident:r-1", "decision": "share", "clip_ids": ["c1"]},
        {"event_id": "t1", "type": "transfer", "occurred_at": _at(3), "clip_id": "c1", "from_party": "platform:ring",
         "to_party": "agency:oakland-ca-pd", "basis": "consent", "request_id": "q1", "purpose": "x"},
        {"event_id": "t2", "type": "transfer", "occurred_at": _at(3), "clip_id": "c2", "from_party": "resident:r-2",
         "to_party": "agency:oakland-ca-pd", "basis": "agreement", "purpose": "x"},
    ]]
    request = EVENT_ADAPTER.validate_python({
        "event_id": "q1", "type": "footage_request", "occurred_at": _at(1), "request_id": "q1",
        "requester": "agency:oakland-ca-pd", "platform": "ring", "area": {"lat": 0, "lon": 0, "radius_m": 100},
        "window": {"start": _at(0), "end": _at(1)}, "investigation_code": "C-1", "purpose": "burglary"})
    judge = EventTimeJudge(RULES, hold=0)
    judge.add(events)
    changed = judge.add([request])
    assert sorted(v.event_id for v, _ in changed) == ["q1", "t1"]  # the delivery under the request, not c2's
    assert judge.rejudged == 2  # the answer and the delivery under q1; nothing of clip c2
    assert _reference([*events, request])["t1"] == next(v for v, _ in changed if v.event_id == "t1").model_dump_json()


def test_the_window_stays_bounded_however_long_the_log() -> None:
    dicts = simulate("default", 3, 6000)
    events = [EVENT_ADAPTER.validate_python(d) for d in dicts]
    rnd = random.Random(1)
    lateness = timedelta(hours=12)
    arrivals = _arrivals(events, rnd, lateness)

    def largest_window(n: int) -> tuple[int, int]:
        judge = EventTimeJudge(RULES, late_after=lateness, hold=200)
        most = keys = 0
        for i in range(0, n, 50):
            judge.add(arrivals[i:i + 50])
            size = judge.state_size()
            most, keys = max(most, size["held"]), max(keys, size["keys_in_window"])
        return most, keys

    short, long = largest_window(1500), largest_window(6000)
    per_half_day = max(sum(1 for e in events if t <= e.occurred_at < t + lateness)
                       for t in (e.occurred_at for e in events[::50]))
    assert long[0] <= 200 + per_half_day + 50  # the hold, the window, one batch: not the log
    assert long[0] < 6000 / 4 and long[1] <= 3 * long[0]
    assert long[0] <= max(short[0], 200 + per_half_day + 50)


def test_runner_and_stream_judge_give_the_same_document_on_a_shuffle_within_the_setting() -> None:
    dicts = simulate("default", 5, 3000)
    events = [EVENT_ADAPTER.validate_python(d) for d in dicts]
    rnd = random.Random(4)
    arrivals = _arrivals(events, rnd, timedelta(days=2))
    lines = [(i, json.dumps(d).encode()) for i, d in enumerate(dicts, 1)]
    sorted_doc = run_check(lines, RULES, late_after=timedelta(days=2)).document()
    by_id = {e.event_id: d for e, d in zip(events, dicts, strict=True)}
    shuffled_lines = [(i, json.dumps(by_id[e.event_id]).encode()) for i, e in enumerate(arrivals, 1)]
    assert run_check(shuffled_lines, RULES, late_after=timedelta(days=2)).document() == sorted_doc
    stream = EventTimeJudge(RULES, late_after=timedelta(days=2), hold=0)
    final = _feed(stream, arrivals, rnd)
    ref = {v.event_id: v for v in default_judge(RULES).judge_all(events)}
    assert final == ref


def test_a_clip_handed_along_many_parties_keeps_each_arrival_and_copies_are_independent() -> None:
    from judge.state import CustodyState

    st = CustodyState()
    st.record_clip(EVENT_ADAPTER.validate_python({"event_id": "r", "type": "clip_recorded", "occurred_at": _at(0),
                                                  "clip_id": "c", "owner": "resident:r-1", "platform": "ring"}))
    chain = ["resident:r-1", *(f"agency:a{i}" for i in range(6))]
    for i, (src, dst) in enumerate(zip(chain, chain[1:], strict=False), 1):
        st.hand_over("c", src, dst, T0 + timedelta(days=i), f"t{i}")
    st.hand_over("c", "agency:a0", "agency:a3", T0 + timedelta(days=9), "late-copy")  # a3 already had it
    assert [st.parent_of("c", p) for p in chain] == [(None, 0), *((f"t{i}", i) for i in range(1, 7))]
    assert st.holds("c", "agency:a5", T0 + timedelta(days=6)) and not st.holds("c", "agency:a5", T0 + timedelta(days=5))
    other = CustodyState()
    st.copy_key(("c", "c"), other)
    other.hand_over("c", "agency:a5", "agency:new", T0 + timedelta(days=10), "t-new")
    assert other.holds("c", "agency:new", T0 + timedelta(days=10)) and not st.holds("c", "agency:new",
                                                                                    T0 + timedelta(days=10))


def test_check_waits_as_long_as_max_lateness_says(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from custodiet.cli import app
    from judge.timeline import DEFAULT_HOLD
    from tests.conftest import ev, rec, ts, write_log, xfer

    # A hand-over on day 2, then more than the held number of searches from day 10 on, then the clip's
    # recording (day 1): by then the run has stopped waiting for anything before day 2.
    events = [xfer("t", "c", "resident:r-1", "agency:oakland-ca-pd", ts(2))]
    events += [ev("search", f"s{i}", ts(10 + i * 10 // DEFAULT_HOLD), searcher="agency:oakland-ca-pd",
                  reason="burglary", networks_searched=1) for i in range(DEFAULT_HOLD + 2000)]
    events.append(rec("r", "c", "resident:r-1", ts(1)))
    log = write_log(tmp_path / "late.jsonl", events)
    runner = CliRunner()

    def check(*args: str) -> dict[str, Any]:
        res = runner.invoke(app, ["check", str(log), "--rules", "core", "--json", *args])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)  # type: ignore[no-any-return]

    waited = check("--max-lateness", "none")
    assert (waited["beyond_lateness"], waited["violations"]) == (0, {})
    default = check()  # 7 days: the recording is judged when it comes, marked late, and counted
    assert default["beyond_lateness"] == 1 and default["violations"] == {"core.custody-continuity": 1}
    assert default["processed"] == waited["processed"] == len(events)
    bad = runner.invoke(app, ["check", str(log), "--max-lateness", "soon"])
    assert bad.exit_code == 2 and "--max-lateness" in bad.output and len(bad.output.strip().splitlines()) == 1
