"""``python -m bench [--quick] [--only NAME ...] [--out PATH]``: run the figures, print a table, write JSON.

``--smoke`` is the tiny run the test suite uses to exercise every code path (its numbers mean nothing).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import Figure, machine

FIGURES = ("check_vs_parse", "check_vs_parse_dense", "shuffled_vs_sorted_in_process", "bytes_per_event_in_process",
           "trace_vs_naive", "stream_vs_in_process", "faust_bare_consume", "stream_vs_faust_bare",
           "check_broker_vs_raw_kafka", "shuffled_vs_sorted_kafka", "shuffled_dense_kafka_scaling",
           "bytes_per_event_worker", "worker_cpu_per_event_4_vs_1", "two_workers_vs_one", "audit_import",
           "as_of_vs_plain", "audit_summary_10m")
DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.3f}" if v < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _abs(fig: dict[str, Any], side: str) -> str:
    d = fig.get(side, {})
    keys = ("rate", "seconds", "cpu_us_per_event", "rss_bytes", "rss_peak_bytes", "trace_p50_ms", "trace_p99_ms",
            "reach_s", "bytes_per_hand_over", "trace_mean_ms")
    return ", ".join(f"{k}={_fmt(d[k])}" for k in keys if k in d)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes, under two minutes")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: exercise the code paths only")
    ap.add_argument("--only", nargs="*", choices=FIGURES, help="run only these figures")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results file (default {DEFAULT_OUT})")
    args = ap.parse_args(argv)
    size = "smoke" if args.smoke else "quick" if args.quick else "full"
    names = args.only or list(FIGURES)

    from rich.console import Console
    from rich.table import Table

    err = Console(stderr=True)
    started = time.perf_counter()
    doc: dict[str, Any] = {"figures": {}, "machine": machine(), "quick": size != "full", "size": size,
                           "when": datetime.now(UTC).isoformat(timespec="seconds")}
    failed = []
    for name in names:
        err.print(f"[bold]{name}[/] ({size}) ...")
        t0 = time.perf_counter()
        try:
            fig: Figure = importlib.import_module(f"bench.{name}").run(size)
        except Exception as exc:  # a figure that cannot run is reported, and the others still run
            traceback.print_exc()
            failed.append(name)
            doc["figures"][name] = {"ratio": None, "target": None, "meets": False, "error": repr(exc)[:500]}
            continue
        doc["figures"][name] = fig.to_json() | {"seconds": round(time.perf_counter() - t0, 1)}
    doc["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")

    out = Console()
    table = Table(title=f"custodiet bench ({size}; {doc['seconds']} s)")
    for col in ("figure", "ratio", "target", "meets", "measured", "baseline"):
        table.add_column(col, overflow="fold")
    for name, fig in doc["figures"].items():
        ratio = fig.get("ratio", fig.get("value"))
        sign = "<=" if fig.get("better") == "lower" else ">="
        table.add_row(name, "error" if ratio is None else f"{ratio:.3f}", f"{sign} {_fmt(fig.get('target'))}",
                      "yes" if fig.get("meets") else "[red]no[/]", _abs(fig, "measured"), _abs(fig, "baseline"))
    out.print(table)
    for name, fig in doc["figures"].items():
        ratio = fig.get("ratio", fig.get("value"))
        if ratio is None:
            print(f"{name}: ERROR {fig.get('error')}")
            continue
        extra = fig.get("extra", {})
        more = ""
        if "checks" in extra:
            more += "; " + ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in extra["checks"].items())
        sign = "<=" if fig.get("better") == "lower" else ">="
        kind = "value" if "value" in fig else "ratio"
        print(f"{name}: {kind} {ratio:.3f} (target {sign} {fig['target']}) {'meets' if fig['meets'] else 'NOT MET'}; "
              f"measured {_abs(fig, 'measured')}; baseline {_abs(fig, 'baseline')} [{fig['unit']}]{more}"
              + (f" ({fig['note']})" if fig.get("note") else ""))
    print(f"results: {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
