"""``import flock-audit`` of a large CSV through DuckDB: the same events, byte for byte, as the row-by-row
import (:mod:`importers.flock_audit`) writes, at a fraction of its time.

DuckDB reads the CSV into a table (bounded memory: :data:`MEMORY_LIMIT`, spilling to a temporary folder;
the events are written by one thread in the rows' order, so nothing is sorted), and does per row what is the
same for every row: white space collapsed and placeholders dropped as
:func:`importers.report.clean_cell` and :data:`importers.report.PLACEHOLDER_VALUES` do, the row hash of a
row without an id, Flock's own time form (``11/13/2025, 10:00:17 PM UTC``) read with the same pattern as
:func:`importers.audit_layouts.parse_search_time`'s fast path, the JSON text of each string. Everything else
is asked of the row-by-row code once per *distinct* text and joined back: the searcher of each Org Name
(:func:`importers.flock_audit.searcher_of`), the purpose and the reason tier of each reason and offense,
each device and network count, every time written in another form (with its error, if unreadable).

Accounting is the row-by-row import's: rows read = events written + rows skipped, each skipped row with its
line and reason, the same warnings. One difference, by design: a repeated row is found however far from
its first copy (the row-by-row import looks :data:`importers.flock_audit.RECENT_IDS` rows back).

The fast path declines (returns None, and the row-by-row import runs) for anything but a plain UTF-8 CSV
whose records are one line each and whose rows all have the header's width; for a portal audit that names
no agency (the row-by-row import says what to give).
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from classify.purposes import search_purpose
from classify.reason_tiers import read_reason
from importers.audit_layouts import (
    DEFAULT_TZ,
    AuditLayout,
    detect_layout,
    parse_search_time,
    parse_time_frame,
)
from importers.flock_audit import NO_REASON_COLUMN, _count, audit_source, searcher_of
from importers.flock_sharing import format_time
from importers.report import PLACEHOLDER_VALUES, ImportResult
from importers.text import delimiter_of, text_encoding
from schemas.parties import Party

__all__ = ["fast_import_audit", "audit_into", "connect", "MEMORY_LIMIT"]

MEMORY_LIMIT = "600MB"
#: White space as Python's ``str.split()`` sees it (RE2 class body).
_WS = r"\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
#: Flock's network-audit time form: parse_search_time's fast path, ASCII digits only (others go to Python).
_FAST_TIME = r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}, [0-9]{1,2}:[0-9]{2}:[0-9]{2} (AM|PM) UTC$"
_FIELDS = ("id", "user", "org", "date", "cameras", "networks", "reason", "case", "offense", "time_frame",
           "time_frame_start", "time_frame_end", "search_type", "moderation")


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _js(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _utc_text(moment: datetime) -> str:
    return format_time(moment)


def _time_sql(expr: str) -> str:
    """SQL for a UTC time in the fast form, else NULL (then asked of Python)."""
    return (f"CASE WHEN regexp_full_match({expr}, {_q(_FAST_TIME)}) THEN "
            f"try_strptime({expr}, '%m/%d/%Y, %I:%M:%S %p UTC') END")


def _time_text_sql(ts: str) -> str:
    """SQL for :func:`format_time` of a TIMESTAMP (UTC): isoformat leaves out zero microseconds."""
    return (f"CASE WHEN microsecond({ts}) % 1000000 = 0 THEN strftime({ts}, '%Y-%m-%dT%H:%M:%SZ') "
            f"ELSE strftime({ts}, '%Y-%m-%dT%H:%M:%S.%fZ') END")


def _json_sql(expr: str) -> str:
    """SQL for the JSON text of a string as ``json.dumps(..., ensure_ascii=False)`` writes it. DuckDB's
    escapes differ only in the case of the hex digits of \\u000e, \\u000f, \\u001a and \\u001b (the other
    control characters with letters in their code are white space, gone from cleaned cells): a file with one
    of those in such a cell (``ctl``) is left to the row-by-row import."""
    return f"CAST(to_json({expr}) AS VARCHAR)"


def _readable(file: Path) -> bool:
    """A UTF-8 CSV with commas between its columns (else the row-by-row import, which reads the others)."""
    if file.suffix.lower() in (".xlsx", ".xlsm", ".json", ".jsonl"):
        return False
    if text_encoding(file)[0] != "utf-8-sig":
        return False
    with file.open(encoding="utf-8-sig", newline="") as fh:
        return delimiter_of(fh.readline()) == ","


def _table(con: Any, name: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """A temporary table of Python rows, passed through a JSON Lines file (DuckDB inserts row by row slowly)."""
    names = [c.split()[0] for c in columns.split(",")]
    types = ", ".join(f"'{n}': '{c.split()[1]}'" for n, c in zip(names, columns.split(","), strict=True))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as fh:
        for row in rows:
            fh.write(json.dumps({n: (v.isoformat() if isinstance(v, datetime) else v)
                                 for n, v in zip(names, row, strict=True)}, ensure_ascii=False) + "\n")
        tmp = fh.name
    try:
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM read_json({_q(tmp)}, format='newline_delimited', "
                    f"columns={{{types}}})")
    finally:
        Path(tmp).unlink()


def fast_import_audit(path: str | Path, output: str | Path, agency: str | None = None, tz: str = DEFAULT_TZ,
                      source: str | None = None) -> ImportResult | None:
    """Import a CSV search audit into ``output`` (JSON Lines) through DuckDB; None when it declines."""
    with tempfile.TemporaryDirectory(prefix="custodiet-audit-") as tmp:
        con = connect(tmp)
        try:
            return audit_into(con, path, output, agency, tz, source)
        finally:
            con.close()


def connect(tmp: str, on_disk: bool = False) -> Any:
    """A DuckDB connection for audits: in memory up to :data:`MEMORY_LIMIT`, spilling to ``tmp`` beyond
    (``on_disk``: its tables in a database file in ``tmp``, for tables wider than the memory cap)."""
    import duckdb

    where = str(Path(tmp) / "work.duckdb") if on_disk else ":memory:"
    con = duckdb.connect(where, config={"memory_limit": MEMORY_LIMIT, "temp_directory": tmp, "threads": 2,
                                        "preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    return con


def audit_into(con: Any, path: str | Path, output: str | Path | None, agency: str | None = None,
               tz: str = DEFAULT_TZ, source: str | None = None) -> ImportResult | None:
    """Read a CSV audit into ``con``: the view ``kept`` holds the events the import writes (one row each:
    ``event_id, searched, party, name, state, reason, published, tier, offense, case_number, networks,
    cameras, frame_start``...), written to ``output`` as JSON Lines when given. None when it declines."""
    import duckdb

    file = Path(path)
    ZoneInfo(tz)  # fail early on an unknown zone, as the row-by-row import does
    if not _readable(file):
        return None
    with file.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        return None
    try:
        layout = detect_layout(header)
    except ValueError:
        return None
    if layout.name == "portal" and not agency:
        return None
    default = searcher_of(agency) if agency else None
    source = source or audit_source(file, default.party_id if default else None)
    try:
        return _run(con, file, None if output is None else Path(output), layout, len(header), default, tz, source)
    except duckdb.Error:
        return None  # a CSV DuckDB does not read strictly (ragged rows, stray quotes): the row-by-row import


def _c(has: set[str], name: str) -> str:
    return f"f_{name}" if name in has else "NULL::VARCHAR"


def _parts(has: set[str]) -> str:
    """SQL: the two ends of a Time Frame cell as parse_time_frame splits it (cells are cleaned: one space)."""
    return f"string_split_regex({_c(has, 'time_frame')}, ' (?:-|–|—|(?i:to)) ')"


def _load(con: Any, file: Path, layout: AuditLayout, width: int) -> tuple[int, int, int]:
    """Table ``r``: row number, line, the cleaned cells of the fields used (NULL = placeholder), row hash."""
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    src = _q(str(file))
    lines = con.execute(
        f"SELECT count(*) FROM read_csv({src}, header=false, columns={{'l': 'VARCHAR'}}, delim='\x01', "
        "quote='', escape='', auto_detect=false, max_line_size=16777216, strict_mode=false)").fetchall()[0][0]
    cleaned = {i: f"CASE WHEN needs THEN regexp_replace(regexp_replace(coalesce(c{i}, ''), '^[{_WS}]+|[{_WS}]+$', "
                  f"'', 'g'), '[{_WS}]+', ' ', 'g') ELSE coalesce(c{i}, '') END" for i in range(width)}
    # One look at the whole row finds the rare rows with a cell to clean (edge, double or unusual white space).
    odd = _WS.replace(" ", "")
    needs = (f"regexp_matches(concat_ws(chr(1), {', '.join(f'coalesce(c{i}, {_q(chr(0))})' for i in range(width))}),"
             f" '(?:^|\x01)[{_WS}]|[{_WS}](?:\x01|$)|[{_WS}][{_WS}]|[{odd}]') AS needs")
    placeholders = ", ".join(_q(p) for p in sorted(PLACEHOLDER_VALUES))
    fields = ", ".join(
        f"CASE WHEN lower(k{i}) IN ({placeholders}) THEN NULL ELSE k{i} END AS f_{name}"
        for name, i in layout.columns.items() if name in _FIELDS)
    raw_reason = f", k{layout.columns['reason']} AS raw_reason" if "reason" in layout.columns else \
        ", NULL::VARCHAR AS raw_reason"
    nonempty = " OR ".join(f"k{i} <> ''" for i in range(width))
    joined = ", ".join(f"k{i}" for i in range(width))
    has = set(layout.columns) & set(_FIELDS)
    con.execute(f"""
        CREATE TABLE r AS
        WITH k AS (
            SELECT n, {', '.join(f'{cleaned[i]} AS k{i}' for i in range(width))} FROM (
            SELECT row_number() OVER () AS n, {needs}, {', '.join(f'c{i}' for i in range(width))}
            FROM read_csv({src}, header=true, columns={{{cols}}}, delim=',', quote='"', escape='"',
                          auto_detect=false, strict_mode=true, null_padding=false, max_line_size=16777216))
        )
        , f AS (
        SELECT n, n + 1 AS line, {fields}{raw_reason},
               'row-' || substr(sha1(concat_ws(chr(31), {joined})), 1, 16) AS row_hash
        FROM k WHERE {nonempty}
        ), p AS (SELECT *, {_parts(has)} AS parts FROM f)
        SELECT *, {_time_sql(_c(has, 'date'))} AS date_ts,
               CASE WHEN len(parts) = 2 THEN {_time_sql('parts[1]')} END AS fs_ts,
               CASE WHEN len(parts) = 2 THEN {_time_sql('parts[2]')} END AS fe_ts,
               {_time_sql(_c(has, 'time_frame_start'))} AS cs_ts, {_time_sql(_c(has, 'time_frame_end'))} AS ce_ts,
               regexp_matches(concat_ws('', {_c(has, 'id')}, {_c(has, 'case')}, {_c(has, 'offense')},
                                        {_c(has, 'search_type')}, {_c(has, 'moderation')}, {_c(has, 'user')}),
                              '[\x0e\x0f\x1a\x1b]') AS ctl
        FROM p
    """)
    records = con.execute("SELECT count(*), max(n) FROM r").fetchall()[0]
    return int(lines), int(records[0]), int(records[1] or 0)


def _run(con: Any, file: Path, output: Path | None, layout: AuditLayout, width: int, default: Any, tz: str,
         source: str) -> ImportResult | None:
    lines, kept, last = _load(con, file, layout, width)
    if lines != last + 1 or kept != last:
        return None  # blank lines or records over several lines: line numbers are the row-by-row import's
    if con.execute("SELECT count(*) FROM r WHERE ctl").fetchall()[0][0]:
        return None  # control characters DuckDB escapes otherwise than Python (see _json_sql)
    result = ImportResult(kind="flock-audit", files=[str(file)])
    result.read(kept)
    has = set(layout.columns)
    if "reason" not in has:
        result.assume(NO_REASON_COLUMN)

    def col(name: str) -> str:
        return f"f_{name}" if name in has else "NULL::VARCHAR"

    # -- Python, once per distinct text --
    searchers: dict[str, Party] = {}
    orgs = [o for (o,) in con.execute(f"SELECT DISTINCT {col('org')} FROM r").fetchall()]
    org_rows = []
    for org in orgs:
        cls = searcher_of(org) if org else default
        if cls is not None:
            searchers.setdefault(cls.party_id, cls.to_party())
            org_rows.append((org, cls.party_id, cls.party_id.split(":", 1)[1], cls.name, cls.state,
                             _js(cls.name), None if cls.state is None else _js(cls.state)))
    _table(con, "orgs", "org VARCHAR, party VARCHAR, slug VARCHAR, name VARCHAR, state VARCHAR, name_js VARCHAR, "
           "state_js VARCHAR", org_rows)
    published = "reason" in has
    _table(con, "reasons", "raw VARCHAR, reason VARCHAR, offense VARCHAR, js VARCHAR, tier VARCHAR", [
        (raw, reason, offense, *_reason_json(raw, reason or "", offense, published))
        for raw, reason, offense in con.execute(
            f"SELECT DISTINCT raw_reason, {col('reason')}, {col('offense')} FROM r").fetchall()])
    counts = []
    for what in ("cameras", "networks"):
        for (text,) in con.execute(f"SELECT DISTINCT {col(what)} FROM r WHERE {col(what)} IS NOT NULL").fetchall():
            counts.append((what, text, _count(text)))
    _table(con, "counts", "what VARCHAR, text VARCHAR, n BIGINT", counts)
    slow_times = con.execute(f"""
        SELECT DISTINCT t FROM (SELECT {col('date')} AS t FROM r WHERE date_ts IS NULL
                                UNION ALL SELECT {col('time_frame_start')} FROM r WHERE cs_ts IS NULL
                                UNION ALL SELECT {col('time_frame_end')} FROM r WHERE ce_ts IS NULL)""").fetchall()
    _table(con, "times", "t VARCHAR, ts TIMESTAMP, err VARCHAR", [(t, *_slow_time(t, tz)) for (t,) in slow_times])
    frames = con.execute(f"SELECT DISTINCT {col('time_frame')} FROM r WHERE {col('time_frame')} IS NOT NULL "
                         "AND (fs_ts IS NULL OR fe_ts IS NULL)").fetchall()
    _table(con, "frames", "f VARCHAR, s TIMESTAMP, e TIMESTAMP, err VARCHAR",
           [(f, *_slow_frame(f, tz)) for (f,) in frames])
    return _write(con, result, file, output, has, searchers, source, col)


def _reason_json(raw: str | None, reason: str, offense: str | None, published: bool) -> tuple[str, str]:
    reading = read_reason(raw if published else None, published=published, offense_type=offense)
    parts = [f'"reason": {_js(reason)}', f'"purpose": {_js(search_purpose(reason, offense))}']
    if not published:
        parts.append('"reason_published": false')
    parts.append(f'"reason_tier": {_js(reading.tier)}')
    if reading.words:
        parts.append(f'"reason_words": {_js(list(reading.words))}')
    return ", ".join(parts), reading.tier


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _slow_time(text: str | None, tz: str) -> tuple[datetime | None, str | None]:
    try:
        return _naive(parse_search_time(text, tz)), None
    except ValueError as exc:
        return None, str(exc)


def _slow_frame(text: str, tz: str) -> tuple[datetime | None, datetime | None, str | None]:
    try:
        start, end = parse_time_frame(text, tz)
    except ValueError as exc:
        return None, None, str(exc)
    return _naive(start), _naive(end), None


def _write(con: Any, result: ImportResult, file: Path, output: Path | None, has: set[str], searchers: dict[str, Party],
           source: str, col: Any) -> ImportResult:
    del col

    def c(name: str) -> str:
        return f"r.f_{name}" if name in has else "NULL::VARCHAR"

    framed_fast = "(r.fs_ts IS NOT NULL AND r.fe_ts IS NOT NULL)"
    raw_id = f"coalesce({c('id')}, r.row_hash)"
    con.execute(f"""
        CREATE VIEW e AS
        SELECT r.n, r.line, coalesce(r.date_ts, dt.ts) AS searched, dt.err AS date_err,
               o.party, o.name, o.state, o.name_js, o.state_js, {raw_id} AS raw_id, {c('reason')} AS reason,
               rs.tier, {'true' if 'reason' in has else 'false'} AS published,
               'flock-search:' || o.slug || ':' || {raw_id} AS event_id,
               rs.js AS reason_js, r.ctl,
               CASE WHEN {c('time_frame')} IS NULL THEN NULL WHEN {framed_fast} THEN r.fs_ts ELSE fr.s END AS frame_s,
               CASE WHEN {c('time_frame')} IS NULL THEN NULL WHEN {framed_fast} THEN r.fe_ts ELSE fr.e END AS frame_e,
               CASE WHEN {framed_fast} THEN NULL ELSE fr.err END AS frame_err,
               coalesce(r.cs_ts, ts.ts) AS cell_s, ts.err AS cell_s_err,
               coalesce(r.ce_ts, te.ts) AS cell_e, te.err AS cell_e_err,
               {c('time_frame')} IS NOT NULL AS framed,
               {c('cameras')} AS cameras_text, cc.n AS cameras, {c('networks')} AS networks_text, nc.n AS networks,
               {c('case')} AS case_number, {c('offense')} AS offense, {c('search_type')} AS search_type,
               {c('moderation')} AS moderation, {c('user')} AS user_
        FROM r
        LEFT JOIN times dt ON r.date_ts IS NULL AND dt.t IS NOT DISTINCT FROM {c('date')}
        LEFT JOIN orgs o ON o.org IS NOT DISTINCT FROM {c('org')}
        LEFT JOIN reasons rs ON rs.raw IS NOT DISTINCT FROM r.raw_reason
             AND rs.reason IS NOT DISTINCT FROM {c('reason')}
             AND rs.offense IS NOT DISTINCT FROM {c('offense')}
        LEFT JOIN frames fr ON (r.fs_ts IS NULL OR r.fe_ts IS NULL) AND fr.f = {c('time_frame')}
        LEFT JOIN times ts ON r.cs_ts IS NULL AND ts.t = {c('time_frame_start')}
        LEFT JOIN times te ON r.ce_ts IS NULL AND te.t = {c('time_frame_end')}
        LEFT JOIN counts cc ON cc.what = 'cameras' AND cc.text = {c('cameras')}
        LEFT JOIN counts nc ON nc.what = 'networks' AND nc.text = {c('networks')}
    """)
    # Repeated ids: first the hashes seen twice (a small table), then the rows with those ids, after the first.
    con.execute("""
        CREATE TABLE d AS
        WITH twice AS (SELECT hash(event_id) AS h FROM e WHERE searched IS NOT NULL AND party IS NOT NULL
                       GROUP BY h HAVING count(*) > 1)
        SELECT n FROM (SELECT n, row_number() OVER (PARTITION BY event_id ORDER BY n) AS k FROM e
                       WHERE searched IS NOT NULL AND party IS NOT NULL AND hash(event_id) IN (SELECT h FROM twice))
        WHERE k > 1
    """)
    _skips(con, result, file)
    _warnings(con, result, file)
    frame_ok = "(CASE WHEN framed THEN frame_err IS NULL ELSE cell_s_err IS NULL AND cell_e_err IS NULL END)"
    start = f"(CASE WHEN {frame_ok} THEN (CASE WHEN framed THEN frame_s ELSE cell_s END) END)"
    end = f"(CASE WHEN {frame_ok} THEN (CASE WHEN framed THEN frame_e ELSE cell_e END) END)"
    good = f"NOT (coalesce({start} IS NOT NULL AND {end} IS NOT NULL AND {end} < {start}, false))"
    con.execute(f"""
        CREATE VIEW kept AS SELECT *, CASE WHEN {good} THEN {start} END AS frame_start FROM e
        WHERE searched IS NOT NULL AND party IS NOT NULL AND n NOT IN (SELECT n FROM d)""")
    result.parties = sorted(searchers.values(), key=lambda p: p.id)
    result.sink = lambda _e: None  # events go to a file or a table: events_written counts them
    if output is None:
        result._written = int(con.execute("SELECT count(*) FROM kept").fetchall()[0][0])
        return result
    line = f"""'{{"event_id": ' || {_json_sql('event_id')} || ', "type": "search", "occurred_at": "'
        || {_time_text_sql('searched')} || '", "searcher": ' || {_json_sql('party')} || ', "searcher_name": ' || name_js
        || coalesce(', "searcher_state": ' || state_js, '') || ', ' || reason_js
        || ', "networks_searched": ' || coalesce(CAST(networks AS VARCHAR), '1')
        || CASE WHEN networks IS NULL THEN ', "networks_unknown": true' ELSE '' END
        || coalesce(', "cameras_searched": ' || CAST(cameras AS VARCHAR), '')
        || coalesce(', "case_number": ' || {_json_sql('case_number')}, '')
        || coalesce(', "offense_type": ' || {_json_sql('offense')}, '')
        || CASE WHEN {good} THEN coalesce(', "time_frame_start": "' || {_time_text_sql(start)} || '"', '')
                || coalesce(', "time_frame_end": "' || {_time_text_sql(end)} || '"', '') ELSE '' END
        || coalesce(', "search_type": ' || {_json_sql('search_type')}, '')
        || coalesce(', "moderation": ' || {_json_sql('moderation')}, '')
        || coalesce(', "user": ' || {_json_sql('user_')}, '')
        || ', "source": ' || {_q(_js(source))} || '}}'"""
    con.execute("SET threads = 1")  # one thread: the rows go out in the order they came in, with no sort
    copied = con.execute(f"""
        COPY (SELECT {line} AS line FROM kept)
        TO {_q(str(output))} (FORMAT csv, HEADER false, DELIMITER '', QUOTE '', ESCAPE '')
    """).fetchall()
    result._written = int(copied[0][0])
    return result


def _skips(con: Any, result: ImportResult, file: Path) -> None:
    cur = con.execute("""
        SELECT line, CASE WHEN searched IS NULL THEN 'bad date: ' || date_err
                          WHEN party IS NULL THEN 'no searcher: the row''s Org Name is empty'
                          ELSE 'duplicate row: id ' || raw_id END
        FROM e WHERE searched IS NULL OR party IS NULL OR n IN (SELECT n FROM d) ORDER BY n""")
    while batch := cur.fetchmany(10_000):
        for line, reason in batch:
            result.skip(file, int(line), reason)


def _warnings(con: Any, result: ImportResult, file: Path) -> None:
    cur = con.execute("""
        SELECT line, framed, frame_err, cell_s_err, cell_e_err, frame_s, frame_e, cell_s, cell_e, cameras_text,
               cameras, networks_text, networks
        FROM e WHERE searched IS NOT NULL AND party IS NOT NULL AND n NOT IN (SELECT n FROM d)
          AND ((framed AND frame_err IS NOT NULL) OR cell_s_err IS NOT NULL OR cell_e_err IS NOT NULL
               OR (framed AND frame_e < frame_s) OR (NOT framed AND cell_e < cell_s)
               OR (cameras_text IS NOT NULL AND cameras IS NULL) OR (networks_text IS NOT NULL AND networks IS NULL))
        ORDER BY n""")
    while batch := cur.fetchmany(10_000):
        for line, framed, f_err, s_err, e_err, fs, fe, cs, ce, cam_text, cam, net_text, net in batch:
            err = f_err if framed else (s_err or e_err)
            start, end = (fs, fe) if framed else (cs, ce)
            if err:
                result.warn(file, int(line), f"bad time frame: {err}; left out")
            elif start is not None and end is not None and end < start:
                result.warn(file, int(line), "time frame ends before it starts: left out")
            if cam_text is not None and cam is None:
                result.warn(file, int(line), f"bad device count {cam_text!r}: left out")
            if net_text is not None and net is None:
                result.warn(file, int(line), f"bad network count {net_text!r}: left out")
