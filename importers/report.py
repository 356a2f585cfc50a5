"""What an importer returns: events, parties, and the rows it skipped with the reason for each.

Every input row ends in exactly one place, so the counts add up:
``rows_read == events_written + sum(skipped_by_reason.values())`` for event importers, and
``rows_read == parties_written + sum(skipped_by_reason.values())`` for registry importers (``atlas-ring``).
A duplicate row is skipped with the reason ``duplicate row``.

An import of millions of rows need not hold them: give ``sink`` (a function taking one event) and each
event goes there as it is made, only counted here; skipped rows are all counted by reason, and the first
:data:`KEEP_SKIPPED` are kept with file and line.

>>> r = ImportResult(kind="demo")
>>> r.read(); r.add_event({"event_id": "e1"}); r.read(); r.skip("x.csv", 3, "duplicate row")
>>> r.summary()["skipped_by_reason"], r.adds_up()
({'duplicate row': 1}, True)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemas.parties import Party

__all__ = [
    "SkippedRow", "ImportResult", "PLACEHOLDER_VALUES", "KEEP_SKIPPED", "is_placeholder", "clean_cell",
]

#: How many skipped rows (and warnings) an import keeps with file and line; all are counted.
KEEP_SKIPPED = 1000

#: Cell values that mean "nothing here" in real exports.
PLACEHOLDER_VALUES = frozenset(
    {
        "",
        "na",
        "n/a",
        "n.a.",
        "none",
        "null",
        "nil",
        "nan",
        "-",
        "--",
        "---",
        "—",
        "——",
        "–",
        "***",
        "**",
        "*",
        "?",
        "unknown",
        "#n/a",
    }
)


def clean_cell(value: object) -> str:
    """A cell as a stripped string with inner runs of white space collapsed.

    >>> clean_cell("  Aurora OH PD \\t"), clean_cell(None)
    ('Aurora OH PD', '')
    """
    if value is None:
        return ""
    return " ".join(str(value).split())


def is_placeholder(value: object) -> bool:
    """Is a cell empty or a placeholder such as ``——``, ``***`` or ``NA``?

    >>> [is_placeholder(v) for v in ["——", " *** ", "NA", "", "FBI"]]
    [True, True, True, True, False]
    """
    return clean_cell(value).lower() in PLACEHOLDER_VALUES


@dataclass(frozen=True)
class SkippedRow:
    """One input row that produced nothing: file, line (1-based, header is line 1; 0 = whole file)."""

    file: str
    line: int
    reason: str

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.file, self.line, self.reason))


@dataclass
class ImportResult:
    """Events and parties from one import, with what was skipped and why.

    With ``sink`` set, events are passed on as they come and not kept (``events`` stays empty).
    """

    kind: str
    events: list[dict[str, Any]] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[SkippedRow] = field(default_factory=list)
    rows_read: int = 0
    files: list[str] = field(default_factory=list)
    sink: Callable[[dict[str, Any]], None] | None = None
    merges: list[str] = field(default_factory=list)
    """Party ids merged into one (``"agency:a -> agency:b (why)"``), by the alias step."""
    assumptions: list[str] = field(default_factory=list)
    """What the import took to be so without the data saying it (printed by every import, see :meth:`assume`)."""
    _written: int = 0
    _skip_counts: Counter[str] = field(default_factory=Counter)
    _warning_count: int = 0

    def read(self, n: int = 1) -> None:
        """Count input rows."""
        self.rows_read += n

    def add_event(self, event: dict[str, Any]) -> None:
        """Keep one event (or pass it to the sink)."""
        if self.sink is not None:
            self.sink(event)
        else:
            self.events.append(event)
        self._written += 1

    def skip(self, file: str | Path, line: int, reason: str) -> None:
        """Record a skipped row."""
        self._skip_counts[reason.split(":", 1)[0]] += 1
        if len(self.skipped) < KEEP_SKIPPED:
            self.skipped.append(SkippedRow(str(file), line, reason))

    def assume(self, what: str) -> None:
        """Note something the import took to be so that the data does not say (a date from a file name, an
        encoding, a time zone, which file of a folder): said once, printed with the import's summary.

        >>> r = ImportResult(kind="demo"); r.assume("read as Windows-1252"); r.assume("read as Windows-1252")
        >>> r.assumptions
        ['read as Windows-1252']
        """
        if what not in self.assumptions:
            self.assumptions.append(what)

    def warn(self, file: str | Path, line: int, message: str) -> None:
        """Record a problem that did not stop the row (e.g. a bad retention value)."""
        self._warning_count += 1
        if len(self.warnings) < KEEP_SKIPPED:
            self.warnings.append(SkippedRow(str(file), line, message))

    @property
    def events_written(self) -> int:
        return self._written if self.sink is not None else len(self.events)

    @property
    def parties_written(self) -> int:
        return len(self.parties)

    @property
    def duplicates(self) -> int:
        return self.skipped_by_reason.get("duplicate row", 0)

    @property
    def skipped_total(self) -> int:
        """Rows skipped, all of them (``skipped`` keeps the first :data:`KEEP_SKIPPED`)."""
        return sum(self._skip_counts.values())

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        """Skipped rows counted by reason (the reason's text up to the first ``:``)."""
        return dict(self._skip_counts)

    def adds_up(self) -> bool:
        """Do rows read equal rows written (events, or parties for a registry import) plus rows skipped?"""
        written = self.events_written if self.kind != "atlas-ring" else self.parties_written
        return self.rows_read == written + self.skipped_total

    def summary(self) -> dict[str, Any]:
        """Counts as a plain dict (for ``--json`` and logs)."""
        return {
            "kind": self.kind,
            "files": list(self.files),
            "rows_read": self.rows_read,
            "events_written": self.events_written,
            "parties_written": self.parties_written,
            "duplicates": self.duplicates,
            "skipped": self.skipped_total,
            "skipped_by_reason": self.skipped_by_reason,
            "warnings": self._warning_count,
            "merged_parties": list(self.merges),
            "assumptions": list(self.assumptions),
        }

    def write_jsonl(self, path: str | Path) -> int:
        """Write the events, one JSON object per line; returns how many.

        >>> import tempfile, os
        >>> r = ImportResult(kind="demo", events=[{"event_id": "e1"}])
        >>> p = os.path.join(tempfile.mkdtemp(), "e.jsonl"); r.write_jsonl(p)
        1
        """
        with open(path, "w", encoding="utf-8") as fh:
            for event in self.events:
                fh.write(json.dumps(event, ensure_ascii=False, sort_keys=False) + "\n")
        return len(self.events)

    def registry_json(self) -> str:
        """The parties as a JSON list, loadable with ``PartyRegistry.from_file``."""
        return json.dumps([p.model_dump(exclude_none=True) for p in self.parties], indent=1)
