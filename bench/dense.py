"""Logs dense in hand-overs: tens of hand-overs per clip among ten parties, repeated deliveries and events
written out of time order (the shape of one large agency's network audit, where most events move a clip).

>>> lines = dense_lines(500, seed=1)
>>> len(lines), sum(b'"type":"transfer"' in raw for raw in lines) > 400
(500, True)
>>> h = history_lines(2000, seed=1)
>>> len(h), len(set(h)) < len(h), h != sorted(h, key=lambda raw: json.loads(raw)["occurred_at"])
(2000, True, True)
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

__all__ = ["dense_lines", "history_lines", "PARTIES"]

PARTIES = ("agency:county-so", "agency:city-pd", "agency:state-police", "agency:fusion-center", "agency:fbi",
           "agency:ice-ero", "agency:dea", "agency:school-district-pd", "agency:transit-pd", "agency:university-pd")
HAND_OVERS = (20, 60)  # hand-overs per clip (uniform)
REPEATS = 0.05  # share of lines delivered twice
BACK_IN_TIME = 0.10  # share of lines written out of time order (up to a few hundred lines early or late)


def dense_lines(n: int, seed: int = 7) -> list[bytes]:
    """``n`` JSON lines: clips recorded by residents, each handed over tens of times among ten agencies
    (sometimes by a party that does not hold it), with repeats and events out of time order."""
    rnd = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    events: list[dict] = []
    clip = 0
    target = int(n * (1 - REPEATS))
    while len(events) < target:
        clip += 1
        cid, owner = f"clip-{clip:07d}", f"resident:r{rnd.randrange(5000)}"
        t = start + timedelta(minutes=clip * 7)
        events.append({"event_id": f"rec-{clip}", "type": "clip_recorded", "occurred_at": _iso(t), "clip_id": cid,
                       "owner": owner, "platform": "ring"})
        holders = [owner]
        for h in range(rnd.randint(*HAND_OVERS)):
            t += timedelta(minutes=rnd.randint(1, 600))
            sender = rnd.choice(holders) if rnd.random() > 0.05 else rnd.choice(PARTIES)
            receiver = rnd.choice([p for p in PARTIES if p != sender])
            events.append({"event_id": f"t-{clip}-{h}", "type": "transfer", "occurred_at": _iso(t), "clip_id": cid,
                           "from_party": sender, "to_party": receiver, "basis": "agreement",
                           "purpose": rnd.choice(("investigation", "task force", "immigration enforcement"))})
            if receiver not in holders:
                holders.append(receiver)
    events = events[:target]
    events.sort(key=lambda e: e["occurred_at"])
    lines = [json.dumps(e, separators=(",", ":")).encode() for e in events]
    for i in range(len(lines)):  # back in time: swap with a line up to 300 places away
        if rnd.random() < BACK_IN_TIME:
            j = min(len(lines) - 1, max(0, i + rnd.randint(-300, 300)))
            lines[i], lines[j] = lines[j], lines[i]
    while len(lines) < n:
        lines.insert(rnd.randrange(len(lines) + 1), lines[rnd.randrange(len(lines))])
    return lines


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


REQUESTERS = ("agency:city-pd", "agency:county-so", "agency:transit-pd", "agency:fbi")
HISTORY_CLIPS = (3, 6)  # clips per custody history
HISTORY_HAND_OVERS = (8, 40)  # hand-overs per clip
HISTORY_REPEATS = 0.10  # share of lines delivered twice
ARRIVAL_SPREAD = timedelta(days=3)  # a line arrives up to this long (in event time) after it happened


def history_lines(n: int, seed: int = 7) -> list[bytes]:
    """``n`` JSON lines of many small custody histories, as many producers deliver them: each history a
    request by one of a few agencies, owners answering it with 3-6 clips, each clip handed on 8-40 times
    among the requester and the ten agencies; a tenth of the lines delivered twice, and every line arriving
    within a few days of its event time, in random order (no line later than the seven-day lateness)."""
    rnd = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    events: list[dict] = []
    target = int(n / (1 + HISTORY_REPEATS))
    h = 0
    while len(events) < target:
        h += 1
        t = start + timedelta(hours=h * 3)
        requester, rid = rnd.choice(REQUESTERS), f"q-{h}"
        events.append({"event_id": f"req-{h}", "type": "footage_request", "occurred_at": _iso(t), "request_id": rid,
                       "requester": requester, "platform": "ring",
                       "area": {"lat": 37.80, "lon": -122.27, "radius_m": 800},
                       "window": {"start": _iso(t - timedelta(hours=6)), "end": _iso(t)},
                       "investigation_code": f"C-{h}", "purpose": "burglary"})
        for c in range(rnd.randint(*HISTORY_CLIPS)):
            cid, owner = f"clip-{h}-{c}", f"resident:r{rnd.randrange(5000)}"
            rec_at = t - timedelta(hours=rnd.randint(1, 5))
            events.append({"event_id": f"rec-{h}-{c}", "type": "clip_recorded", "occurred_at": _iso(rec_at),
                           "clip_id": cid, "owner": owner, "platform": "ring",
                           "location": {"lat": 37.80, "lon": -122.27}})
            at = t + timedelta(minutes=rnd.randint(10, 300))
            events.append({"event_id": f"ans-{h}-{c}", "type": "consent_decision", "occurred_at": _iso(at),
                           "request_id": rid, "owner": owner, "decision": "share", "clip_ids": [cid]})
            holders, sender = [owner], owner
            for k in range(rnd.randint(*HISTORY_HAND_OVERS)):
                at += timedelta(minutes=rnd.randint(1, 120))
                receiver = requester if k == 0 else rnd.choice([p for p in PARTIES if p != sender])
                events.append({"event_id": f"t-{h}-{c}-{k}", "type": "transfer", "occurred_at": _iso(at),
                               "clip_id": cid, "from_party": sender, "to_party": receiver,
                               "basis": "consent" if k == 0 else "agreement", "purpose": "investigation",
                               **({"request_id": rid} if k == 0 else {})})
                holders.append(receiver)
                sender = rnd.choice(holders[1:]) if rnd.random() > 0.05 else rnd.choice(PARTIES)
    events = events[:target]
    spread = ARRIVAL_SPREAD.total_seconds()
    arrivals = sorted((datetime.fromisoformat(e["occurred_at"].replace("Z", "+00:00")).timestamp()
                       + rnd.random() * spread, i) for i, e in enumerate(events))
    lines = [json.dumps(events[i], separators=(",", ":")).encode() for _, i in arrivals]
    while len(lines) < n:  # a repeat soon after the first delivery
        i = rnd.randrange(len(lines))
        lines.insert(min(len(lines), i + rnd.randint(1, 200)), lines[i])
    return lines
