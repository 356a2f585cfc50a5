"""``as_of_vs_plain``: ``reach --as-of`` over ``reach`` without it, end to end as the command runs them (read the
log, judge it in-process with every rule set, build the custody graph, answer reach), on two logs:

- a log of 1,000,000 hand-overs (``--quick``: 100,000; plus their recordings), written from the synthetic
  custody graph of ``bench.synth_graph`` (about 2,000 parties), reach into its busiest federal party;
- the NC sharing data (``/work/shared/data/flock-sharing-nc-2024``, imported as ``import flock-sharing``
  does), reach into the party with the most grants into it.

As of the latest event (every event counts: the as-of rule's own cost, nothing set aside) and, beside it, as
of the middle of the log. Ratio = as-of time / plain time (the larger of the two logs' ratios at the latest
date), target <= 1.5. Each side is the best of ``repeats`` runs, the sides taken in turn.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import Figure

SETTINGS: dict[str, dict[str, Any]] = {
    "full": {"hand_overs": 1_000_000, "repeats": 2},
    "quick": {"hand_overs": 100_000, "repeats": 3},
    "smoke": {"hand_overs": 2_000, "repeats": 1},
}
TARGET = 1.5
NC = Path("/work/shared/data/flock-sharing-nc-2024")


def _z(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _write_hand_over_log(n: int, path: Path) -> tuple[str, float, float]:
    """The synthetic graph's recordings and hand-overs as events; ``(busiest federal party, first time, last
    time)``."""
    from bench.synth_graph import build_graph

    g, parties = build_graph(n)
    with path.open("w", encoding="utf-8") as fh:
        for clip, o in g.clips.items():
            fh.write(json.dumps({"event_id": f"rec-{clip}", "type": "clip_recorded", "occurred_at": _z(o.t),
                                 "clip_id": clip, "owner": o.owner, "platform": "ring"}) + "\n")
        for clip, hs in g.hand_overs.items():
            for h in hs:
                fh.write(json.dumps({"event_id": h.event_id, "type": "transfer", "occurred_at": _z(h.t),
                                     "clip_id": clip, "from_party": h.src, "to_party": h.dst,
                                     "basis": "agreement", "purpose": "investigation"}) + "\n")
    times = [o.t for o in g.clips.values()] + [h.t for hs in g.hand_overs.values() for h in hs]
    target = max(parties.federal, key=lambda p: g.graph.in_degree(p) if p in g.graph else -1)
    return target, min(times), max(times)


def _write_nc_log(path: Path) -> tuple[str, float, float]:
    from importers import IMPORTERS

    res = IMPORTERS["flock-sharing"](NC / "agency_access20240426.csv")
    res.write_jsonl(path)
    into: dict[str, int] = {}
    for e in res.events:
        into[e["grantee"]] = into.get(e["grantee"], 0) + 1
    target = max(sorted(into), key=lambda p: into[p])
    t = datetime.fromisoformat(res.events[0]["occurred_at"].replace("Z", "+00:00")).timestamp()
    return target, t, t


def _reach_once(path: Path, target: str, as_of: datetime | None) -> tuple[float, dict[str, Any]]:
    import gc

    from analysis.judged import graph_of_log
    from classify.registry import default_registry
    from graph.reach import reach
    from judge.pipeline import read_lines

    gc.collect()
    t = time.perf_counter()
    g, _ = graph_of_log(read_lines(str(path)), None, default_registry(), as_of=as_of)
    doc = reach(g, target)
    seconds = time.perf_counter() - t
    return seconds, {"parties": doc["party_count"], "clips": doc["clip_count"], "paths": doc["path_count"]}


def _pair(path: Path, target: str, first: float, last: float, repeats: int) -> dict[str, Any]:
    """Plain and as-of runs taken in turn (so that a busy minute of the shared machine falls on both), the
    best of ``repeats`` each."""
    latest, middle = datetime.fromtimestamp(last, UTC), datetime.fromtimestamp(first + (last - first) / 2, UTC)
    runs: dict[str, list[float]] = {"plain": [], "latest": [], "middle": []}
    docs: dict[str, dict[str, Any]] = {}
    for r in range(repeats):
        for side, when in (("plain", None), ("latest", latest), ("middle", middle)):
            if side == "middle" and r:
                continue
            seconds, docs[side] = _reach_once(path, target, when)
            runs[side].append(seconds)
    plain, at_end, at_mid = (min(runs[k]) for k in ("plain", "latest", "middle"))
    return {"target": target, "plain_s": round(plain, 3), "as_of_latest_s": round(at_end, 3),
            "as_of_middle_s": round(at_mid, 3), "ratio_latest": round(at_end / plain, 4),
            "ratio_middle": round(at_mid / plain, 4), "runs_s": {k: [round(x, 3) for x in v] for k, v in runs.items()},
            "plain": docs["plain"], "as_of_latest": docs["latest"], "as_of_middle": docs["middle"],
            "same_answer_at_latest": docs["plain"] == docs["latest"]}


def run(size: str) -> Figure:
    cfg = SETTINGS[size]
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "hand-overs.jsonl"
        t0 = time.perf_counter()
        target, first, last = _write_hand_over_log(cfg["hand_overs"], log)
        written = round(time.perf_counter() - t0, 1)
        synth = _pair(log, target, first, last, cfg["repeats"])
        synth["hand_overs"] = cfg["hand_overs"]
        synth["write_s"] = written
        nc: dict[str, Any] | None = None
        if (NC / "agency_access20240426.csv").is_file():
            nc_log = Path(tmp) / "nc.jsonl"
            target, first, last = _write_nc_log(nc_log)
            nc = _pair(nc_log, target, first, last, cfg["repeats"])
    ratios = [synth["ratio_latest"]] + ([nc["ratio_latest"]] if nc else [])
    ratio = max(ratios)
    same = synth["same_answer_at_latest"] and (nc is None or nc["same_answer_at_latest"])
    return Figure(
        name="as_of_vs_plain", ratio=ratio, target=TARGET, better="lower", unit="time ratio (as-of / plain)",
        baseline={"seconds": synth["plain_s"], "nc_seconds": nc["plain_s"] if nc else None},
        measured={"seconds": synth["as_of_latest_s"], "nc_seconds": nc["as_of_latest_s"] if nc else None},
        extra={"hand_over_log": synth, "nc_sharing": nc, "all_targets_met": same,
               "checks": {"same answer as of the latest event": same}},
        note=("read + judge + reach, as the command runs them; ratio: the larger of the two logs' as-of-the-"
              "latest-event ratios" + ("" if nc else "; NC sharing data absent")),
    )
