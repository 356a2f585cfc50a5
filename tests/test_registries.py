"""Each thing is said once, and every list built from it agrees: check kinds (parameters model, typed
function, event types compared, may it gate) against the rule-set models and the shipped rule sets; event
types and their facts (actor, ends, input topic, rank) against the event union, the JSON Schemas and the
broker's topics; the records written to the ``verdicts`` topic against their typed models."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import get_args, get_type_hints

import pytest

import judge.checks  # noqa: F401 - registers every check kind
from judge import kinds
from judge.engine import default_judge
from judge.rulesets import RULE_MODELS, Rule, available_rule_sets, load_rule_set
from schemas.events import EVENT_MODELS, EVENT_TYPES, INPUT_TOPICS, MODEL_OF, Event
from schemas.generate import generated
from schemas.records import (
    VERDICT_TOPIC_RECORD,
    BatchRecord,
    DeadRecord,
    DuplicateRecord,
    ForwardedRecord,
    JudgeErrorRecord,
    ProgressRecord,
    Verdict,
    VerdictRecord,
)
from streams.records import accounting, batch_record, forwarded, progress_record, verdict_record
from streams.topics import BROADCAST_TYPES, TopicLayout


def test_every_rule_model_has_one_registered_check_and_every_check_a_model() -> None:
    assert kinds.missing_kinds() == []
    names = [kinds.kind_name(m) for m in RULE_MODELS]
    assert sorted(names) == sorted(kinds.KINDS) and len(set(names)) == len(names)
    assert {m.__name__ for m in get_args(get_args(Rule)[0])} == {k.params.__name__ for k in kinds.KINDS.values()}


def test_a_missing_registration_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(kinds.KINDS, "retention")
    assert kinds.missing_kinds() == ["retention: no check registered"]


def test_each_check_is_typed_by_its_parameters_model_and_compares_known_types() -> None:
    for name, k in kinds.KINDS.items():
        assert get_type_hints(k.compare)["rule"] is k.params, name
        assert k.compares and set(k.compares) <= set(EVENT_TYPES), name


def test_only_a_non_gating_kind_flags_a_mediated_breach() -> None:
    """``may_gate`` is what the judge uses: every kind gates but the ones registered not to."""
    judge = default_judge(None)
    plans = {rule.check: gateable for rs in judge.rule_sets for rule in rs.rules
             for t in kinds.KINDS[rule.check].compares
             for _, r2, _, gateable in judge._make_plan(t, "", datetime(2020, 1, 1, tzinfo=UTC)) if r2 is rule}
    assert plans and all(plans[n] == kinds.KINDS[n].may_gate for n in plans)
    assert not kinds.KINDS["emergency_disclosure"].may_gate


def test_every_shipped_rule_names_a_registered_check() -> None:
    for name in available_rule_sets():
        for rule in load_rule_set(name).rules:
            assert isinstance(rule, kinds.KINDS[rule.check].params), (name, rule.id)


def test_event_types_are_listed_once() -> None:
    union = {get_args(m.model_fields["type"].annotation)[0] for m in get_args(get_args(Event)[0])}
    assert set(EVENT_TYPES) == union == set(INPUT_TOPICS) == set(MODEL_OF)
    assert len(EVENT_TYPES) == len(EVENT_MODELS) == len(union)
    assert [m.RANK for m in EVENT_MODELS] == sorted({m.RANK for m in EVENT_MODELS})  # distinct, in order
    assert len(set(INPUT_TOPICS.values())) == len(INPUT_TOPICS)
    assert {f"{t}.schema.json" for t in EVENT_TYPES} | {"event.schema.json", "party-registry.schema.json"} \
        == set(generated())
    assert set(TopicLayout().inputs()) >= {TopicLayout().input_for(t) for t in EVENT_TYPES}
    assert BROADCAST_TYPES <= set(EVENT_TYPES)


def test_roles_are_fields_of_their_models() -> None:
    for t, model in MODEL_OF.items():
        assert model.ACTOR in model.PARTY_FIELDS, t
        for end in model.ENDS:
            assert end is None or end in model.model_fields, t
        assert model.PLATFORM_FIELD is None or model.PLATFORM_FIELD in model.model_fields, t


def _record_kind(raw: bytes) -> type:
    return type(VERDICT_TOPIC_RECORD.validate_json(raw))


def test_every_record_written_to_the_verdicts_topic_reads_as_its_model() -> None:
    v = Verdict(event_id="e", event_type="search", occurred_at=datetime(2024, 1, 1, tzinfo=UTC), outcome="ok")
    written = {
        accounting("dead", pos="t:0:1", line=3, reason="not JSON", field=None): DeadRecord,
        accounting("duplicate", pos="t:0:2", event_id="e"): DuplicateRecord,
        forwarded("t:0:3", "e", True): ForwardedRecord,
        verdict_record(v): VerdictRecord,
        progress_record(0, 5, 1): ProgressRecord,
        accounting("judge-error", partition=1, offset=9, error="boom"): JudgeErrorRecord,
    }
    for raw, model in written.items():
        assert _record_kind(raw) is model, raw
        assert json.loads(raw)["kind"] == model.model_fields["kind"].default
    batch = VERDICT_TOPIC_RECORD.validate_json(batch_record(list(written)))
    assert isinstance(batch, BatchRecord) and [type(r) for r in batch.records] == list(written.values())
