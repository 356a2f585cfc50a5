"""A portal's access list over time: which grants were added and removed between snapshots.

``import flock-portal`` of several snapshots of one agency's portal writes each grant once, with ``portal``
(whose list it is on), ``seen_at`` (the snapshots that listed it) and ``snapshots`` (every snapshot of
that portal). Between two consecutive snapshots, a grant listed in the later one only was added; a grant
listed in the earlier one only was removed. Each party comes with its name as the portal gave it
(``grantor_name``/``grantee_name``; its id when the log has none). ``direction`` says which list:
``outbound`` (the portal shares with the party) or ``inbound`` (the party shares with the portal).

>>> import json, tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "e.jsonl")
>>> snaps = ["2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z"]
>>> evs = [{"type": "access_grant", "grantor": "agency:a", "grantee": "agency:b", "portal": "agency:a",
...         "seen_at": snaps[:1], "snapshots": snaps},
...        {"type": "access_grant", "grantor": "agency:a", "grantee": "agency:c", "portal": "agency:a",
...         "seen_at": snaps[1:], "snapshots": snaps}]
>>> _ = open(p, "w").write("\\n".join(json.dumps(e) for e in evs))
>>> step = access_history(p)["portals"][0]["changes"][0]
>>> step["added"], step["removed"]
([{'party': 'agency:c', 'name': 'agency:c', 'direction': 'outbound'}], \
[{'party': 'agency:b', 'name': 'agency:b', 'direction': 'outbound'}])
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

__all__ = ["access_history"]


def _day(text: str | None) -> str | None:
    return None if text is None else text.strip()[:10]


def access_history(
    events: str | Path, agency: str | None = None, since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    """Changes of each portal's access list between consecutive snapshots (read from an events log).

    ``agency`` keeps one portal (a party id, or a name turned into one); ``since``/``until`` (ISO dates)
    keep the snapshots between them, both included.
    """
    wanted = None
    if agency:
        from classify.agencies import agency_party_id

        wanted = agency if agency.startswith("agency:") else agency_party_id(agency)
    snapshots: dict[str, set[str]] = defaultdict(set)
    listed: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    names: dict[str, str] = {}
    with open(events, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                ev = json.loads(line)
            except ValueError as e:
                raise ValueError(f"line {n}: not JSON ({e})") from e
            if not isinstance(ev, dict) or ev.get("type") != "access_grant" or not ev.get("snapshots"):
                continue
            portal = ev.get("portal")
            if not isinstance(portal, str) or (wanted and portal != wanted):
                continue
            snapshots[portal].update(ev["snapshots"])
            for end in ("grantor", "grantee"):
                if isinstance(ev.get(f"{end}_name"), str):
                    names.setdefault(str(ev.get(end)), ev[f"{end}_name"])
            outbound = ev.get("grantor") == portal
            other = ev.get("grantee") if outbound else ev.get("grantor")
            for seen in ev.get("seen_at") or []:
                listed[portal][seen].add((str(other), "outbound" if outbound else "inbound"))
    lo, hi = _day(since), _day(until)
    portals: list[dict[str, Any]] = []
    for portal in sorted(snapshots):
        times = [t for t in sorted(snapshots[portal])
                 if (lo is None or _day(t) >= lo) and (hi is None or _day(t) <= hi)]  # type: ignore[operator]
        changes = []
        for before, after in zip(times, times[1:], strict=False):
            a, b = listed[portal][before], listed[portal][after]
            changes.append({
                "from": before,
                "to": after,
                "added": [{"party": p, "name": names.get(p, p), "direction": d} for p, d in sorted(b - a)],
                "removed": [{"party": p, "name": names.get(p, p), "direction": d} for p, d in sorted(a - b)],
            })
        portals.append({
            "portal": portal,
            "name": names.get(portal, portal),
            "snapshots": times,
            "changes": changes,
            "added": sum(len(c["added"]) for c in changes),
            "removed": sum(len(c["removed"]) for c in changes),
        })
    return {"portals": [p for p in portals if len(p["snapshots"]) > 1]}
