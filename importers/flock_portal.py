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

Each partner name is one input row: ``sharing_outbound`` gives grants from this agency, ``sharing_inbound``
grants to it. The same grant seen from both sides (A's outbound lists B, B's inbound lists A) is one event;
the second sighting is skipped as ``duplicate row``. Grants from an agency carry its
``retention_days`` (None and a warning for junk such as ``-Infinity days``), ``prohibited_uses`` and the
purposes they name (``prohibited_purposes``, via :func:`classify.purposes.classify_reason`).
``occurred_at`` is the ``observed`` argument, else the record's ``accessed``/``crawled_at``/``updated``
time, else the file's modification time.

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
from datetime import datetime
from pathlib import Path
from typing import Any

from classify.agencies import AgencyClass, agency_slug, classify_agency, name_from_slug
from classify.purposes import classify_reason
from importers.flock_sharing import grant_event, observed_at, parse_retention_days
from importers.report import ImportResult, clean_cell, is_placeholder
from schemas.parties import Party

__all__ = ["import_flock_portal", "SOURCE"]

SOURCE = "flock-transparency-portal"
_NAME_KEYS = ("name", "agency", "crawled_name", "agency_name")
_SLUG_KEYS = ("slug", "crawled_slug")
_TIME_KEYS = ("observed_at", "accessed", "crawled_at", "crawled", "updated", "updated_at")
_RETENTION_KEYS = ("data_retention_days", "data_retention_in_days", "retention_days", "data_retention")


def _records(file: Path) -> list[tuple[int, Any]]:
    text = file.read_text(encoding="utf-8-sig")
    if file.suffix.lower() == ".jsonl":
        return [(i, json.loads(line)) for i, line in enumerate(text.splitlines(), 1) if line.strip()]
    data = json.loads(text)
    if isinstance(data, dict):
        for key in ("records", "agencies", "portals"):
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


def _this_agency(record: dict[str, Any], file: Path, overrides: dict | None) -> AgencyClass:
    name = _first(record, _NAME_KEYS)
    slug = _first(record, _SLUG_KEYS)
    if slug:
        slug = agency_slug(slug.rstrip("/").rsplit("/", 1)[-1])
    if not name and not slug:
        slug = agency_slug(file.stem)
    if not name:
        return classify_agency(name_from_slug(slug or ""), overrides)
    cls = classify_agency(name, overrides)
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
    return cls


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in (".json", ".jsonl") and p.is_file())
    return [path]


def import_flock_portal(
    path: str | Path,
    observed: str | datetime | None = None,
    source: str = SOURCE,
    overrides: dict | None = None,
) -> ImportResult:
    """Read one portal record file, or a folder of them, into ``access_grant`` events and parties."""
    result = ImportResult(kind="flock-portal")
    parties: dict[str, Party] = {}
    seen: set[str] = set()
    for file in _files(Path(path)):
        result.files.append(str(file))
        try:
            records = _records(file)
        except (ValueError, UnicodeDecodeError) as exc:
            result.read()
            result.skip(file, 0, f"not JSON: {exc}")
            continue
        for index, record in records:
            if not isinstance(record, dict):
                result.read()
                result.skip(file, index, "not a record: expected a JSON object")
                continue
            this = _this_agency(record, file, overrides)
            parties.setdefault(this.party_id, _party(this))
            if observed is not None:
                when = observed_at(file, observed)
            else:
                stamp = _first(record, _TIME_KEYS)
                when = _record_time(stamp) or observed_at(file)
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
                    if partner.party_id == this.party_id:
                        result.skip(file, index, f"self grant: {partner_name!r}")
                        continue
                    outbound = direction == "sharing_outbound"
                    grantor, grantee = (this, partner) if outbound else (partner, this)
                    extra: dict[str, Any] = {}
                    if outbound:
                        extra = {
                            "retention_days": retention,
                            "prohibited_uses": prohibited or None,
                            "prohibited_purposes": prohibited_purposes or None,
                        }
                    event = grant_event(grantor, grantee, when, source, **extra)
                    if event["event_id"] in seen:
                        result.skip(file, index, f"duplicate row: {grantor.name!r} -> {grantee.name!r}")
                        continue
                    seen.add(event["event_id"])
                    result.add_event(event)
                    parties.setdefault(partner.party_id, _party(partner))
    result.parties = sorted(parties.values(), key=lambda p: p.id)
    return result


def _party(cls: AgencyClass) -> Party:
    return cls.to_party()


def _record_time(stamp: str | None) -> str | None:
    if not stamp:
        return None
    try:
        return observed_at("-", stamp)
    except ValueError:
        return None
