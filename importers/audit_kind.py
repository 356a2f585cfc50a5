"""How ``import flock-audit`` recognises its input (:mod:`importers.kinds`): a header that fits an audit
layout (:func:`importers.audit_layouts.fits_audit`, the same test the importer applies), or a JSON record or
per-agency document of searches (:mod:`importers.audit_sources`). Kept beside the importer rather than in
it, so that the declaration and the reading of rows change independently.

>>> RECOGNISES.header(["id", "userId", "searchDate", "cameraCount", "reason"])
'a Flock search audit CSV (portal layout)'
>>> RECOGNISES.json({"agency": "Eugene OR PD", "searches": []})
'a Flock search audit (JSON)'
"""

from __future__ import annotations

from typing import Any

from importers.audit_layouts import fits_audit
from importers.audit_sources import ROW_LIST_KEYS
from importers.kinds import Recognises

__all__ = ["RECOGNISES"]


def _header(header: list[str]) -> str | None:
    layout = fits_audit(header)
    return f"a Flock search audit CSV ({layout} layout)" if layout else None


def _json(obj: dict[str, Any]) -> str | None:
    if set(obj) & {"searches", "searchDate", "searchdate"} or fits_audit(list(obj)):
        return "a Flock search audit (JSON)"
    rows = next((obj[k] for k in ROW_LIST_KEYS if isinstance(obj.get(k), list) and obj[k]), None)
    if rows and isinstance(rows[0], dict) and fits_audit(list(rows[0])):
        return "a Flock search audit (JSON)"
    return None


RECOGNISES = Recognises("flock-audit", header=_header, json=_json)
