"""A tiny run of every benchmark code path (``python -m bench --smoke``): the results file has every figure
with a numeric ratio and target. No timing assertions: these sizes measure nothing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.__main__ import FIGURES, main


@pytest.mark.broker
def test_bench_smoke_writes_every_figure(tmp_path: Path, kafka_bootstrap: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    out = tmp_path / "results.json"
    assert main(["--smoke", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert set(doc["figures"]) == set(FIGURES)
    assert doc["quick"] is True and "machine" in doc and "when" in doc
    for name, fig in doc["figures"].items():
        value = fig["ratio"] if "ratio" in fig else fig["value"]
        assert isinstance(value, int | float) and math.isfinite(value), name
        assert fig["better"] in ("higher", "lower"), name
        assert isinstance(fig["target"], int | float), name
        assert isinstance(fig["meets"], bool), name
        assert {"baseline", "measured", "unit"} <= set(fig), name
