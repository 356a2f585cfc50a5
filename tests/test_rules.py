"""Per rule: a case that passes and a case that breaks it; gate versus flag as DESIGN.md says."""

from __future__ import annotations

from typing import Any

import pytest

from judge.engine import Judge
from judge.rulesets import available_rule_sets, load_rule_set, load_rule_sets
from schemas.events import EVENT_ADAPTER
from schemas.parties import Party, PartyRegistry
from tests.conftest import ev, rec, ts, xfer

REG = PartyRegistry([
    Party(id="agency:oak-pd", kind="local", state="CA"),
    Party(id="agency:reno-pd", kind="local", state="NV"),
    Party(id="agency:chi-pd", kind="local", state="IL"),
    Party(id="agency:sac-so", kind="sheriff", state="CA"),
    Party(id="agency:ice-ero", kind="federal"),
    Party(id="agency:fbi", kind="federal"),
    Party(id="agency:cal-fusion", kind="fusion", state="CA"),
])
OWNER = "resident:r-1"


def request(eid: str = "q1", *, at: str = ts(2, 12), requester: str = "agency:oak-pd", hours: int = 6,
            radius: float = 300, code: str | None = "C-1", purpose: str = "burglary", platform: str = "ring") -> dict:
    start = f"2024-05-01T{6:02d}:00:00Z"
    end_h = 6 + hours
    end = f"2024-05-{1 + end_h // 24:02d}T{end_h % 24:02d}:00:00Z"
    return ev("footage_request", eid, at, request_id=eid, requester=requester, platform=platform,
              area={"lat": 37.80, "lon": -122.27, "radius_m": radius}, window={"start": start, "end": end},
              investigation_code=code, purpose=purpose)


def run(rule_sets: list[str], events: list[dict[str, Any]]) -> dict[str, Any]:
    judge = Judge(load_rule_sets(rule_sets), REG)
    verdicts = judge.judge_all([EVENT_ADAPTER.validate_python(e) for e in events])
    return {v.event_id: v for v in verdicts}


def rule_ids(verdict: Any) -> set[str]:
    return {v.rule_id for v in verdict.violations}


def clip(at: str = ts(1, 8), location: tuple[float, float] | None = (37.801, -122.271)) -> dict:
    kw = {"location": {"lat": location[0], "lon": location[1]}} if location else {}
    return rec("r1", "c1", OWNER, at, **kw)


def consent(decision: str = "share", clips: tuple[str, ...] = ("c1",), at: str = ts(2, 13)) -> dict:
    return ev("consent_decision", "d1", at, request_id="q1", owner=OWNER, decision=decision, clip_ids=list(clips))


def delivery(to: str = "agency:oak-pd", at: str = ts(2, 14), request_id: str = "q1") -> dict:
    return xfer("t1", "c1", OWNER, to, at, basis="consent", purpose="burglary", request_id=request_id,
                via="platform:ring")


# --- requests (platform-mediated: gated) ---------------------------------------------------------------

@pytest.mark.parametrize("kwargs, rule", [
    ({"hours": 13}, "ring-2019-portal.max-window"),
    ({"radius": 2000}, "ring-2019-portal.max-radius"),
    ({"code": None}, "ring-2019-portal.case-number"),
    ({"code": "  "}, "ring-2019-portal.case-number"),
    ({"requester": "agency:ice-ero"}, "ring-2019-portal.partners-only"),
])
def test_request_bounds_gate(kwargs: dict, rule: str) -> None:
    ok = run(["ring-2019-portal"], [request()])["q1"]
    assert ok.outcome == "ok" and not ok.violations
    bad = run(["ring-2019-portal"], [request(**kwargs)])["q1"]
    assert bad.outcome == "gated" and rule in rule_ids(bad)
    assert all(v.verdict == "gated" for v in bad.violations)


def test_window_at_the_limit_passes() -> None:
    assert run(["ring-2019-portal"], [request(hours=12)])["q1"].outcome == "ok"


def test_request_volume() -> None:
    # 10 requests in 30 days are allowed, the 11th is gated; one 31 days later is fine again.
    reqs = [request(f"q{i}", at=f"2024-05-{1 + i:02d}T12:00:00Z") for i in range(11)]
    out = run(["ring-2019-portal"], reqs)
    assert [out[f"q{i}"].outcome for i in range(10)] == ["ok"] * 10
    assert "ring-2019-portal.volume" in rule_ids(out["q10"])
    later = run(["ring-2019-portal"], [*reqs[:10], request("q99", at="2024-06-30T12:00:00Z")])
    assert later["q99"].outcome == "ok"


