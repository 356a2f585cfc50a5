"""The registry of check kinds: each kind registered once, where its function is defined, with its parameters
model (``judge.rulesets``), the event types it compares and whether a breach of it may gate.

Everything else reads this: the rule-set models (``judge.rulesets.Rule``) are checked against it when the
checks are imported, the judge's table (``judge.checks.COMPARES``) is built from it, and the engine asks it
whether a breach gates.

>>> from judge.checks import KINDS
>>> k = KINDS["request_window"]
>>> k.params.__name__, k.compares, k.may_gate
('RequestWindow', ('footage_request',), True)
>>> KINDS["emergency_disclosure"].may_gate
False
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, get_args

from judge.comparison import Comparison, Context
from judge.rulesets import RULE_MODELS
from schemas.events import EVENT_TYPES

__all__ = ["CheckKind", "KINDS", "check_kind", "kind_name", "missing_kinds"]

_R = TypeVar("_R")
Compare = Callable[[Any, Any, Context], Comparison]


@dataclass(frozen=True)
class CheckKind:
    """One kind of check: its name (a rule's ``check``), parameters model, function, the event types it
    compares, and whether a breach may gate (else it only flags)."""

    name: str
    params: type[Any]
    compare: Compare
    compares: tuple[str, ...]
    may_gate: bool


#: check name -> its kind, in the order registered.
KINDS: dict[str, CheckKind] = {}


def kind_name(params: type[Any]) -> str:
    """The check name a parameters model declares (its ``check`` literal).

    >>> from judge.rulesets import Retention
    >>> kind_name(Retention)
    'retention'
    """
    return str(get_args(params.model_fields["check"].annotation)[0])


def check_kind(params: type[_R], compares: tuple[str, ...], *, may_gate: bool = True
               ) -> Callable[[Callable[[_R, Any, Context], Comparison]], Callable[[_R, Any, Context], Comparison]]:
    """Register the decorated function as the check of rules of model ``params``, comparing events of the types
    in ``compares``; ``may_gate=False``: a breach only flags. A kind registered twice, or an unknown event type,
    is an error at import.

    >>> import judge.checks  # registers every kind
    >>> from judge.rulesets import Retention
    >>> check_kind(Retention, ("transfer",))(lambda rule, ev, ctx: None)
    Traceback (most recent call last):
    ...
    ValueError: check kind 'retention' registered twice
    """
    name = kind_name(params)
    unknown = [t for t in compares if t not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"check kind {name!r} compares unknown event types {unknown}")

    def register(fn: Callable[[_R, Any, Context], Comparison]) -> Callable[[_R, Any, Context], Comparison]:
        if name in KINDS:
            raise ValueError(f"check kind {name!r} registered twice")
        KINDS[name] = CheckKind(name, params, fn, tuple(compares), may_gate)
        return fn

    return register


def missing_kinds() -> list[str]:
    """Rule-set models without a registered check, and registered checks without a rule-set model (both should
    be empty once ``judge.checks`` is imported).

    >>> import judge.checks
    >>> missing_kinds()
    []
    """
    models = {kind_name(m): m for m in RULE_MODELS}
    out = [f"{n}: no check registered" for n in models if n not in KINDS]
    out += [f"{n}: not a rule-set model" for n, k in KINDS.items() if models.get(n) is not k.params]
    return out
