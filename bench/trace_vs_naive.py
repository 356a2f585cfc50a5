"""``trace_vs_naive``: single-clip trace (``graph.trace.trace``) and reach-to-one-party
(``graph.reach.reach``) on a custody graph of 1,000,000 hand-overs (``--quick``: 200,000), over a naive
networkx approach on the same graph and the same queries; plus bytes of memory per hand-over.

Naive trace (the ratio): networkx alone on the same graph: select the clip's edges by their ``clip``
attribute (``edge_subgraph``), enumerate every time-blind simple path with ``nx.all_simple_edge_paths``,
keep those whose hand-over times never go backwards. Beside it, a stricter "indexed naive" that builds the
clip's subgraph from custodiet's own per-clip index (so it only differs in the path algorithm): on small
clips that is about as fast as ours, on widely shared clips it explodes. Naive reach: the indexed naive
trace for every clip with a hand-over into the party, plus ``nx.ancestors`` on the time-blind party graph.
Each naive query is capped (paths and seconds) so that it never hangs; a capped time is a lower bound, and
so is the ratio then. Ratio = mean naive trace time / mean trace time over the same (clip, party) queries.
Targets: ratio >= 10, trace p99 < 1 ms, reach < 3 s, memory < 1 KB per hand-over.
"""

from __future__ import annotations

import gc
import random
import signal
import time
import tracemalloc
from typing import Any

import networkx as nx

from bench import Figure, mean, percentile
from bench.synth_graph import build_graph

SETTINGS: dict[str, dict[str, Any]] = {
    "full": {"hand_overs": 1_000_000, "queries": 1000, "naive_queries": 10, "indexed_queries": 300,
             "mem_hand_overs": 200_000, "naive_reach_budget_s": 60.0},
    "quick": {"hand_overs": 200_000, "queries": 600, "naive_queries": 10, "indexed_queries": 200,
              "mem_hand_overs": 50_000, "naive_reach_budget_s": 10.0},
    "smoke": {"hand_overs": 2_000, "queries": 30, "naive_queries": 3, "indexed_queries": 10,
              "mem_hand_overs": 1_000, "naive_reach_budget_s": 1.0},
}
TARGET = 10.0
P99_TARGET_MS = 1.0
REACH_TARGET_S = 3.0
BYTES_TARGET = 1024
NAIVE_PATH_CAP = 100_000
NAIVE_QUERY_CAP_S = 1.0


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _clip_subgraph_naive(graph: nx.MultiDiGraph, clip: str) -> nx.MultiDiGraph:
    """The clip's subgraph the networkx way: select its edges by attribute from the whole graph."""
    return graph.edge_subgraph([(u, v, k) for u, v, k, c in graph.edges(keys=True, data="clip") if c == clip])


def _clip_subgraph_indexed(hs: list[Any]) -> nx.MultiDiGraph:
    """The clip's subgraph built from the per-clip index (generous to the naive approach)."""
    g = nx.MultiDiGraph()
    for h in hs:
        g.add_edge(h.src, h.dst, key=h.event_id, t=h.t)
    return g


def _naive_trace(g: nx.MultiDiGraph, owner: str, t0: float, to: str, cap_s: float = NAIVE_QUERY_CAP_S
                 ) -> tuple[int, bool]:
    """(time-respecting paths found, capped): every time-blind simple path of the clip's subgraph ``g``,
    kept if its times never go backwards; stopped after ``cap_s`` seconds (SIGALRM, since the time-blind
    search can wander for minutes without yielding a single path)."""
    if owner not in g or to not in g or owner == to:
        return 0, False
    found = seen = 0
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, cap_s)
    try:
        for path in nx.all_simple_edge_paths(g, owner, to):
            seen += 1
            last = t0
            ok = True
            for u, v, k in path:
                t = g.edges[u, v, k]["t"]
                if t < last:
                    ok = False
                    break
                last = t
            found += ok
            if seen >= NAIVE_PATH_CAP:
                return found, True
    except _Timeout:
        return found, True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return found, False


def _naive_reach(g: Any, to: str, budget_s: float) -> tuple[float, int, bool]:
    """(seconds, clips reached, capped) for the naive reach-to-one-party."""
    t_start = time.perf_counter()
    candidates = sorted({d["clip"] for _, _, d in g.graph.in_edges(to, data=True) if d.get("clip") is not None})
    reached = 0
    capped = False
    for clip in candidates:
        origin = g.clips.get(clip)
        if origin is None:
            continue
        n, cap = _naive_trace(_clip_subgraph_indexed(g.hand_overs[clip]), origin.owner, origin.t, to)
        reached += n > 0
        capped |= cap
        if time.perf_counter() - t_start > budget_s:
            capped = True
            break
    links = nx.DiGraph()
    links.add_edges_from((u, v) for u, v in g.graph.edges())
    nx.ancestors(links, to)
    return time.perf_counter() - t_start, reached, capped


def _memory_per_hand_over(n: int) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        g, _ = build_graph(n, seed=5)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del g
    return (after - before) / n


