"""The search-audit summary (``custodiet searches EVENTS``): what a reporter can quote about a log of ``search``
events, per searcher and overall, each figure saying what it counts.

The log is read by DuckDB (an embedded columnar engine), never held in Python: tens of millions of searches
are summarised in bounded memory (:data:`importers.audit_fast.MEMORY_LIMIT`, spilling to a temporary folder
beyond it). The
reason tier of each search (:func:`classify.reason_tiers.read_reason`) and whether a party it was run for
is federal (:func:`classify.agencies.classify_agency`) are worked out once per *distinct* text in Python
and joined back. A search's tier is :func:`classify.reason_tiers.search_reading`'s; the party it was run for
is its ``on_behalf_of``, else the federal agency its reason (else its case number) names
(:func:`classify.assists.federal_assist`, as the judge's ``with_inferred_assist``), unless that is the
searcher itself.

Counted: search events (``type`` = ``search``), one per ``event_id`` (a later line with an id already
seen is a duplicate, counted apart, as ``check`` drops it). Lines that are not JSON objects with a
``type`` are counted as unreadable, other event types as other events: ``lines = searches + duplicates +
other events + unreadable``.

>>> import json, os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "s.jsonl")
>>> rows = [{"event_id": f"s{i}", "type": "search", "occurred_at": "2025-06-18T07:00:00Z",
...          "searcher": "agency:eugene-or-pd", "reason": r, "networks_searched": n,
...          "time_frame_start": "2025-04-01T07:00:00Z"} for i, (r, n) in enumerate([("", 1), ("UUV", 3)])]
>>> _ = open(p, "w").write("".join(json.dumps(r) + "\\n" for r in rows))
>>> doc = summarise_searches(p)
>>> o = doc["overall"]
>>> o["searches"], o["reason_tiers"]["missing"], o["networks"]["multi"], o["lookback"]["beyond_retention"]
(2, 1, 1, 2)
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from classify.agencies import classify_agency, name_from_slug
from classify.assists import federal_assist
from classify.reason_tiers import TIERS, search_reading
from judge.lookback import DIGITS, LOOKBACK_DAYS_SQL, search_retention_days

__all__ = ["summarise_searches", "WHAT", "party_kind"]


#: What each figure counts (the same words on every surface: the table, the JSON, the report).
WHAT: dict[str, str] = {
    "searches": "search events, one per event id",
    "reason_tiers": "searches by how their reason reads: missing (blank or a placeholder), not published (the "
                    "source has no reason field), code only (a statute, radio code or case number alone), stated "
                    "but unrecognised, or a purpose category",
    "assists": "searches run on behalf of another party (on_behalf_of, stated or inferred from the text), by party",
    "assists.federal": "searches run on behalf of a federal agency",
    "lookback.with_time_frame": "searches whose audit row gives the time frame searched",
    "lookback.beyond_retention": "searches whose time frame starts longer before the search than the platform "
                                 "retains data",
    "lookback.longest_days": "the longest reach back: days from the time frame's start to the search",
    "networks.with_count": "searches whose audit row gives the number of networks searched",
    "networks.single": "searches of one network",
    "networks.multi": "searches of more than one network",
    "networks.multi_share": "multi-network searches over searches with a network count",
    "networks.median": "median networks per search (searches with a count)",
    "networks.largest": "most networks in one search",
    "devices.with_count": "searches whose audit row gives the number of devices (cameras) searched",
    "devices.median": "median devices per search (searches with a count)",
    "devices.largest": "most devices in one search",
}

_COLUMNS = ("{'event_id': 'VARCHAR', 'type': 'VARCHAR', 'occurred_at': 'VARCHAR', 'searcher': 'VARCHAR', "
            "'searcher_name': 'VARCHAR', 'searcher_state': 'VARCHAR', 'reason': 'VARCHAR', "
            "'reason_published': 'BOOLEAN', 'reason_tier': 'VARCHAR', 'offense_type': 'VARCHAR', "
            "'case_number': 'VARCHAR', 'on_behalf_of': 'VARCHAR', 'networks_searched': 'JSON', "
            "'networks_unknown': 'BOOLEAN', 'cameras_searched': 'JSON', 'time_frame_start': 'VARCHAR', "
            "'source': 'VARCHAR'}")


@lru_cache(maxsize=4096)
def party_kind(party: str) -> str:
    """The kind of a party id as the agency classifier reads its name (``federal``, ``local``, ...).

    >>> party_kind("agency:fbi"), party_kind("agency:eugene-or-pd")
    ('federal', 'local')
    """
    return classify_agency(name_from_slug(party.split(":", 1)[-1])).kind


def _sql_text(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _connect(tmp: str) -> Any:
    from importers.audit_fast import connect

    return connect(tmp, on_disk=True)


def _load(con: Any, path: Path) -> dict[str, Any]:
    """Materialise the search events (deduplicated) as table ``s``; the line accounting."""
    src = _sql_text(path)
    lines = con.execute(
        f"SELECT count(*) FROM read_csv({src}, header=false, columns={{'l': 'VARCHAR'}}, delim='\x01', "
        "quote='', escape='', auto_detect=false) WHERE trim(l) <> ''"
    ).fetchall()[0][0]
    con.execute(
        f"CREATE TABLE raw AS SELECT * FROM read_json({src}, "  # rows in file order: rowid is the line order
        f"format='newline_delimited', columns={_COLUMNS}, ignore_errors=true)"
    )
    read, typed = con.execute("SELECT count(*), count(type) FROM raw").fetchall()[0]
    # Repeated ids: the hashes seen twice first (a small table), then the later lines with those ids.
    con.execute("""
        CREATE TABLE dup AS
        WITH twice AS (SELECT hash(event_id) AS h FROM raw WHERE type = 'search' AND event_id IS NOT NULL
                       GROUP BY h HAVING count(*) > 1)
        SELECT n FROM (SELECT rowid AS n, row_number() OVER (PARTITION BY event_id ORDER BY rowid) AS k FROM raw
                       WHERE type = 'search' AND event_id IS NOT NULL AND hash(event_id) IN (SELECT h FROM twice))
        WHERE k > 1
    """)
    con.execute(f"""
        CREATE TABLE s AS
        SELECT event_id, searcher, searcher_name,
               searcher_state, coalesce(reason, '') AS reason, coalesce(reason_published, true) AS published,
               reason_tier, offense_type, case_number, on_behalf_of,
               CASE WHEN coalesce(networks_unknown, false) THEN NULL
                    WHEN json_type(networks_searched) = 'ARRAY' THEN json_array_length(networks_searched)
                    ELSE try_cast(networks_searched AS BIGINT) END AS networks,
               try_cast(cameras_searched AS BIGINT) AS cameras,
               {LOOKBACK_DAYS_SQL.format(occurred="try_cast(occurred_at AS TIMESTAMPTZ)",
                                         start="try_cast(time_frame_start AS TIMESTAMPTZ)")} AS lookback_days
        FROM raw WHERE type = 'search' AND event_id IS NOT NULL AND rowid NOT IN (SELECT n FROM dup)
    """)
    searches = con.execute("SELECT count(*) FROM raw WHERE type = 'search' AND event_id IS NOT NULL").fetchall()[0][0]
    sources = sorted(r[0] for r in con.execute("SELECT DISTINCT source FROM raw WHERE type = 'search' "
                                               "AND source IS NOT NULL").fetchall())
    kept = con.execute("SELECT count(*) FROM s").fetchall()[0][0]
    con.execute("DROP TABLE raw")
    return {"lines": lines, "searches": kept, "duplicates": searches - kept,
            "other_events": typed - searches, "unreadable": lines - typed if lines >= typed else lines - read,
            "sources": sources}


def _tiers(con: Any) -> None:
    """Table ``tiers``: the tier of each distinct (reason, published, offense type, tier given) read once; and
    the party each search was run for (``assisted``: stated, else inferred once per distinct text)."""
    keys = con.execute("SELECT DISTINCT reason, published, offense_type, reason_tier FROM s").fetchall()
    con.execute("CREATE TABLE tiers (reason VARCHAR, published BOOLEAN, offense VARCHAR, given VARCHAR, "
                "tier VARCHAR)")
    rows = [(r, p, o, g, search_reading(SimpleNamespace(reason=r, reason_published=p, offense_type=o, reason_tier=g,
                                                        reason_words=None)).tier) for r, p, o, g in keys]
    if rows:
        con.executemany("INSERT INTO tiers VALUES (?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE texts (text VARCHAR, party VARCHAR)")
    texts = con.execute("SELECT DISTINCT reason FROM s WHERE on_behalf_of IS NULL UNION "
                    "SELECT DISTINCT case_number FROM s WHERE on_behalf_of IS NULL AND case_number IS NOT NULL")
    found = [(t, a.party) for (t,) in texts.fetchall()
             if any(c.isalpha() for c in t) and (a := federal_assist(t)) is not None]
    if found:
        con.executemany("INSERT INTO texts VALUES (?, ?)", found)
    con.execute("""
        CREATE VIEW t AS
        SELECT s.*, tiers.tier, coalesce(s.on_behalf_of, CASE WHEN coalesce(r.party, c.party) <> s.searcher
                                                          THEN coalesce(r.party, c.party) END) AS assisted
        FROM s JOIN tiers ON tiers.reason = s.reason AND tiers.published = s.published
                         AND tiers.offense IS NOT DISTINCT FROM s.offense_type
                         AND tiers.given IS NOT DISTINCT FROM s.reason_tier
        LEFT JOIN texts r ON r.text = s.reason LEFT JOIN texts c ON c.text = s.case_number
    """)


def _group(row: dict[str, Any], retention: float) -> dict[str, Any]:
    nets = row["n_with"]
    return {
        "searches": row["searches"],
        "reason_tiers": {t: row[f"tier_{t}"] for t in TIERS},
        "assists": {"searches": row["assisted"], "federal": row["federal"], "by_party": {}},
        "lookback": {"with_time_frame": row["with_frame"], "beyond_retention": row["beyond"],
                     "longest_days": None if row["longest"] is None else round(row["longest"], 1),
                     "retention_days": retention},
        "networks": {"with_count": nets, "single": row["single"], "multi": row["multi"],
                     "multi_share": round(row["multi"] / nets, 4) if nets else None,
                     "median": row["n_median"], "largest": row["n_max"]},
        "devices": {"with_count": row["c_with"], "median": row["c_median"], "largest": row["c_max"]},
    }


def _medians(con: Any, column: str) -> dict[tuple[str | None, bool], int | float]:
    """(searcher, overall?) -> the median of a count column, exactly as :func:`statistics.median` gives it,
    from the values' counts (a median aggregate holds every value): only the middle values leave DuckDB."""
    found: dict[tuple[str | None, bool], list[Any]] = {}
    for searcher, whole, value, before, n, total in con.execute(f"""
        WITH vc AS (SELECT searcher, grouping(searcher) = 1 AS whole, {column} AS v, count(*) AS n FROM t
                    WHERE {column} IS NOT NULL GROUP BY GROUPING SETS ((searcher, {column}), ({column}))),
        cum AS (SELECT *, sum(n) OVER (PARTITION BY searcher, whole ORDER BY v ROWS UNBOUNDED PRECEDING) - n AS before,
                       sum(n) OVER (PARTITION BY searcher, whole) AS total FROM vc)
        SELECT searcher, whole, v, before, n, total FROM cum
        WHERE (before <= (total - 1) // 2 AND (total - 1) // 2 < before + n)
           OR (before <= total // 2 AND total // 2 < before + n)""").fetchall():
        middle = found.setdefault((searcher, bool(whole)), [None, None])
        if before <= (total - 1) // 2 < before + n:
            middle[0] = value
        if before <= total // 2 < before + n:
            middle[1] = value
    return {key: _middle(lo, hi) for key, (lo, hi) in found.items()}


