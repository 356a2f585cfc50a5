"""Import Flock transparency-portal records (JSON) as ``access_grant`` events.

A record describes one agency::

    {"name": "Atherton CA PD", "slug": "atherton-ca-pd", "data_retention_days": "30 days",
     "prohibited_uses": ["Immigration enforcement", ...],
     "sharing_outbound": ["Menlo Park CA PD", ...], "sharing_inbound": [...]}

The agency's name comes from ``name``, ``agency`` or ``crawled_name``; its slug from ``slug`` or
``crawled_slug``; else from the file's name. Partner lists may be JSON lists (of names, or of objects with
a ``name``) or one comma-separated string. A file may hold one record, a list of records, an object with a
``records``/``agencies`` list, or JSON Lines; ``path`` may be a folder of such files (``*.json``,
``*.jsonl``, read in name order).

A partner that is a deactivated, demo or test entry (or a record of one) is skipped as ``left out``.
Each partner name is one input row: ``sharing_outbound`` gives grants from this agency, ``sharing_inbound``
grants to it. The same grant seen from both sides (A's outbound lists B, B's inbound lists A) is one event;
the second sighting is skipped as ``duplicate row``. Grants from an agency carry its
``retention_days`` (None and a warning for junk such as ``-Infinity days``), ``prohibited_uses`` and the
purposes they name (``prohibited_purposes``, via :func:`classify.purposes.classify_reason`).
``occurred_at`` is the ``observed`` argument, else the record's ``accessed``/``crawled_at``/``updated``
time, else a date in the file's name; with none of them the import stops and asks for ``--observed``
(:mod:`importers.observed`).

>>> import json, tempfile, os
>>> d = tempfile.mkdtemp(); p = os.path.join(d, "atherton-ca-pd.json")
>>> _ = open(p, "w").write(json.dumps({"sharing_outbound": ["Austin Texas PD", "——"]}))
>>> r = import_flock_portal(p, observed="2025-01-01")
>>> r.events[0]["grantor"], r.events[0]["grantee"], r.skipped_by_reason
('agency:atherton-ca-pd', 'agency:austin-texas-pd', {'missing partner': 1})
>>> {p.id: p.state for p in r.parties}
{'agency:atherton-ca-pd': 'CA', 'agency:austin-texas-pd': 'TX'}
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from classify.agencies import AgencyClass, agency_slug, classify_agency, name_from_slug
from classify.purposes import classify_reason
from importers.aliases import alias_key, merge_aliases
from importers.flock_sharing import grant_event, parse_retention_days
from importers.kinds import Recognises
from importers.observed import observed_time
from importers.report import ImportResult, clean_cell, is_placeholder
from importers.sniff import is_empty, looks_like, wrong_kind
from importers.text import read_text
from schemas.parties import Party

__all__ = ["import_flock_portal", "SOURCE", "RECOGNISES"]

SOURCE = "flock-transparency-portal"
_NAME_KEYS = ("name", "agency", "crawled_name", "agency_name")
_SLUG_KEYS = ("slug", "crawled_slug")
_TIME_KEYS = ("observed_at", "accessed", "crawled_at", "crawled", "updated", "updated_at")
_RETENTION_KEYS = ("data_retention_days", "data_retention_in_days", "retention_days", "data_retention")


_RECORD_KEYS = frozenset({"sharing_outbound", "sharing_inbound", "slug", "crawled_slug"})
_WRAPPER_KEYS = ("records", "agencies", "portals")


def _recognise(obj: dict[str, Any]) -> str | None:
    if _RECORD_KEYS & set(obj):
        return "a Flock transparency-portal record"
    for key in _WRAPPER_KEYS:
        items = obj.get(key)
        if isinstance(items, list) and items and isinstance(items[0], dict) and _RECORD_KEYS & set(items[0]):
            return "Flock transparency-portal records"
    return None


RECOGNISES = Recognises("flock-portal", json=_recognise)


def _records(file: Path, notes: ImportResult) -> list[tuple[int, Any]]:
    text = read_text(file, notes)
    if file.suffix.lower() == ".jsonl":
        return [(i, json.loads(line)) for i, line in enumerate(text.splitlines(), 1) if line.strip()]
    data = json.loads(text)
    if isinstance(data, dict):
        for key in _WRAPPER_KEYS:
            if isinstance(data.get(key), list):
                return [(i, rec) for i, rec in enumerate(data[key], 1)]
        return [(1, data)]
    if isinstance(data, list):
        return [(i, rec) for i, rec in enumerate(data, 1)]
    raise ValueError("not a JSON object or list")


def _partners(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split(",") if not is_placeholder(value) else []
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict):
                item = next((item.get(k) for k in _NAME_KEYS if item.get(k)), "")
            out.append("" if item is None else str(item))
        return out
    return [str(value)]


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list):
        items = [str(v) for v in value]
    else:  # a number, true/false or an object where a list of names belongs: one odd name, skipped later
        items = [str(value)]
    return [clean_cell(i) for i in items if not is_placeholder(i)]


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if value is not None and not is_placeholder(value):
            return clean_cell(value)
    return None


def _this_agency(
    record: dict[str, Any], file: Path, overrides: dict | None, renamed: dict[str, str], slug_ids: set[str]
) -> AgencyClass:
    name = _first(record, _NAME_KEYS)
    slug = _first(record, _SLUG_KEYS)
    if slug:
        slug = agency_slug(slug.rstrip("/").rsplit("/", 1)[-1])
    if not name and not slug:
        slug = agency_slug(file.stem)
    if not name:
        cls = classify_agency(name_from_slug(slug or ""), overrides)
        slug_ids.add(cls.party_id)
        return cls
    cls = classify_agency(name, overrides)
    if slug and alias_key(slug) == alias_key(cls.party_id) and slug != agency_slug(name):
        renamed[f"agency:{slug}"] = cls.party_id  # the name's id is the one other portals use
        return cls
    if slug and slug != agency_slug(name):
        # Flock's slug is the stable id (it names the portal page); the name stays for people.
        from_slug = classify_agency(name_from_slug(slug), overrides)
        cls = AgencyClass(
            name=cls.name,
            party_id="agency:" + slug,
            state=cls.state or from_slug.state,
            category=cls.category if cls.category != "unknown" else from_slug.category,
            kind=cls.kind if cls.category != "unknown" else from_slug.kind,
            located_in=cls.located_in or from_slug.located_in,
            rule=cls.rule,
        )
        slug_ids.add(cls.party_id)
    return cls


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in (".json", ".jsonl") and p.is_file())
    return [path]


def _check_input(paths: list[Path]) -> list[Path]:
    """The record files, or a one-line ValueError for an input that holds none."""
    files: list[Path] = []
    for p in paths:
        found = _files(p)
        if p.is_dir() and not found:
            raise ValueError(f"{p}: no portal records (*.json, *.jsonl) in this folder")
        files.extend(found)
    if len(files) == 1:
        only = files[0]
        if is_empty(only):
            raise ValueError(f"{only}: empty file")
        what, command = looks_like(only)
        if command != "custodiet import flock-portal" and not what.startswith("JSON"):
            raise ValueError(f"{only}: {wrong_kind(only, 'flock-portal')}")
    return files


def import_flock_portal(
    path: str | Path | list[str | Path],
    observed: str | datetime | None = None,
    source: str = SOURCE,
    overrides: dict | None = None,
) -> ImportResult:
    """Read portal records (a file, a folder, or several snapshots) into ``access_grant`` events and parties.

    Several snapshots of one agency's portal (files observed at different times) give one event per grant,
    first seen at ``occurred_at``; when the portal was observed more than once the event also carries
    ``portal`` (whose list it is), ``seen_at`` (the snapshots that listed it) and ``snapshots`` (all the
    snapshots of that portal), which ``custodiet history`` compares. A grant listed again in a later snapshot
    is skipped as ``seen again`` (its time is in ``seen_at``).

    Party ids that are one agency spelled in another order (the portal's slug ``el-cajon-pd-ca``, other
    portals' ``el-cajon-ca-pd``) are merged into the most named one (:mod:`importers.aliases`); each merge
    is in ``merges``.
    """
    paths = [Path(p) for p in path] if isinstance(path, list) else [Path(path)]
    files = _check_input(paths)
    result = ImportResult(kind="flock-portal")
    classes: dict[str, AgencyClass] = {}
    renamed: dict[str, str] = {}
    slug_ids: set[str] = set()
    rows: list[tuple[Path, int, AgencyClass, AgencyClass, str, dict[str, Any], str]] = []
    good_files = 0
    for file in files:
        result.files.append(str(file))
        try:
            records = _records(file, result)
        except (ValueError, UnicodeDecodeError) as exc:
            result.read()
            result.skip(file, 0, f"not JSON: {str(exc).splitlines()[0]}")
            continue
        good_files += 1
        for index, record in records:
            if not isinstance(record, dict):
                result.read()
                result.skip(file, index, "not a record: expected a JSON object")
                continue
            this = _this_agency(record, file, overrides, renamed, slug_ids)
            classes.setdefault(this.party_id, this)
            when, how = observed_time(file, observed, in_data=_first(record, _TIME_KEYS))
            result.assume(how)
            raw_retention = next((record[k] for k in _RETENTION_KEYS if k in record), None)
            retention = parse_retention_days(raw_retention)
            if raw_retention is not None and retention is None and not is_placeholder(raw_retention):
                result.warn(file, index, f"bad retention {raw_retention!r}: left out")
            prohibited = _text_list(record.get("prohibited_uses"))
            prohibited_purposes = sorted({classify_reason(u) for u in prohibited} - {"unspecified"})
            for direction in ("sharing_outbound", "sharing_inbound"):
                for partner_raw in _partners(record.get(direction)):
                    result.read()
                    partner_name = clean_cell(partner_raw)
                    if is_placeholder(partner_name) or not agency_slug(partner_name):
                        result.skip(file, index, f"missing partner: {partner_raw!r} in {direction}")
                        continue
                    partner = classify_agency(partner_name, overrides)
                    gone = this if this.left_out else partner if partner.left_out else None
                    if gone is not None:
                        result.skip(file, index, f"left out: {gone.name!r} is not counted ({gone.left_out})")
                        continue
                    classes.setdefault(partner.party_id, partner)
                    outbound = direction == "sharing_outbound"
                    extra: dict[str, Any] = {}
                    if outbound:
                        extra = {
                            "retention_days": retention,
                            "prohibited_uses": prohibited or None,
                            "prohibited_purposes": prohibited_purposes or None,
                        }
                    grantor, grantee = (this, partner) if outbound else (partner, this)
                    rows.append((file, index, grantor, grantee, when, extra, this.party_id))
    if files and not good_files:
        raise ValueError(f"{files[0]}: {wrong_kind(files[0], 'flock-portal')}" if len(files) == 1
                         else f"none of the {len(files)} files is a JSON portal record")
    _emit(result, rows, classes, source, slug_ids)
    result.merges = [f"{slug} -> {name} (the portal's slug; the id of its name, which other portals use)"
                     for slug, name in sorted(renamed.items())] + result.merges
    return result


def _emit(
    result: ImportResult,
    rows: list[tuple[Path, int, AgencyClass, AgencyClass, str, dict[str, Any], str]],
    classes: dict[str, AgencyClass],
    source: str,
    slug_ids: set[str],
) -> None:
    """Merge aliases, then one event per grant (with its snapshots), skipping self grants and repeats."""
    counts: Counter[str] = Counter()
    for _, _, grantor, grantee, _, _, _ in rows:
        counts[grantor.party_id] += 1
        counts[grantee.party_id] += 1
    mapping, result.merges = merge_aliases(counts, slug_ids)

    def canon(cls: AgencyClass) -> AgencyClass:
        keep = mapping.get(cls.party_id)
        if keep is None:
            return cls
        kept = classes[keep]
        return replace(kept, state=kept.state or cls.state)

    snapshots: dict[str, set[str]] = defaultdict(set)
    for _, _, _, _, when, _, portal in rows:
        snapshots[mapping.get(portal, portal)].add(when)
    events: dict[str, dict[str, Any]] = {}
    parties: dict[str, Party] = {}
    for file, index, grantor_raw, grantee_raw, when, extra, portal_raw in rows:
        grantor, grantee = canon(grantor_raw), canon(grantee_raw)
        portal = mapping.get(portal_raw, portal_raw)
        if grantor.party_id == grantee.party_id:
            result.skip(file, index, f"self grant: {grantor_raw.name!r} -> {grantee_raw.name!r}")
            continue
        event = grant_event(grantor, grantee, when, source, **extra)
        known = events.get(event["event_id"])
        if known is not None:
            seen = known.setdefault("seen_at", [known["occurred_at"]])
            if known.get("portal", portal) == portal and when not in seen:
                seen.append(when)
                result.skip(file, index, f"seen again: {grantor.name!r} -> {grantee.name!r} at {when}")
            else:
                result.skip(file, index, f"duplicate row: {grantor.name!r} -> {grantee.name!r}")
            continue
        event["portal"] = portal
        events[event["event_id"]] = event
        for cls in (grantor, grantee):
            parties.setdefault(cls.party_id, cls.to_party())
    for event in events.values():
        portal = event.pop("portal")
        seen = sorted(set(event.pop("seen_at", [event["occurred_at"]])))
        if len(snapshots[portal]) > 1:
            event.update(portal=portal, seen_at=seen, snapshots=sorted(snapshots[portal]))
            event["occurred_at"] = seen[0]
        result.add_event(event)
    result.parties = sorted(parties.values(), key=lambda p: p.id)


def _party(cls: AgencyClass) -> Party:
    return cls.to_party()
