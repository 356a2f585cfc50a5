"""``check_vs_parse_dense``: in-process ``check`` over bare ``json.loads`` on logs dense in hand-overs
(``bench.dense``: tens of hand-overs per clip among ten parties, 5% repeats, 10% of lines out of time
order). Target >= 0.25.
"""

from __future__ import annotations

from bench import Figure
from bench.check_vs_parse import compare
from bench.dense import dense_lines

SETTINGS = {"full": (200_000, 3), "quick": (20_000, 3), "smoke": (500, 1)}
TARGET = 0.25


def run(size: str) -> Figure:
    n, repeats = SETTINGS[size]
    return compare("check_vs_parse_dense", dense_lines(n), repeats, TARGET, "bench.dense.dense_lines(n)")