def run(size: str) -> Figure:
    from graph.reach import reach
    from graph.trace import trace

    cfg = SETTINGS[size]
    n = cfg["hand_overs"]
    t0 = time.perf_counter()
    g, parties = build_graph(n)
    build_s = time.perf_counter() - t0
    gc.collect()  # the graph is loaded: what follows is query time

    rng = random.Random(3)
    clips = sorted(g.hand_overs)
    queries = []
    for clip in rng.sample(clips, min(cfg["queries"], len(clips))):
        hs = g.hand_overs[clip]
        # ask about a party the clip did reach (a federal one if any, else the last recipient)
        fed = [h.dst for h in hs if h.dst in parties.federal]
        queries.append((clip, fed[0] if fed else rng.choice(hs).dst))
    for clip, to in queries[:5]:  # warm up
        trace(g, clip, to)
    times = []
    for clip, to in queries:
        t = time.perf_counter()
        trace(g, clip, to)
        times.append(time.perf_counter() - t)

    naive_times, naive_capped, ours_same = [], 0, []
    indexed_times, indexed_capped, ours_indexed = [], 0, []
    for i, ((clip, to), ours) in enumerate(zip(queries, times, strict=True)):
        origin = g.clips[clip]
        if i < cfg["naive_queries"]:
            t = time.perf_counter()
            _, capped = _naive_trace(_clip_subgraph_naive(g.graph, clip), origin.owner, origin.t, to)
            naive_times.append(time.perf_counter() - t)
            naive_capped += capped
            ours_same.append(ours)
        if i < cfg["indexed_queries"]:
            t = time.perf_counter()
            _, capped = _naive_trace(_clip_subgraph_indexed(g.hand_overs[clip]), origin.owner, origin.t, to)
            indexed_times.append(time.perf_counter() - t)
            indexed_capped += capped
            ours_indexed.append(ours)

    # reach to the federal party with the most hand-overs into it
    target = max(parties.federal, key=lambda p: g.graph.in_degree(p) if p in g.graph else -1)
    t = time.perf_counter()
    doc = reach(g, target)
    reach_s = time.perf_counter() - t
    naive_reach_s, naive_reach_clips, naive_reach_capped = _naive_reach(g, target, cfg["naive_reach_budget_s"])

    mem_n = min(cfg["mem_hand_overs"], n)
    bytes_per = _memory_per_hand_over(mem_n)

    ratio = mean(naive_times) / mean(ours_same)
    p50, p99 = percentile(times, 50) * 1e3, percentile(times, 99) * 1e3
    checks = {"p99_under_1ms": p99 < P99_TARGET_MS, "reach_under_3s": reach_s < REACH_TARGET_S,
              "under_1kb_per_hand_over": bytes_per < BYTES_TARGET}
    note = "" if size == "full" else f"{size} run: {n:,} hand-overs, not 1,000,000"
    return Figure(
        name="trace_vs_naive", ratio=ratio, target=TARGET, unit="x faster (mean single-clip trace time)",
        baseline={"what": "naive networkx on the same graph: select the clip's edges by attribute, "
                          "nx.all_simple_edge_paths (time-blind), then filter by time",
                  "queries": len(naive_times), "trace_mean_ms": round(mean(naive_times) * 1e3, 4),
                  "trace_p50_ms": round(percentile(naive_times, 50) * 1e3, 4),
                  "trace_p99_ms": round(percentile(naive_times, 99) * 1e3, 4), "capped_queries": naive_capped,
                  "reach_s": round(naive_reach_s, 3), "reach_clips": naive_reach_clips,
                  "reach_capped": naive_reach_capped, "reach_ratio": round(naive_reach_s / reach_s, 2),
                  "indexed_naive": {
                      "what": "same, but the clip subgraph built from custodiet's per-clip index (stricter)",
                      "queries": len(indexed_times), "capped_queries": indexed_capped,
                      "trace_mean_ms": round(mean(indexed_times) * 1e3, 4),
                      "trace_p50_ms": round(percentile(indexed_times, 50) * 1e3, 4),
                      "ratio_mean": round(mean(indexed_times) / mean(ours_indexed), 2),
                      "ratio_p50": round(percentile(indexed_times, 50) / percentile(ours_indexed, 50), 2)}},
        measured={"what": "graph.trace.trace / graph.reach.reach", "hand_overs": n,
                  "parties": g.graph.number_of_nodes(), "clips": len(g.clips), "build_s": round(build_s, 2),
                  "queries": len(times), "trace_mean_ms": round(mean(times) * 1e3, 4),
                  "trace_p50_ms": round(p50, 4), "trace_p99_ms": round(p99, 4),
                  "trace_max_ms": round(max(times) * 1e3, 3), "reach_party": target, "reach_s": round(reach_s, 3),
                  "reach_clips": doc["clip_count"], "reach_paths": doc["path_count"],
                  "bytes_per_hand_over": round(bytes_per, 1), "bytes_measured_on": mem_n},
        extra={"targets": {"p99_ms": P99_TARGET_MS, "reach_s": REACH_TARGET_S, "bytes_per_hand_over": BYTES_TARGET},
               "checks": checks, "all_targets_met": all(checks.values()), "quick_scale": size != "full"},
        note=note,
    )