def _middle(lo: int, hi: int) -> int | float:
    """The median of the two middle values (the same value when the count is odd).

    >>> _middle(3, 3), _middle(1, 4)
    (3, 2.5)
    """
    m = (lo + hi) / 2
    return int(m) if m.is_integer() else m


def _figures(con: Any, retention: float) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    tier_cols = ", ".join(f"count(*) FILTER (WHERE s.tier = '{t}') AS tier_{t}" for t in TIERS)
    con.execute("CREATE TABLE kinds (party VARCHAR, kind VARCHAR)")
    parties = [r[0] for r in con.execute("SELECT DISTINCT assisted FROM t WHERE assisted IS NOT NULL").fetchall()]
    if parties:
        con.executemany("INSERT INTO kinds VALUES (?, ?)", [(p, party_kind(p)) for p in parties])
    cur = con.execute(f"""
        SELECT s.searcher, any_value(s.searcher_name) AS name, any_value(s.searcher_state) AS state,
               grouping(s.searcher) AS overall, count(*) AS searches, {tier_cols},
               count(s.assisted) AS assisted, count(*) FILTER (WHERE k.kind = 'federal') AS federal,
               count(s.lookback_days) AS with_frame,
               count(*) FILTER (WHERE round(s.lookback_days, {DIGITS}) > {float(retention)!r}) AS beyond,
               max(s.lookback_days) AS longest,
               count(s.networks) AS n_with, count(*) FILTER (WHERE s.networks = 1) AS single,
               count(*) FILTER (WHERE s.networks > 1) AS multi, NULL AS n_median,
               max(s.networks) AS n_max,
               count(s.cameras) AS c_with, NULL AS c_median, max(s.cameras) AS c_max
        FROM t AS s LEFT JOIN kinds k ON k.party = s.assisted
        GROUP BY GROUPING SETS ((s.searcher), ())
    """)
    names = [d[0] for d in cur.description]
    overall: dict[str, Any] = {}
    searchers: dict[str, dict[str, Any]] = {}
    for values in cur.fetchall():
        row = dict(zip(names, values, strict=True))
        group = _group(row, retention)
        if row["overall"]:
            overall = group
        else:
            searchers[row["searcher"]] = {"searcher": row["searcher"], "name": row["name"], "state": row["state"],
                                          **group}
    if not overall:
        overall = _group({k: 0 for k in names} | {"longest": None, "n_median": None, "n_max": None,
                                                   "c_median": None, "c_max": None}, retention)
    for searcher, party, n in con.execute("""
        SELECT searcher, assisted, count(*) FROM t WHERE assisted IS NOT NULL
        GROUP BY GROUPING SETS ((searcher, assisted), (assisted)) ORDER BY 3 DESC, 2
    """).fetchall():
        target = overall if searcher is None else searchers[searcher]
        target["assists"]["by_party"][party] = n
    for part, column in (("networks", "networks"), ("devices", "cameras")):
        for (searcher, whole), median in _medians(con, column).items():
            target = overall if whole else searchers[str(searcher)]
            target[part]["median"] = median
    ordered = sorted(searchers.values(), key=lambda g: (-g["searches"], g["searcher"]))
    return overall, ordered