def test_community_requests_forbid_immigration_purpose_and_state_police() -> None:
    assert run(["ring-2025-community"], [request()])["q1"].outcome == "ok"
    out = run(["ring-2025-community"], [request(purpose="ICE ERO removal")])["q1"]
    assert "ring-2025-community.no-immigration" in rule_ids(out)
    fed = run(["ring-2025-community"], [request(requester="agency:cal-fusion")])["q1"]
    assert "ring-2025-community.local-only" in rule_ids(fed)


def test_platform_rule_sets_ignore_other_platforms() -> None:
    assert run(["ring-2019-portal"], [request(hours=48, platform="flock")])["q1"].outcome == "ok"


# --- consent scope --------------------------------------------------------------------------------------

def test_consented_delivery_passes() -> None:
    out = run(["ring-2019-portal"], [clip(), request(), consent(), delivery()])
    assert out["t1"].outcome == "ok" and out["t1"].edge is not None


@pytest.mark.parametrize("events, problem", [
    ([clip(), request(), delivery()], "never asked"),
    ([clip(), request(), consent("decline"), delivery()], "did not share"),
    ([clip(), request(), consent(clips=("other",)), delivery()], "did not share"),
    ([clip(at=ts(1, 20)), request(), consent(), delivery()], "outside the request's window"),
    ([clip(location=(37.9, -122.27)), request(), consent(), delivery()], "outside the request's area"),
    ([clip(), request(), consent(), delivery(to="agency:reno-pd")], "other than the requester"),
    ([clip(), request(hours=30), consent(), delivery()], "blocked"),
    ([clip(), consent(), delivery()], "no request"),
])
def test_consent_scope_breaches_are_gated(events: list, problem: str) -> None:
    out = run(["ring-2019-portal"], events)["t1"]
    assert out.outcome == "gated" and out.edge is None
    scope = [v for v in out.violations if v.rule_id == "ring-2019-portal.consent-scope"]
    assert scope and problem in scope[0].evidence["problem"]


# --- retention, emergency, continuity -------------------------------------------------------------------

def warrant(at: str) -> dict:
    return xfer("t1", "c1", "platform:ring", "agency:oak-pd", at, basis="warrant", purpose="homicide")


def test_retention() -> None:
    assert run(["ring-2019-portal"], [clip(), warrant("2024-06-20T00:00:00Z")])["t1"].outcome == "ok"
    late = run(["ring-2019-portal"], [clip(), warrant("2024-07-15T00:00:00Z")])["t1"]  # 65 days later
    assert late.outcome == "gated" and "ring-2019-portal.retention" in rule_ids(late)


def test_retention_on_legal_process() -> None:
    lp = ev("legal_process", "lp", "2024-08-01T00:00:00Z", request_id="w1", requester="agency:oak-pd",
            platform="ring", kind="warrant", clip_ids=["c1"])
    out = run(["ring-2019-portal"], [clip(), lp])["lp"]
    assert out.outcome == "gated" and out.violations[0].evidence["expired_clips"] == ["c1"]


def test_emergency_disclosure_is_allowed_but_flagged() -> None:
    em = xfer("t1", "c1", "platform:ring", "agency:oak-pd", ts(3), basis="emergency", purpose="imminent danger")
    out = run(["ring-2019-portal"], [clip(), em])["t1"]
    assert out.outcome == "flagged" and out.edge is not None
    assert rule_ids(out) == {"ring-2019-portal.emergency"}
    ok = run(["ring-2019-portal"], [clip(), warrant(ts(3))])["t1"]
    assert ok.outcome == "ok"


def test_custody_continuity() -> None:
    fine = run(["core"], [clip(), xfer("t0", "c1", OWNER, "agency:oak-pd", ts(2)),
                          xfer("t1", "c1", "agency:oak-pd", "agency:fbi", ts(3))])
    assert fine["t1"].outcome == "ok"
    # The FBI passes on a clip it never received: out of band, so an edge that is flagged.
    bad = run(["core"], [clip(), xfer("t1", "c1", "agency:fbi", "agency:ice-ero", ts(3))])["t1"]
    assert bad.outcome == "flagged" and bad.edge is not None and rule_ids(bad) == {"core.custody-continuity"}
    # Handed on before it was received (event time, whatever the order in the log).
    early = run(["core"], [xfer("t1", "c1", "agency:oak-pd", "agency:fbi", ts(1, 9)), clip(),
                           xfer("t0", "c1", OWNER, "agency:oak-pd", ts(2))])["t1"]
    assert "core.custody-continuity" in rule_ids(early)
    before = run(["core"], [clip(at=ts(5)), xfer("t1", "c1", OWNER, "agency:oak-pd", ts(4))])["t1"]
    assert "not recorded at that time" in before.violations[0].evidence["problem"]


# --- downstream limits (out of band: flagged, the edge stays) -------------------------------------------

