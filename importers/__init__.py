"""Importers of published data into custodiet events and party registries.

``IMPORTERS`` maps the ``custodiet import KIND`` names to functions ``f(path, **options) -> ImportResult``:

>>> sorted(IMPORTERS)
['atlas-ring', 'flock-audit', 'flock-portal', 'flock-sharing']
"""

from __future__ import annotations

from collections.abc import Callable

from importers.atlas_ring import import_atlas_ring
from importers.flock_audit import import_flock_audit
from importers.flock_portal import import_flock_portal
from importers.flock_sharing import import_flock_sharing
from importers.report import ImportResult, SkippedRow

__all__ = [
    "IMPORTERS",
    "ImportResult",
    "SkippedRow",
    "import_atlas_ring",
    "import_flock_audit",
    "import_flock_portal",
    "import_flock_sharing",
]

IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "flock-sharing": import_flock_sharing,
    "flock-portal": import_flock_portal,
    "flock-audit": import_flock_audit,
    "atlas-ring": import_atlas_ring,
}
