"""What the judge says about an event: its verdict, the violations it found and the custody edge (or a
search's links) it made.

>>> v = Violation(rule_id="ring-2019-portal.max-window", rule_set="ring-2019-portal", verdict="gated",
...               event_id="r1", event_type="footage_request", occurred_at="2019-05-01T00:00:00Z",
...               source="Gizmodo 2019", description="window too long", parties=["agency:x-pd"])
>>> v.verdict
'gated'
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

__all__ = ["Outcome", "Violation", "CustodyEdge", "Verdict", "DeadLetter", "DeadRecord", "DuplicateRecord",
           "ForwardedRecord", "VerdictRecord", "ProgressRecord", "JudgeErrorRecord", "BatchRecord",
           "VerdictTopicRecord", "VERDICT_TOPIC_RECORD"]

Outcome = Literal["ok", "gated", "flagged"]


class Violation(BaseModel):
    """One rule broken by one event: which rule, where it comes from, and the evidence."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    rule_set: str
    verdict: Literal["gated", "flagged"]
    event_id: str
    event_type: str
    occurred_at: datetime
    source: str
    description: str
    parties: list[str] = Field(default_factory=list)
    evidence: dict[str, Any] = Field(default_factory=dict)


class CustodyEdge(BaseModel):
    """A hand-over the gates let through (``kind="transfer"``), a standing access link (``kind="grant"``),
    a search link (``kind="search"``: results of a search reaching a party), or where a clip's custody
    starts (``kind="origin"``: from_party = to_party = owner). What each kind carries: ``schemas.flow``."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    kind: Literal["transfer", "grant", "origin", "search"] = "transfer"
    clip_id: str | None = None
    from_party: str
    to_party: str
    occurred_at: datetime
    basis: str
    purpose: str = ""
    verdict: Literal["ok", "flagged"] = "ok"
    request_id: str | None = None
    via: str | None = None
    rules: list[str] = Field(default_factory=list)
    parent_event: str | None = Field(default=None, description="the hand-over by which from_party got the clip")
    hop: int = Field(default=1, description="hand-overs from the owner to to_party along the parent chain")


class Verdict(BaseModel):
    """The judgement of one processed event."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    event_type: str
    occurred_at: datetime
    outcome: Outcome
    violations: list[Violation] = Field(default_factory=list)
    edge: CustodyEdge | None = None
    links: list[CustodyEdge] = Field(default_factory=list, description="a search the gates let through: its "
                                     "search links (schemas.flow.search_links), results of the networks searched "
                                     "reaching the searcher and the party it searched for")
    late: bool = Field(default=False, description="arrived after the stream stopped waiting for events this "
                       "early: judged against the state as it stood, not re-judged in place")


class DeadLetter(BaseModel):
    """An input that could not be processed: the raw bytes (as text), where it came from, and why."""

    model_config = ConfigDict(frozen=True)

    reason: str
    raw: str
    line: int | None = None
    source: str | None = None
    field: str | None = None


# -- the records of the ``verdicts`` topic (a streaming run's accounting, read by ``judge.collector``) ------

class DeadRecord(BaseModel):
    """An input that became a dead letter: where it was read (``topic:partition:offset``), its line, why."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["dead"] = "dead"
    pos: str
    line: int | None = None
    reason: str
    field: str | None = None


class DuplicateRecord(BaseModel):
    """An input that repeats an event id already read on its input partition."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["duplicate"] = "duplicate"
    pos: str
    event_id: str


class ForwardedRecord(BaseModel):
    """An input accepted and sent on to be judged (``broadcast``: to every judge partition)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["forwarded"] = "forwarded"
    pos: str
    event_id: str
    broadcast: bool = False


class VerdictRecord(BaseModel):
    """A judge's verdict on one event; a later one for the same event replaces it (a re-judgement)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["verdict"] = "verdict"
    verdict: Verdict


class ProgressRecord(BaseModel):
    """After each batch: how many events a judge partition holds, and how many of them were broadcast."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["progress"] = "progress"
    partition: int
    events: int = 0
    broadcast: int = 0


class JudgeErrorRecord(BaseModel):
    """The judge failed on a message: the run cannot finish."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["judge-error"] = "judge-error"
    partition: int | None = None
    offset: int | None = None
    error: str = "unknown error"


class BatchRecord(BaseModel):
    """Many records in one message, applied in order."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["batch"] = "batch"
    records: list[VerdictTopicRecord]


#: Any record of the ``verdicts`` topic, told apart by its ``kind``.
VerdictTopicRecord = Annotated[DeadRecord | DuplicateRecord | ForwardedRecord | VerdictRecord | ProgressRecord
                               | JudgeErrorRecord | BatchRecord, Field(discriminator="kind")]
BatchRecord.model_rebuild()

#: Reads one ``verdicts`` message (``VERDICT_TOPIC_RECORD.validate_json(value)``).
#:
#: >>> VERDICT_TOPIC_RECORD.validate_json(b'{"kind":"batch","records":[{"kind":"duplicate","pos":"t:0:1",'
#: ...                                    b'"event_id":"e"}]}').records[0].event_id
#: 'e'
VERDICT_TOPIC_RECORD: TypeAdapter[VerdictTopicRecord] = TypeAdapter(VerdictTopicRecord)
