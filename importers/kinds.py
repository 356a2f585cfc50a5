"""How each importer recognises its input, declared once by the importer and asked by everyone.

Every importer module holds a :class:`Recognises` named ``RECOGNISES``: the import kind, and functions that
say, from a CSV header or from one JSON object, whether the input is theirs (and what it is, in words). The
command line's file-type check (:mod:`custodiet.file_kinds`, for a file given where an events log belongs)
and the importers' own check (:mod:`importers.sniff`, for a file given to the wrong importer) both ask
:func:`by_header` and :func:`by_json`, so they cannot disagree.

>>> by_header(["src_agency", "external_agency"])
('flock-sharing', 'a Flock sharing CSV (columns src_agency, external_agency)')
>>> by_header(["grantor", "grantee"])[0], by_header(["Name", "Org Name", "Search Time", "Reason"])[0]
('flock-sharing', 'flock-audit')
>>> by_json({"slug": "atherton-ca-pd", "sharing_outbound": []})
('flock-portal', 'a Flock transparency-portal record')
>>> by_header(["id", "name"]) is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Recognises", "recognisers", "by_header", "by_json", "shown_columns"]


@dataclass(frozen=True)
class Recognises:
    """An importer's declaration: ``kind`` (``custodiet import KIND``), and what a header or one JSON
    object (a record, or the first element of a list of them) is when it is this importer's input."""

    kind: str
    header: Callable[[list[str]], str | None] | None = None
    json: Callable[[dict[str, Any]], str | None] | None = None


def shown_columns(header: list[str], limit: int = 6) -> str:
    """The first columns of a header, for a message.

    >>> shown_columns(["a", " b ", "c"], limit=2)
    'a, b, ...'
    """
    names = [h.strip() for h in header]
    return ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")


def recognisers() -> list[Recognises]:
    """Every importer's declaration, in the order they are asked."""
    from importers import atlas_ring, audit_kind, flock_portal, flock_sharing

    return [flock_sharing.RECOGNISES, audit_kind.RECOGNISES, atlas_ring.RECOGNISES, flock_portal.RECOGNISES]


def by_header(header: list[str]) -> tuple[str, str] | None:
    """(import kind, what the file is) for a CSV header, or None when no importer reads it."""
    for r in recognisers():
        if r.header is not None and (what := r.header(header)):
            return r.kind, what
    return None


def by_json(obj: Any) -> tuple[str, str] | None:
    """(import kind, what the file is) for a JSON document or its first record, or None."""
    if isinstance(obj, list):
        obj = next((x for x in obj if isinstance(x, dict)), None)
    if not isinstance(obj, dict):
        return None
    for r in recognisers():
        if r.json is not None and (what := r.json(obj)):
            return r.kind, what
    return None
