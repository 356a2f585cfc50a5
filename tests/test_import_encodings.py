"""Bad bytes never lose the good rows: a Windows-1252 byte on the last row of a large CSV, a UTF-16
"Unicode Text" export from a spreadsheet, read by every CSV importer through one function."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app
from importers import import_atlas_ring, import_flock_audit, import_flock_sharing

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parent / "data"
SHARING = FIXTURES / "flock-sharing" / "agency_access20250101.csv"


def test_one_windows_1252_byte_on_the_last_of_37100_rows(tmp_path: Path, nc_edges: Path) -> None:
    raw = nc_edges.read_bytes()
    lines = raw.rstrip(b"\n").split(b"\n")
    assert len(lines) == 37100  # the header and 37,099 rows
    lines[-1] = lines[-1].replace(b"PD", "PD\u2019".encode("cp1252"), 1)  # a right quote, byte 0x92
    path = tmp_path / "agency_access20240426.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "e.jsonl"
    res = runner.invoke(app, ["import", "flock-sharing", str(path), "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert "assumed: not UTF-8 (line 37100 has byte 0x92): read as Windows-1252" in res.stderr
    reference = import_flock_sharing(nc_edges)
    assert len(out.read_text(encoding="utf-8").splitlines()) == reference.events_written


def test_a_utf16_unicode_text_export_is_read(tmp_path: Path) -> None:
    text = SHARING.read_text(encoding="utf-8")
    path = tmp_path / "agency_access20250101.txt"
    path.write_bytes(text.replace(",", "\t").encode("utf-16"))  # what "Unicode Text" writes: BOM, tabs
    got, want = import_flock_sharing(path), import_flock_sharing(SHARING)
    assert got.events == want.events and got.skipped_by_reason == want.skipped_by_reason
    assert got.assumptions == ["columns separated by tabs", want.assumptions[0].replace(".csv", ".txt")]


def test_utf16_audit_and_atlas(tmp_path: Path) -> None:
    audit = tmp_path / "audit.csv"
    audit.write_bytes("id,userId,searchDate,cameraCount,reason\na1,u1,2025-06-18 00:02:04,2510,UUV\n"
                      .encode("utf-16"))
    assert import_flock_audit(audit, agency="Eugene OR PD").events_written == 1
    atlas = tmp_path / "atlas.csv"
    atlas.write_bytes("Agency,State,Type of LEA\nVentura County Sheriff's Office,CA,Sheriff\n".encode("utf-16"))
    assert [p.id for p in import_atlas_ring(atlas).parties] == ["agency:ventura-county-sheriff-s-office-ca"]


def test_utf16_csv_is_recognised_not_binary(tmp_path: Path) -> None:
    from importers.sniff import looks_like

    path = tmp_path / "x.csv"
    path.write_bytes(SHARING.read_text(encoding="utf-8").encode("utf-16"))
    assert looks_like(path)[1] == "custodiet import flock-sharing"


def test_an_unreadable_file_of_the_right_kind_never_says_it_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b'{"id": "1", "searchDate": "2025-01-01 00:00:00", "reason": "caf\xe9"}\n')
    res = runner.invoke(app, ["import", "flock-audit", str(path), "--agency", "Eugene OR PD",
                              "-o", str(tmp_path / "e.jsonl")])
    assert res.exit_code == 0, res.output  # one bad byte loses nothing: read, and said how
    assert "assumed: not UTF-8 (line 1 has byte 0xe9): read as Windows-1252" in res.stderr
    assert "not an input of flock-audit" not in res.stderr
