"""``shuffled_vs_sorted_in_process``: time of the in-process ``check`` on a log in random order over the same
log in time order (400,000 events; quick 30,000). Target <= 1.2.

Both runs wait for late events for ever (``late_after=None``): a full shuffle of a log that spans months puts
events far beyond the default lateness setting, where verdicts may rightly differ; waiting for ever they
must not, so the figure also checks that the two give the same violations and outcomes.
"""

from __future__ import annotations

from bench import Figure, best_of, scaled_lines
from bench.streaming import shuffled

SETTINGS = {"full": (400_000, 2), "quick": (30_000, 2), "smoke": (500, 1)}
TARGET = 1.2


def run(size: str) -> Figure:
    from judge.pipeline import run_check

    n, repeats = SETTINGS[size]
    ordered = scaled_lines(n)
    mixed = shuffled(ordered)
    docs = {}

    def check(lines: list[bytes], key: str) -> None:
        docs[key] = run_check(enumerate(lines, start=1), late_after=None).document()

    t_sorted = t_shuffled = float("inf")
    for _ in range(repeats):  # interleaved, so that a busy moment hurts both sides alike
        t_sorted = min(t_sorted, best_of(lambda: check(ordered, "sorted"), 1))
        t_shuffled = min(t_shuffled, best_of(lambda: check(mixed, "shuffled"), 1))
    agree = docs["sorted"]["violations"] == docs["shuffled"]["violations"] and \
        docs["sorted"]["outcomes"] == docs["shuffled"]["outcomes"]
    return Figure(
        name="shuffled_vs_sorted_in_process", ratio=t_shuffled / t_sorted, target=TARGET, better="lower",
        unit="seconds (shuffled / sorted)",
        baseline={"what": "run_check, log in time order", "events": n, "seconds": round(t_sorted, 3),
                  "rate": round(n / t_sorted)},
        measured={"what": "run_check, the same log shuffled", "events": n, "seconds": round(t_shuffled, 3),
                  "rate": round(n / t_shuffled)},
        extra={"checks": {"same_violations_and_outcomes": agree}, "all_targets_met": agree},
    )
