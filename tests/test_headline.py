"""The headline in sentences: complete (every intermediary, every rule), each number with what it counts,
"simulated" where it is, and about grants and searches when real data holds no clips."""

from __future__ import annotations

from reports.headline import headline, lead_party
from reports.names import rule_title
from schemas.parties import Party, PartyRegistry

REG = PartyRegistry([Party(id=f"agency:town-{i}-pd-tx", kind="local", name=f"Town {i} Police Department",
                           state="TX") for i in range(6)])


def doc(**extra):  # type: ignore[no-untyped-def]
    base = {"simulated": True, "scenario": "s", "seed": 7, "events_in": 1000, "basis": "judged",
            "violations": {"core.custody-continuity": 2, "ca-sb34.public-agencies-only": 5,
                           "ring-2019-portal.max-window": 1},
            "reached": [{"party": "agency:fbi", "clips": 3, "paths": 5,
                         "via": [{"party": f"agency:town-{i}-pd-tx", "clips": 1} for i in range(6)],
                         "bases": {"agreement": 3, "lookup": 1}},
                        {"party": "agency:cbp", "clips": 0, "paths": 0, "via": [], "bases": {}}]}
    base.update(extra)
    return base


def test_every_intermediary_and_every_rule_is_named():
    text = " ".join(headline(doc(), REG))
    for i in range(6):
        assert f"Town {i} Police Department (TX) (1 clip)" in text
    for rule, n in doc()["violations"].items():
        assert f"{rule_title(rule)} ({n})" in text
    assert "8 violations of 3 rules" in text
    assert "3 clips reached FBI, by 5 time-respecting paths of hand-overs" in text
    assert "agency:" not in text and "CBP" not in text  # ids never; parties no clip reached are not headlines


def test_counts_say_what_they_count():
    lines = headline(doc(), REG)
    assert lines[0].startswith("Simulated run: 1,000 simulated events")
    assert "custody as judged" in lines[1]
    bases = next(s for s in lines if s.startswith("The 4 hand-overs"))
    assert "(a clip can be handed over more than once)" in bases  # 4 hand-overs for 3 clips, explained
    assert "3 under an information-sharing agreement and 1 under a lookup run for another agency" in bases
    attempts = " ".join(headline(doc(basis="attempts"), REG))
    assert "every attempt in the log" in attempts


def test_real_data_without_clips_speaks_of_grants_not_zero_clips():
    real = {"violations": {}, "reached": [{"party": "agency:fbi", "clips": 0, "paths": 0, "via": [], "bases": {}}],
            "holds": [{"party": "agency:fbi", "grants": 31, "grantors": 30, "states": 12, "searches": 4}]}
    text = " ".join(headline(real, REG))
    assert "30 agencies in 12 states gave FBI access to search their plate-reader cameras" in text
    assert "4 searches" in text
    assert "0 clip" not in text and "Simulated" not in text
    assert lead_party(real) is None
