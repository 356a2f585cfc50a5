"""Rule sets are data: one TOML file each under ``policies/``, loaded into typed rules.

Each rule names the bound it enforces (``check``), says in plain words what it forbids, carries its
parameters and cites its source (from DOMAIN.md). A scenario picks rule sets; a what-if swaps them.

>>> rs = load_rule_set("ring-2019-portal")
>>> rs.id, sorted(r.check for r in rs.rules)[:3]
('ring-2019-portal', ['consent_scope', 'eligible_requester', 'emergency_disclosure'])
>>> next(r for r in rs.rules if r.check == "request_window").max_window_hours
12.0
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from policies import POLICY_DIR, available_rule_sets

__all__ = [
    "Rule", "RuleSet", "RuleSetError", "available_rule_sets", "load_rule_set", "load_rule_sets",
    "DEFAULT_RULE_SETS", "read_toml", "field_problem", "RULE_MODELS",
]


#: A two-letter state, as a rule set's ``applies_in`` names it.
State = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"\S")  # not empty: results are counted by rule id
    title: str | None = Field(default=None, description="a few plain words a reader sees in tables and headlines")
    description: str
    source: str
    applies_in: list[State] = Field(default_factory=list, description=(
        "the states whose law the rule is (its rule set's when not given): it never fires against a party of "
        "another state, and a party of unknown state is unknown, not a violation; empty: anywhere"))


class RequestWindow(_Rule):
    check: Literal["request_window"]
    max_window_hours: float = Field(gt=0)


class RequestRadius(_Rule):
    check: Literal["request_radius"]
    max_radius_m: float = Field(gt=0)


class InvestigationCode(_Rule):
    check: Literal["investigation_code"]


class EligibleRequester(_Rule):
    check: Literal["eligible_requester"]
    eligible_kinds: list[str]


class RequestVolume(_Rule):
    check: Literal["request_volume"]
    max_requests: int = Field(ge=1)
    per_days: float = Field(gt=0)


class RequestPurpose(_Rule):
    check: Literal["request_purpose"]
    forbidden_purposes: list[str]


class ConsentScope(_Rule):
    check: Literal["consent_scope"]


class Retention(_Rule):
    check: Literal["retention"]
    retention_days: float = Field(ge=0)


class EmergencyDisclosure(_Rule):
    check: Literal["emergency_disclosure"]


class CustodyContinuity(_Rule):
    check: Literal["custody_continuity"]


class DestinationLimit(_Rule):
    """Data from agencies in ``origin_states`` may not go to the ``forbidden_destinations`` kinds."""

    check: Literal["destination_limit"]
    origin_states: list[str]
    systems: list[str] = Field(default_factory=list, description="platforms/systems covered; empty = all")
    forbidden_destinations: list[Literal["out_of_state", "federal"]]
    declared: list[str] = Field(default_factory=list, description="recipients that signed a declaration")


class ForbiddenPurpose(_Rule):
    """Agencies in ``states`` may not share or search for these purposes (or for these recipients)."""

    check: Literal["forbidden_purpose"]
    states: list[str]
    purposes: list[str]
    recipients: list[str] = Field(default_factory=list, description="party-id prefixes, e.g. agency:ice")


class FederalLookup(_Rule):
    check: Literal["federal_lookup"]
    systems: list[str] = Field(default_factory=list)


class SearchReason(_Rule):
    check: Literal["search_reason"]


class SearchLookback(_Rule):
    """A search's time frame may not start longer before the search than the platform retains data."""

    check: Literal["search_lookback"]
    retention_days: float = Field(ge=0)


class CcopsApproval(_Rule):
    check: Literal["ccops_approval"]
    covered: list[str] = Field(default_factory=list, description="agencies under an ordinance")
    approved: list[str] = Field(default_factory=list, description="'agency|platform' pairs the council approved")


Rule = Annotated[
    RequestWindow | RequestRadius | InvestigationCode | EligibleRequester | RequestVolume | RequestPurpose
    | ConsentScope | Retention | EmergencyDisclosure | CustodyContinuity | DestinationLimit | ForbiddenPurpose
    | FederalLookup | SearchReason | SearchLookback | CcopsApproval,
    Field(discriminator="check"),
]


