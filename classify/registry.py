"""The default party registry: parties listed in a file (if any), every other agency classified from its id.

One place builds it; the judge, the command line, the live view, the streaming workers and the graph
analyses all ask here.

>>> default_registry().kind_of("agency:ice-hsi"), default_registry().state_of("agency:el-cajon-ca-pd")
('federal', 'CA')
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from classify.agencies import resolve_party
from schemas.parties import Party, PartyRegistry

__all__ = ["default_registry", "shared_resolver"]


@lru_cache(maxsize=1)
def shared_resolver() -> Any:
    """The agency classifier as a registry resolver, its answers shared by every registry in the process.

    The classifier is a pure function of the id and costs about 0.2 ms a call; a what-if, a re-judged
    partition and each run make a fresh registry, so the answers are cached here, bounded so that odd
    input cannot grow the cache for ever.

    >>> shared_resolver() is shared_resolver()
    True
    """
    return lru_cache(maxsize=1 << 16)(resolve_party)


def default_registry(path: str | Path | None = None, parties: Iterable[Party] = ()) -> PartyRegistry:
    """The registry of the parties in a JSON/JSONL file (or given), or of none; unlisted agencies are
    classified from their id.

    >>> default_registry().kind_of("resident:r-1")
    'resident'
    >>> default_registry(parties=[Party(id="agency:x", kind="federal")]).kind_of("agency:x")
    'federal'
    """
    if path is not None:
        return PartyRegistry.from_file(path, resolver=shared_resolver())
    return PartyRegistry(parties, resolver=shared_resolver())
