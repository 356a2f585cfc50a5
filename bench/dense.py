"""Logs dense in hand-overs: tens of hand-overs per clip among ten parties, repeated deliveries and events
written out of time order (the shape of one large agency's network audit, where most events move a clip).

>>> lines = dense_lines(500, seed=1)
>>> len(lines), sum(b'"type":"transfer"' in raw for raw in lines) > 400
(500, True)
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

__all__ = ["dense_lines", "PARTIES"]

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
