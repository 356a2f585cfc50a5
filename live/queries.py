"""What the live view answers (the web server's reads): counts and rates, the trace and reach documents, a
clip's hand-overs, the links into a party and a search; each takes the state's lock. ``LiveState`` is fed
(``live.state``); these read it.

>>> from live.state import LiveState
>>> LiveState().stats()["events_in"]
0
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from analysis.party_names import LogParties, reach_named, resolve_party, trace_named
from graph.asof import graph_as_of
from graph.conduits import conduit_document
from graph.custody import CustodyGraph
from graph.reach import DEFAULT_MAX_HOPS, clips_reaching, flow_links_into, parties_into
from graph.trace import DEFAULT_LIMIT, TraceError
from judge.tally import CheckTally
from schemas.events import INPUT_TOPICS, MIXED_INPUT
from schemas.parties import PartyRegistry
from schemas.records import Verdict

__all__ = ["LiveQueries"]


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _brief(v: dict[str, Any]) -> dict[str, Any]:
    return {k: v.get(k) for k in ("rule_id", "verdict", "event_id", "event_type", "occurred_at", "parties")}


class LiveQueries:
    """The reads of the live view, over what ``LiveState`` holds."""

    lock: threading.RLock
    graph: CustodyGraph
    registry: PartyRegistry
    log_parties: LogParties
    tally: CheckTally
    version: int
    graph_version: int
    mode: str
    source: str
    feeding: bool
    rate_window: float
    _started: float
    _late: int
    _last_event_time: float | None
    _buckets: deque[tuple[int, Counter[str]]]
    _topic_totals: Counter[str]
    _verdicts: dict[str, Verdict]
    _violations: deque[dict[str, Any]]
    _stats_cache: tuple[int, float, dict[str, Any]] | None

    def trace(self, clip: str, to: str, limit: int = DEFAULT_LIMIT, *, as_of: datetime | None = None,
              max_wait: float | None = None) -> dict[str, Any]:
        """Exactly the ``custodiet trace --json`` document (before its names): ``to`` an id or a name
        (``analysis.party_names.resolve_party``: ``PartyNameError`` if it names no party or several), a party the
        log names that nothing reached an answer of zero with ``in_log``; with ``as_of``, on the graph as of then
        (``graph.asof.graph_as_of``, the rule of ``--as-of``)."""
        with self.lock:
            g = self.graph if as_of is None else graph_as_of(self.graph, as_of)
            to = resolve_party(g, to, "to", self.log_parties)
            return trace_named(g, clip, to, self.log_parties, limit=limit, max_wait=max_wait)

    def reach(self, to: str, max_hops: int = DEFAULT_MAX_HOPS, *, as_of: datetime | None = None,
              max_wait: float | None = None) -> dict[str, Any]:
        """Exactly the ``custodiet reach --json`` document (before its names), ``to`` read as :meth:`trace`
        reads it; with ``as_of``, on the graph as of then."""
        with self.lock:
            g = self.graph if as_of is None else graph_as_of(self.graph, as_of)
            to = resolve_party(g, to, "to", self.log_parties)
            return reach_named(g, to, self.log_parties, max_hops=max_hops, max_wait=max_wait)

    def kind_of(self, party: str) -> str:
        """The kind of a party (``federal``, ``local``, ``resident``, ...)."""
        data = self.graph.graph.nodes.get(party) if party in self.graph.graph else None
        if data and data.get("kind"):
            return str(data["kind"])
        return self.registry.kind_of(party)

    def federal_parties(self) -> list[str]:
        """Parties in the graph whose kind is federal."""
        with self.lock:
            return sorted(p for p in self.graph.graph.nodes if self.kind_of(p) == "federal")

    def _rates(self) -> dict[str, float]:
        now = time.monotonic()
        span = min(self.rate_window, max(1.0, now - self._started))
        lo = int(now - span)
        counts: Counter[str] = Counter()
        for sec, c in self._buckets:
            if sec >= lo:
                counts.update(c)
        return {t: round(n / span, 1) for t, n in counts.items()}

    def stats(self, max_age: float = 0.25) -> dict[str, Any]:
        """Counters, rates by topic, verdicts by rule, paths into federal parties, conduits (cached briefly)."""
        with self.lock:
            now = time.monotonic()
            if self._stats_cache is not None:
                v, at, doc = self._stats_cache
                if v == self.version and now - at < max_age:
                    return doc
            doc = self._build_stats()
            self._stats_cache = (self.version, now, doc)
            return doc

    def _build_stats(self) -> dict[str, Any]:
        rates = self._rates()
        topics = [{"topic": t, "event_type": et, "total": self._topic_totals.get(t, 0), "rate": rates.get(t, 0.0)}
                  for et, t in (*INPUT_TOPICS.items(), ("?", MIXED_INPUT))]
        federal = self.federal_parties()
        reached: list[dict[str, Any]] = []
        for party in federal:
            for row in clips_reaching(self.graph, party):
                reached.append({"clip": row["clip"], "to": party, "owner": row["owner"], "paths": row["paths"],
                                "intermediaries": row["intermediaries"], "first_reached": row["first_reached"]})
        reached.sort(key=lambda r: (r["first_reached"], r["clip"], r["to"]), reverse=True)
        if federal:
            cond = conduit_document(self.graph, to_kind="federal", limit=12)
            basis = "towards federal parties: " + cond["links_basis"]
        else:
            cond = conduit_document(self.graph, limit=12)
            basis = "no federal party yet: " + cond["links_basis"]
        g = self.graph
        return {
            "version": self.version,
            "graph_version": self.graph_version,
            "mode": self.mode,
            "source": self.source,
            "feeding": self.feeding,
            **self.tally.counts(),
            "late": self._late,
            "event_time": _iso(self._last_event_time),
            "rate": round(sum(rates.values()), 1),
            "topics": topics,
            "rules": self.tally.rules(),
            "violations": sum(self.tally.violations.values()),
            "recent_violations": [_brief(v) for v in list(self._violations)[-12:]][::-1],
            "graph": {"basis": g.basis, "parties": g.graph.number_of_nodes(), "links": g.graph.number_of_edges(),
                      "clips": len(g.clips), "hand_overs": g.hand_over_count, "grants": g.grants,
                      "searches": g.searches},
            "federal_parties": federal,
            "federal": reached[:40],
            "federal_total": len(reached),
            "conduits": cond["conduits"],
            "conduits_basis": basis,
        }

    def violations(self, limit: int = 100, rule: str | None = None) -> dict[str, Any]:
        """Violation records (newest first, at most ``limit``; optionally of one rule) and counts by rule."""
        with self.lock:
            rows = [v for v in reversed(self._violations) if rule is None or v["rule_id"] == rule]
            by_rule = {r["rule"]: {"gated": r["gated"], "flagged": r["flagged"]} for r in self.tally.rules()}
            total = sum(self.tally.violations.values())
            return {"count": total if rule is None else sum(by_rule.get(rule, {}).values()),
                    "by_rule": dict(sorted(by_rule.items())), "kept": len(rows), "truncated": len(rows) > limit,
                    "violations": rows[:limit]}

    def clip_detail(self, clip: str) -> dict[str, Any]:
        """A clip's owner and every hand-over of it, with its verdict and the kind of each party."""
        with self.lock:
            g = self.graph
            if clip not in g.clips and clip not in g.hand_overs:
                raise TraceError(f"clip {clip!r} is not in the log")
            origin = g.clips.get(clip)
            rows = []
            parties: dict[str, str] = {}
            if origin is not None:
                parties[origin.owner] = self.kind_of(origin.owner)
            for h in g.clip_hand_overs(clip):
                data = g.graph.get_edge_data(h.src, h.dst, h.event_id) or {}
                v = self._verdicts.get(h.event_id)
                rows.append({"event_id": h.event_id, "at": _iso(h.t), "from": h.src, "to": h.dst,
                             "basis": data.get("basis"), "purpose": data.get("purpose"),
                             "outcome": v.outcome if v else data.get("verdict", "ok"),
                             "rules": [x.rule_id for x in v.violations] if v else []})
                parties.setdefault(h.src, self.kind_of(h.src))
                parties.setdefault(h.dst, self.kind_of(h.dst))
            return {"clip": clip, "owner": origin.owner if origin else None,
                    "recorded_at": _iso(origin.t) if origin else None, "platform": origin.platform if origin else None,
                    "hand_overs": rows, "parties": parties}

    def links_into(self, to: str, max_hops: int = DEFAULT_MAX_HOPS, max_nodes: int = 60) -> dict[str, Any]:
        """The party-level links on shortest routes into ``to`` (for drawing), flagged and gated counted."""
        with self.lock:
            g = self.graph
            if not g.has_party(to):
                raise TraceError(f"party {to!r} is not in the log")
            rows, truncated = parties_into(g, to, max_hops=max_hops)
            near = [r for r in rows if r["min_hops"] <= max_hops]
            near.sort(key=lambda r: (r["min_hops"], -r["paths"], r["party"]))
            chosen = near[: max(0, max_nodes - 1)]
            hops = {to: 0, **{r["party"]: r["min_hops"] for r in chosen}}
            links = []
            for (u, v), c in flow_links_into(g, to).items():  # only links that carry data into ``to``
                if u not in hops or v not in hops or hops[u] != hops[v] + 1:
                    continue
                outcomes: Counter[str] = Counter()
                for key in g.graph[u][v]:
                    verdict = self._verdicts.get(str(key))
                    if verdict is not None and verdict.outcome != "ok":
                        outcomes[verdict.outcome] += 1
                links.append({"from": u, "to": v, "hand_overs": c["hand_overs"], "grants": c["grants"],
                              "searches": c["searches"], "flagged": outcomes["flagged"], "gated": outcomes["gated"]})
            links.sort(key=lambda lk: (lk["from"], lk["to"]))
            nodes = [{"id": p, "kind": self.kind_of(p), "hops": h,
                      "paths": next((r["paths"] for r in chosen if r["party"] == p), 0)} for p, h in hops.items()]
            return {"to": to, "max_hops": max_hops, "nodes": nodes, "links": links,
                    "total_parties": len(near), "truncated": truncated or len(near) > len(chosen)}

    def search(self, q: str, limit: int = 20) -> dict[str, Any]:
        """Clip and party ids containing ``q`` (case-insensitive), exact matches first.

        >>> from live.state import LiveState
        >>> LiveState().search("ice")
        {'q': 'ice', 'clips': [], 'parties': []}
        """
        needle = q.strip().lower()
        with self.lock:
            if not needle:
                return {"q": q, "clips": [], "parties": []}
            g = self.graph

            def pick(ids: Iterable[str]) -> list[str]:
                hits = [i for i in ids if needle in i.lower()]
                hits.sort(key=lambda i: (i.lower() != needle, not i.lower().startswith(needle), len(i), i))
                return hits[:limit]

            clips = pick(set(g.clips) | set(g.hand_overs))
            parties = [{"id": p, "kind": self.kind_of(p)} for p in pick(g.graph.nodes)]
            return {"q": q, "clips": clips, "parties": parties}
