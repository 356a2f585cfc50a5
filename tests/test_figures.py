"""Pictures a newspaper could print: no two labels overlap, none is cut by the figure's edge, at most
MAX_LABELS parties labelled (the rest aggregated and said so), and the colours are Okabe-Ito."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from graph.custody import CustodyGraph
from reports.figures import KIND_COLOURS, MAX_LABELS, OKABE_ITO, into_figure, label_boxes, violations_figure
from schemas.parties import Party, PartyRegistry

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "flock-sharing-nc-2024"


def assert_legible(fig) -> list[str]:  # type: ignore[no-untyped-def]
    boxes = label_boxes(fig)
    frame = fig.bbox
    for text, bb in boxes:
        assert frame.x0 - 0.5 <= bb.x0 and bb.x1 <= frame.x1 + 0.5, f"cut at the side: {text!r}"
        assert frame.y0 - 0.5 <= bb.y0 and bb.y1 <= frame.y1 + 0.5, f"cut at the top or bottom: {text!r}"
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"labels overlap: {ta!r} and {tb!r}"
    return [" ".join(t.split()) for t, _ in boxes]  # wrapped labels read as one line


def crowded_graph() -> tuple[CustodyGraph, PartyRegistry]:
    """60 agencies grant the FBI access, one with a very long name; owners in two towns hand clips on."""
    reg = PartyRegistry([
        Party(id="agency:fbi", kind="federal", name="Federal Bureau of Investigation"),
        Party(id="agency:aurora-pd-il", kind="local", name="Aurora Police Department", state="IL",
              jurisdiction="Aurora"),
        Party(id="agency:joliet-pd-il", kind="local", name="Joliet Police Department", state="IL",
              jurisdiction="Joliet"),
    ])
    g = CustodyGraph(reg)
    for i in range(60):
        name = f"agency:town-{i:02d}-pd-tx" if i else "agency:" + "very-long-named-regional-" * 4 + "tx-pd"
        g.add_grant(f"g{i}", name, "agency:fbi", 0.0)
    for i in range(40):
        town = "aurora-pd-il" if i % 3 else "joliet-pd-il"
        owner = f"resident:{town}-1-{i}"
        g.add_recording(f"c{i}", owner, 0.0)
        g.add_hand_over(f"t{i}", f"c{i}", owner, f"agency:{town}", 1.0)
        g.add_hand_over(f"u{i}", f"c{i}", f"agency:{town}", "agency:fbi", 2.0)
    return g, reg


def test_into_figure_is_legible_and_aggregates():
    g, _ = crowded_graph()
    fig = into_figure(g, "agency:fbi", "a test network")
    texts = assert_legible(fig)
    labelled = [t for t in texts if not t.startswith(("What reached", "Drawn:"))]
    assert len(labelled) <= MAX_LABELS
    assert any("more" in t for t in labelled), "the parties left out are drawn as one 'more' node"
    assert any("camera owners in Aurora, IL" in t for t in labelled), labelled
    assert any("Federal Bureau of Investigation" in t for t in texts)
    caption = next(t for t in texts if t.startswith("Drawn:"))
    assert "a test network" in caption and "more" in caption


def test_violations_figure_is_legible_and_by_name():
    reg = PartyRegistry([Party(id="agency:houston-pd-tx", kind="local", name="Houston Police Department",
                               state="TX")])
    doc = {"violation_list": [
        {"rule_id": rule, "parties": ["resident:houston-pd-tx-1-1", "agency:houston-pd-tx"]}
        for rule in ("core.custody-continuity", "ca-sb34.public-agencies-only") * 3
    ] + [{"rule_id": "ring-2019-portal.max-window", "parties": [f"agency:a-{i}-pd-ca"]} for i in range(30)]}
    fig = violations_figure(doc, "a test log", reg)
    texts = assert_legible(fig)
    assert "Houston Police Department (TX)" in texts
    assert "Handed over a clip it did not hold at the time" in " ".join(texts)
    assert not any(t.startswith("resident:") for t in texts)
    assert "top 20 of 31 agencies" in " ".join(texts)


def test_colours_are_okabe_ito():
    assert set(KIND_COLOURS.values()) <= {*OKABE_ITO, "#999999"}


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder absent")
def test_real_network_figure_is_legible(tmp_path: Path):
    from importers import IMPORTERS
    from schemas.events import EVENT_ADAPTER

    res = IMPORTERS["flock-sharing"](DATA / "agency_access20240426.csv")
    reg = PartyRegistry([Party.model_validate(p) for p in json.loads(res.registry_json())])
    g = CustodyGraph.from_events((EVENT_ADAPTER.validate_python(e) for e in res.events), reg)
    texts = assert_legible(into_figure(g, "agency:fbi", "Flock sharing network"))
    assert not any(t.startswith("agency:") for t in texts)
