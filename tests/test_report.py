"""The report folder: index.html that opens from disk, pictures as PNG and SVG, exports, credits, escaping."""

from __future__ import annotations

import csv
import json
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
    for stem in ("into-fbi", "violations"):
        assert (out / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
        assert b"<svg" in (out / f"{stem}.svg").read_bytes()[:500]
        assert f'src="{stem}.png"' in page
    for name in ("graph.graphml.gz", "graph.gexf.gz", "prov.json.gz", "graph.json.gz"):
        assert (out / name).read_bytes()[:2] == b"\x1f\x8b" and f'href="{name}"' in page
    # opens from disk: nothing fetched from the network, every link relative
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    assert "<link" not in page and "<style>" in page
    # credits: the shared data's line and the user's
    assert CREDITS["flock-sharing-nc-2024"].replace("&", "&amp;") in page and "Simulated clips: custodiet" in page
    assert "The News &amp; Observer" in page
    # every event-supplied string escaped: the injected script appears only as text
    assert "<script" not in page.lower()
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # title, party, purpose
    assert "ca-sb34.public-agencies-only" in page  # the id, in its own column
    assert "California plate data shared out of state or with a federal agency" in page  # the rule's title
    # people by name, not id, outside the id columns
    assert "El Cajon CA PD" in page
    # story order: headline, method (what is counted, credits), pictures, tables
    order = [page.index(s) for s in ('class="headline"', "<h2>Method", "What is counted", "<h2>Pictures",
                                     "<h2>Tables")]
    assert order == sorted(order)
    # not simulated: no banner
    assert "Simulated." not in page


def test_report_limits_rows_and_writes_csv(tmp_path: Path):
    events = [grant(f"g{i}", f"agency:town-{i:02d}-tx-pd", "agency:fbi") for i in range(40)]
    log = write_log(tmp_path / "e.jsonl", events)
    out = tmp_path / "report"
    res = CliRunner().invoke(app, ["report", str(log), "--to", "agency:fbi", "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["report"] == str(out / "index.html") and "index.html" in doc["files"]
    assert doc["bytes"] == sum(p.stat().st_size for p in out.iterdir())
    page = (out / "index.html").read_text(encoding="utf-8")
    with (out / "grants-fbi.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + 40
    assert page.count("town-") < 2 * 40  # the page shows the first rows only
    assert "showing the first 25 of 40 rows" in page
    # real data without clips: the headline says what the data holds, not "0 clips"
    assert "40 agencies in 1 state gave FBI access" in page
    assert "0 clips" not in page


def test_simulated_report_says_so_at_the_top(tmp_path: Path):
    events = [dict(e, source="sim:ring") for e in EVENTS if e["type"] != "access_grant"]
    log = write_log(tmp_path / "e.jsonl", events)
    out = tmp_path / "report"
    res = CliRunner().invoke(app, ["report", str(log), "--to", "agency:fbi", "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.index("Simulated.") < page.index('class="headline"')
    assert "Simulated run" in page
    assert "The News &amp; Observer" not in page  # no credit for data the report did not use


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


def test_report_on_the_real_sharing_network(shared_data: Path, tmp_path: Path):
    """The FBI report on the NC 2024 sharing network: under 10 MB, names not slugs, a headline about the
    grants the data holds (no clips in it), and the 30 direct grantors in the table's CSV."""
    log, reg = tmp_path / "nc.jsonl", tmp_path / "nc-registry.json"
    csv_path = shared_data / "flock-sharing-nc-2024" / "agency_access20240426.csv"
    res = CliRunner().invoke(app, ["import", "flock-sharing", str(csv_path), "-o", str(log), "--registry", str(reg)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "fbi"
    res = CliRunner().invoke(app, ["report", str(log), "--to", "agency:fbi", "--rules", "ca-sb34", "--registry",
                                   str(reg), "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["bytes"] < 10_000_000
    page = (out / "index.html").read_text(encoding="utf-8")
    headline = page[page.index('class="headline"'):page.index("<h2>Method")]
    assert "30 agencies in" in headline and "gave FBI access" in headline and "clip" not in headline
    with (out / "grants-fbi.csv").open(encoding="utf-8") as f:
        assert len(list(csv.reader(f))) == 1 + 30
    # credits only for the data used: the sharing network, not the Ring or Eugene data
    assert "The News &amp; Observer" in page and "EyesOff" not in page and "Atlas of Surveillance" not in page
