"""The report folder: index.html that opens from disk, pictures as PNG and SVG, exports, credits, escaping."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli import app
from reports.render import CREDITS
from tests.conftest import ev, rec, ts, write_log, xfer

EVIL = "<script>alert(1)</script>"


def grant(eid: str, grantor: str, grantee: str) -> dict:
    return ev(
        "access_grant",
        eid,
        ts(1),
        grantor=grantor,
        grantee=grantee,
        system="flock",
        scope="alpr-search",
        source="flock-sharing-nc-2024",
    )


EVENTS = [
    grant("g1", "agency:el-cajon-ca-pd", "agency:reno-nv-pd"),
    grant("g2", "agency:el-cajon-ca-pd", "agency:fbi"),
    grant("g3", f"agency:{EVIL}", "agency:fbi"),
    grant("g4", "agency:reno-nv-pd", "agency:fbi"),
    rec("r1", "c1", "resident:r-1", ts(1)),
    xfer("t1", "c1", "resident:r-1", "agency:el-cajon-ca-pd", ts(2), basis="consent"),
    xfer("t2", "c1", "agency:el-cajon-ca-pd", "agency:fbi", ts(3), purpose=EVIL),
]


def test_report_folder(tmp_path: Path):
    log = write_log(tmp_path / "e.jsonl", EVENTS)
    out = tmp_path / "report"
    res = CliRunner().invoke(
        app,
        [
            "report",
            str(log),
            "--to",
            "agency:fbi",
            "--rules",
            "ca-sb34",
            "-o",
            str(out),
            "--title",
            f"Reach {EVIL}",
            "--credit",
            "Simulated clips: custodiet",
        ],
    )
    assert res.exit_code == 0, res.output
    page = (out / "index.html").read_text(encoding="utf-8")
    for stem in ("paths", "flows", "violations"):
        assert (out / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
        assert b"<svg" in (out / f"{stem}.svg").read_bytes()[:500]
        assert f'src="{stem}.png"' in page
    for name in ("graph.graphml", "graph.gexf", "prov.json", "graph.json"):
        assert (out / name).stat().st_size > 0 and f'href="{name}"' in page
    # opens from disk: nothing fetched from the network, every link relative
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    assert "<link" not in page and "<style>" in page
    # credits: the shared data's line and the user's
    assert CREDITS["flock-sharing"].replace("&", "&amp;") in page and "Simulated clips: custodiet" in page
    assert "The News &amp; Observer" in page
    # every event-supplied string escaped: the injected script appears only as text
    assert "<script" not in page.lower()
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # title, party, purpose
    assert "ca-sb34.public-agencies-only" in page


def test_report_bad_arguments(tmp_path: Path):
    log = write_log(tmp_path / "e.jsonl", EVENTS)
    (tmp_path / "file").write_text("x")
    for bad in (
        ["--to", "agency:nobody", "-o", str(tmp_path / "r")],
        ["--to", "agency:fbi", "-o", str(tmp_path / "file")],
        ["--to", "agency:fbi", "-o", str(tmp_path / "r"), "--rules", "no-such-set"],
    ):
        res = CliRunner().invoke(app, ["report", str(log), *bad])
        assert res.exit_code == 2, bad
        assert "Traceback" not in res.output