class Era(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    start: datetime | None = None
    end: datetime | None = None

    def covers(self, when: datetime) -> bool:
        """Whether ``when`` falls inside the era (open ends allowed)."""
        return (self.start is None or when >= self.start) and (self.end is None or when < self.end)


class RuleSet(BaseModel):
    """A named set of rules, with the era it was in force and the platforms it binds (empty: any)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"\S")  # not empty: named on every violation
    title: str
    description: str
    era: Era = Era()
    platforms: list[str] = Field(default_factory=list)
    #: The states whose law the set is (empty: a platform's or anyone's rules, applied anywhere); each rule
    #: that names none of its own applies in these.
    applies_in: list[State] = Field(default_factory=list)
    rules: list[Rule]

    @model_validator(mode="before")
    @classmethod
    def _rules_apply_where_the_set_does(cls, data: Any) -> Any:
        where = data.get("applies_in") if isinstance(data, dict) else None
        if where and isinstance(data.get("rules"), list):
            data = {**data, "rules": [{"applies_in": where, **r} if isinstance(r, dict) else r
                                      for r in data["rules"]]}
        return data

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleSet:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"two rules with the id {rule.id!r}")
            seen.add(rule.id)
        return self


class RuleSetError(ValueError):
    """A rule set that does not exist or does not load."""


_RULE_SET = TypeAdapter(RuleSet)
#: The parameters model of every check kind (a rule's ``check`` selects one; ``judge.kinds`` registers each).
RULE_MODELS: tuple[type[_Rule], ...] = get_args(get_args(Rule)[0])
_CHECK_NAMES = [get_args(m.model_fields["check"].annotation)[0] for m in RULE_MODELS]
#: Used when a command names no rule set: every set, each applied within its own era.
DEFAULT_RULE_SETS = "all"


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file's data; a file that is missing, unreadable, not UTF-8 or not TOML is a one-line
    :class:`RuleSetError` naming the file and the problem.

    >>> read_toml(Path("/nonexistent.toml"), "rule set")
    Traceback (most recent call last):
    ...
    judge.rulesets.RuleSetError: /nonexistent.toml: no such file
    """
    try:
        if path.is_dir():
            raise RuleSetError(f"{path}: is a directory, expected a {what} (.toml file)")
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise RuleSetError(f"{path}: no such file") from err
    except OSError as err:
        raise RuleSetError(f"{path}: cannot read ({err.strerror})") from err
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RuleSetError(f"{path}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); "
                           f"a {what} is a TOML file") from err
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RuleSetError(f"{path}: not TOML: {err}") from err


def field_problem(err: ValidationError, data: Any) -> str:
    """The first problem of a validation error in words: where (by rule or case name when there is one),
    which field, what is wrong and the value given.

    >>> data = {"id": "x", "title": "t", "description": "d", "rules": [
    ...     {"id": "x.w", "check": "request_window", "max_window_hours": -1, "description": "d", "source": "s"}]}
    >>> try:
    ...     _RULE_SET.validate_python(data)
    ... except ValidationError as e:
    ...     print(field_problem(e, data))
    rule 1 (x.w): field 'max_window_hours': Input should be greater than 0 (got -1)
    """
    first = err.errors()[0]
    loc = list(first["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] in ("rules", "cases") and isinstance(loc[1], int):
        items = data.get(loc[0]) if isinstance(data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        name = item.get("id") or item.get("name") if isinstance(item, dict) else None
        where = f"{loc[0][:-1]} {loc[1] + 1}" + (f" ({name})" if name else "") + ": "
        loc = loc[2:]
        if loc and isinstance(item, dict) and loc[0] == item.get("check"):  # the discriminator's tag
            loc = loc[1:]
    msg = first["msg"]
    if first["type"] == "union_tag_invalid":
        loc, msg = ["check"], f"unknown check {first['input'].get('check')!r} (known: {', '.join(_CHECK_NAMES)})"
    field = ".".join(str(p) for p in loc)
    got = f" (got {first['input']!r})" if first["type"] not in ("missing", "union_tag_invalid") \
        and not isinstance(first["input"], dict | list) else ""
    return f"{where}field '{field}': {msg}{got}" if field else f"{where}{msg}{got}"


def load_rule_set(name_or_path: str | Path) -> RuleSet:
    """Load one rule set by name (``ca-sb34``) or from a TOML file path."""
    path = Path(name_or_path)
    if not path.suffix and not path.is_dir():
        path = POLICY_DIR / f"{name_or_path}.toml"
        if not path.is_file():
            raise RuleSetError(f"unknown rule set {str(name_or_path)!r} (known: {', '.join(available_rule_sets())})")
    data = read_toml(path, "rule set")
    if "rules" not in data:
        looks = " (it looks like a scenario: custodiet simulate --scenario FILE reads those)" \
            if "rule_sets" in data else ""
        raise RuleSetError(f"{path}: not a rule set: no [[rules]] table{looks}")
    try:
        return _RULE_SET.validate_python(data)
    except ValidationError as err:
        raise RuleSetError(f"{path}: {field_problem(err, data)}") from err


def load_rule_sets(names: list[str] | None) -> list[RuleSet]:
    """Load the named rule sets; ``None``, ``[]`` or ``["all"]`` mean every shipped set.

    >>> [rs.id for rs in load_rule_sets(["ca-sb34", "core"])]
    ['ca-sb34', 'core']
    """
    if not names or names == [DEFAULT_RULE_SETS]:
        names = available_rule_sets()
    return [load_rule_set(n) for n in names]