def flock_clip() -> dict:
    return rec("r1", "c1", "agency:oak-pd", ts(1), platform="flock")


@pytest.mark.parametrize("to, breaks", [
    ("agency:sac-so", False), ("agency:reno-pd", True), ("agency:fbi", True),
])
def test_sb34_plate_data_destination(to: str, breaks: bool) -> None:
    out = run(["ca-sb34"], [flock_clip(), xfer("t1", "c1", "agency:oak-pd", to, ts(2))])["t1"]
    assert ("ca-sb34.public-agencies-only" in rule_ids(out)) is breaks
    assert out.edge is not None
    assert out.outcome == ("flagged" if breaks else "ok")


def test_sb34_grants() -> None:
    def grant(grantee: str) -> dict:
        return ev("access_grant", "g1", ts(1), grantor="agency:oak-pd", grantee=grantee, system="flock",
                  scope="alpr-search")
    assert run(["ca-sb34"], [grant("agency:sac-so")])["g1"].outcome == "ok"
    bad = run(["ca-sb34"], [grant("agency:reno-pd")])["g1"]
    assert bad.outcome == "flagged" and bad.violations[0].evidence["recipient_state"] == "NV"


def test_sb54_immigration() -> None:
    ok = run(["ca-sb54"], [xfer("t1", "c1", "agency:oak-pd", "agency:fbi", ts(2), purpose="bank robbery")])
    assert ok["t1"].outcome == "ok"
    bad = run(["ca-sb54"], [xfer("t1", "c1", "agency:oak-pd", "agency:fbi", ts(2), purpose="ICE detainer")])
    assert "ca-sb54.no-immigration-enforcement" in rule_ids(bad["t1"])
    ero = run(["ca-sb54"], [xfer("t1", "c1", "agency:sac-so", "agency:ice-ero", ts(2), purpose="case 12")])
    assert "ca-sb54.no-immigration-enforcement" in rule_ids(ero["t1"])
    # The same hand-over from Nevada breaks no California law.
    nv = run(["ca-sb54"], [xfer("t1", "c1", "agency:reno-pd", "agency:ice-ero", ts(2), purpose="ICE")])
    assert nv["t1"].outcome == "ok"


def test_il_hb3326() -> None:
    repro = run(["il-hb3326"], [xfer("t1", "c1", "agency:chi-pd", "agency:oak-pd", ts(2), purpose="abortion")])
    assert "il-hb3326.forbidden-purposes" in rule_ids(repro["t1"])
    assert "il-hb3326.declaration" in rule_ids(repro["t1"])  # out of state, no declaration
    ok = run(["il-hb3326"], [xfer("t1", "c1", "agency:chi-pd", "agency:chi-pd2", ts(2), purpose="theft")])
    assert ok["t1"].outcome == "ok"


def search(searcher: str = "agency:oak-pd", reason: str = "stolen vehicle", **kw: Any) -> dict:
    return ev("search", "s1", "2025-06-01T00:00:00Z", searcher=searcher, reason=reason, networks_searched=3, **kw)


def test_flock_federal_lookups_and_reasons() -> None:
    assert run(["flock-2025"], [search()])["s1"].outcome == "ok"
    fed = run(["flock-2025"], [search(on_behalf_of="agency:ice-ero", reason="ICE+ERO")])["s1"]
    assert fed.outcome == "flagged" and "flock-2025.no-federal-lookups" in rule_ids(fed)
    blank = run(["flock-2025"], [search(reason="***")])["s1"]
    assert rule_ids(blank) == {"flock-2025.search-reason"}


def test_ccops_approval() -> None:
    rs = load_rule_set("ccops")
    rule = rs.rules[0].model_copy(update={"covered": ["agency:oak-pd"], "approved": ["agency:oak-pd|flock"]})
    judge = Judge([rs.model_copy(update={"rules": [rule]})], REG)
    v_ring = judge.judge(EVENT_ADAPTER.validate_python(request()))
    assert v_ring.outcome == "gated" and v_ring.violations[0].evidence["platform"] == "ring"
    v_flock = judge.judge(EVENT_ADAPTER.validate_python(search()))
    assert v_flock.outcome == "ok"


def test_every_shipped_rule_has_words_and_a_source() -> None:
    for name in available_rule_sets():
        rs = load_rule_set(name)
        assert rs.rules, name
        for r in rs.rules:
            assert r.id.startswith(rs.id + ".") and len(r.description) > 20 and r.source


def test_required_rule_sets_ship() -> None:
    for name in ("ring-2019-portal", "ring-2021-rfa", "ring-2025-community", "flock-2025", "ca-sb34", "ca-sb54",
                 "il-hb3326", "ccops"):
        assert name in available_rule_sets()