def _load_audit(con: Any, path: Path, agency: str | None, tz: str) -> dict[str, Any] | None:
    """Table ``s`` straight from a CSV search audit, read as ``import flock-audit`` reads it (the same events,
    not written out); the import's accounting. None when the DuckDB import declines the file."""
    from importers.audit_fast import audit_into

    result = audit_into(con, path, None, agency=agency, tz=tz)
    if result is None:
        return None
    con.execute(f"""
        CREATE TABLE s AS
        SELECT event_id, party AS searcher, name AS searcher_name, state AS searcher_state,
               coalesce(reason, '') AS reason, published, tier AS reason_tier, offense AS offense_type, case_number,
               NULL::VARCHAR AS on_behalf_of, networks, cameras,
               {LOOKBACK_DAYS_SQL.format(occurred="searched", start="frame_start")} AS lookback_days
        FROM kept
    """)
    return {"rows_read": result.rows_read, "searches": result.events_written,
            "skipped": result.skipped_total, "skipped_by_reason": result.skipped_by_reason,
            "sources": [_source(path, agency)], "assumptions": list(result.assumptions)}


def summarise_searches(path: str | Path, rule_sets: Sequence[str] | None = None, *, agency: str | None = None,
                       tz: str | None = None) -> dict[str, Any]:
    """The search-audit summary of a JSON Lines log of events, or of a search audit itself (read as
    ``import flock-audit`` reads it, with ``agency`` and ``tz`` as there); see the module's doc for what
    is counted.

    ``rule_sets`` are the rule sets whose search retention (the ``search_lookback`` rule's
    ``retention_days``) the lookback figures use (default: every shipped set that has one)."""
    from importers.audit_layouts import DEFAULT_TZ, default_tz_assumption
    from importers.sniff import looks_like

    file = Path(path)
    if not file.is_file():
        raise ValueError(f"{file}: no such file")
    what, _ = looks_like(file)
    is_log = "events log" in what or file.suffix.lower() == ".jsonl"  # else an audit: the import says if not
    retention, rule = search_retention_days(rule_sets)
    import duckdb

    with tempfile.TemporaryDirectory(prefix="custodiet-searches-") as tmp:
        con = _connect(tmp)
        try:
            accounting = _load(con, file) if is_log else _load_audit(con, file, agency, tz or DEFAULT_TZ)
            if accounting is None:  # an audit the DuckDB import declines: imported row by row, then read
                con.close()
                Path(tmp, "work.duckdb").unlink(missing_ok=True)  # what the declined reading left
                con = _connect(tmp)
                accounting = _imported(con, file, Path(tmp), agency, tz or DEFAULT_TZ)
            _tiers(con)
            overall, searchers = _figures(con, retention)
        except duckdb.Error as e:
            raise ValueError(f"{file}: the summary could not be made ({str(e).splitlines()[0]})") from e
        finally:
            con.close()
    party_names = {p: classify_agency(name_from_slug(p.split(":", 1)[-1])).name
                   for g in (overall, *searchers) for p in g["assists"]["by_party"]}
    sources = accounting.pop("sources")
    # What reading an audit assumed, as `import flock-audit` says it (an events log was read as written).
    assumptions = [*accounting.pop("assumptions", []), *([] if is_log or tz else [default_tz_assumption()])]
    return {"events": str(file), "input": "events log" if is_log else "search audit", "sources": sources,
            "assumptions": assumptions,
            "accounting": accounting, "retention_days": retention, "retention_rule": rule,
            "overall": overall, "searchers": searchers, "party_names": party_names, "what": WHAT}


def _imported(con: Any, file: Path, tmp: Path, agency: str | None, tz: str) -> dict[str, Any]:
    import json

    from importers.flock_audit import import_flock_audit

    log = tmp / "events.jsonl"
    with log.open("w", encoding="utf-8") as fh:

        def sink(event: dict[str, Any]) -> None:
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")

        result = import_flock_audit(file, agency=agency, tz=tz, sink=sink)
    _load(con, log)
    return {"rows_read": result.rows_read, "searches": result.events_written, "skipped": result.skipped_total,
            "skipped_by_reason": result.skipped_by_reason, "sources": [_source(file, agency)],
            "assumptions": list(result.assumptions)}


def _source(file: Path, agency: str | None) -> str:
    """The ``source`` an import of this audit writes on its events (the credit goes by it)."""
    from importers.flock_audit import audit_source, searcher_of

    return audit_source(file, searcher_of(agency).party_id if agency else None)
