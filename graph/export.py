"""Exports of a custody graph: GraphML and GEXF (for Gephi), W3C PROV-JSON (the ``prov`` package) and
plain JSON (nodes and edges).

Attributes are made writable first: no ``None`` (dropped), times also as ISO 8601 strings (``time``),
lists and dicts as JSON text. Every edge keeps its event id (the edge key, and ``event_id``), its kind
(``transfer``, ``grant``, ``search``) and what that kind carries by the flow model (``carries``, from
``schemas.flow``: only hand-overs are transitive); the graph says what it counts (``basis``: ``judged`` or
``attempts``).

In PROV, parties are agents, each recorded clip is an entity attributed to its owner, and each hand-over
is an activity that used the copy the sender held and generated the recipient's copy
(``clip:<id>@<party>/<event>``), which ``wasDerivedFrom`` the sender's copy: following ``wasDerivedFrom``
back from any copy gives the chain of hand-overs to the owner's original. An access grant or a search
link is an activity associated with both parties (no clip, nothing derived: it carries no copy onward).

>>> import json, tempfile, os
>>> g = CustodyGraph()
>>> g.add_recording("c", "resident:r", 0.0)
>>> g.add_hand_over("t1", "c", "resident:r", "agency:a-pd", 1.0, basis="consent", purpose=None)
>>> g.add_grant("g1", "agency:a-pd", "agency:fbi", 0.0)
>>> d = tempfile.mkdtemp()
>>> [os.path.basename(write_export(g, fmt, os.path.join(d, "g." + fmt))) for fmt in ("graphml", "json")]
['g.graphml', 'g.json']
>>> doc = json.load(open(os.path.join(d, "g.json")))
>>> len(doc["nodes"]), len(doc["edges"]), doc["edges"][0]["time"]
(3, 2, '1970-01-01T00:00:00Z')
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx

from graph.custody import CustodyGraph
from schemas.flow import carries

__all__ = ["FORMATS", "writable_graph", "to_json", "to_prov", "write_export", "ExportError"]

FORMATS = ("graphml", "gexf", "prov", "json")
NS = "https://custodiet.example/ns#"
#: The name a graph of simulated events carries in every export.
SIMULATED_NAME = "custody graph of simulated events (custodiet simulator; not real agency actions)"


class ExportError(ValueError):
    """An unknown export format."""


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(v, (list, tuple, set, dict)):
        return json.dumps(sorted(v) if isinstance(v, set) else v, default=str)
    if isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: _value(v) for k, v in attrs.items() if v is not None}


def writable_graph(g: CustodyGraph, *, simulated: bool = False) -> nx.MultiDiGraph:
    """A copy of the graph whose attributes GraphML and GEXF writers accept. With ``simulated``, the graph says
    so (graph attributes ``simulated`` and ``name``, which GEXF keeps) and so does every node (``simulated``).

    >>> g = CustodyGraph(); g.add_grant("g1", "agency:a", "agency:b", 86400.0, note=None)
    >>> e = writable_graph(g).edges["agency:a", "agency:b", "g1"]
    >>> e["time"], "clip" in e
    ('1970-01-02T00:00:00Z', False)
    """
    w = nx.MultiDiGraph()
    reg = g.registry
    for n, data in g.graph.nodes(data=True):
        attrs = dict(data)
        if reg is not None:
            p = reg.get(n)
            attrs.setdefault("kind", p.kind)
            attrs.setdefault("state", p.state)
            attrs.setdefault("name", p.name)
        attrs["label"] = attrs.get("name") or n
        if simulated:
            attrs["simulated"] = True
        w.add_node(n, **_clean(attrs))
    w.graph["basis"] = g.basis
    if simulated:
        w.graph["simulated"] = True
        w.graph["name"] = SIMULATED_NAME
    if g.as_of is not None:  # built as of a date (graph.asof)
        w.graph["as_of"] = g.as_of.fields()["as_of"]
    for u, v, key, data in g.graph.edges(keys=True, data=True):
        attrs = dict(data, event_id=key)
        attrs.setdefault("kind", "transfer")
        attrs["carries"] = carries(attrs["kind"])
        if isinstance(attrs.get("t"), (int, float)):
            attrs["time"] = _iso(attrs["t"])
        w.add_edge(u, v, key=key, **_clean(attrs))
    return w


def to_json(g: CustodyGraph, *, simulated: bool = False) -> dict[str, Any]:
    """Plain JSON: ``{"directed", "multigraph", "basis", "simulated", "nodes": [{"id", ...}],
    "edges": [{"source", "target", "key", ...}]}`` (edges in time order).

    >>> g = CustodyGraph(); g.add_grant("g1", "agency:a", "agency:b", 0.0)
    >>> to_json(g)["edges"][0]["key"]
    'g1'
    """
    w = writable_graph(g, simulated=simulated)
    return {
        "directed": True,
        "multigraph": True,
        "basis": g.basis,
        "simulated": simulated,
        **({"as_of": w.graph["as_of"]} if "as_of" in w.graph else {}),
        "nodes": [{"id": n, **d} for n, d in sorted(w.nodes(data=True))],
        "edges": [
            {"source": u, "target": v, "key": k, **d}
            for u, v, k, d in sorted(w.edges(keys=True, data=True), key=lambda e: (e[3].get("t", 0), e[2]))
        ],
    }


def _local(text: str) -> str:
    return quote(text.replace(":", "/", 1), safe="-_./")


def to_prov(g: CustodyGraph, *, simulated: bool = False) -> Any:
    """A ``prov.model.ProvDocument``: parties as agents, clips and their copies as entities, hand-overs and
    grants as activities; for simulated data, an entity ``cust:dataset`` says so.

    >>> g = CustodyGraph(); g.add_recording("c", "resident:r", 0.0)
    >>> g.add_hand_over("t1", "c", "resident:r", "agency:a-pd", 1.0)
    >>> g.add_hand_over("t2", "c", "agency:a-pd", "agency:fbi", 2.0)
    >>> from prov.model import ProvActivity
    >>> len(list(to_prov(g).get_records(ProvActivity)))
    2
    """
    from prov.model import ProvDocument

    doc = ProvDocument()
    doc.add_namespace("cust", NS)
    doc.add_namespace("party", NS + "party/")
    doc.add_namespace("clip", NS + "clip/")
    doc.add_namespace("ev", NS + "event/")
    if simulated:
        doc.entity("cust:dataset", {"cust:basis": g.basis, "cust:simulated": True, "prov:label": SIMULATED_NAME})
    agents = {}
    for n, data in g.graph.nodes(data=True):
        attrs = {"cust:party_id": n, **{f"cust:{k}": v for k, v in _clean(dict(data)).items()}}
        agents[n] = doc.agent(f"party:{_local(n)}", attrs)
    held: dict[tuple[str, str], Any] = {}  # (clip, party) -> the entity of the copy that party holds
    unrecorded: dict[str, Any] = {}  # clips handed over but never recorded
    for clip, origin in sorted(g.clips.items()):
        ent = doc.entity(f"clip:{_local(clip)}", {"cust:clip_id": clip, "cust:recorded_at": _iso(origin.t)})
        if origin.owner in agents:
            doc.wasAttributedTo(ent, agents[origin.owner])
        held[(clip, origin.owner)] = ent
    edges = sorted(g.graph.edges(keys=True, data=True), key=lambda e: (e[3].get("t", 0.0), e[2]))
    for u, v, key, data in edges:
        when = datetime.fromtimestamp(data.get("t", 0.0), UTC)
        attrs = {
            "cust:event_id": key,
            "cust:kind": data.get("kind", "transfer"),
            **{f"cust:{k}": data[k] for k in ("basis", "purpose", "verdict", "system") if data.get(k)},
        }
        act = doc.activity(f"ev:{_local(key)}", when, when, attrs)
        doc.wasAssociatedWith(act, agents[u], other_attributes={"prov:role": "cust:sender"})
        doc.wasAssociatedWith(act, agents[v], other_attributes={"prov:role": "cust:recipient"})
        clip = data.get("clip")
        if clip is None:
            continue
        src = held.get((clip, u))
        if src is None:  # sender never received it in this graph: start from the clip itself
            if clip not in unrecorded:
                unrecorded[clip] = doc.entity(f"clip:{_local(clip)}", {"cust:clip_id": clip})
            src = unrecorded[clip]
        doc.used(act, src, when)
        copy = doc.entity(
            f"clip:{_local(clip)}@{_local(v)}/{_local(key)}", {"cust:clip_id": clip, "cust:holder": v}
        )
        doc.wasGeneratedBy(copy, act, when)
        doc.wasDerivedFrom(copy, src, act)
        doc.wasAttributedTo(copy, agents[v])
        held.setdefault((clip, v), copy)
    return doc


def write_export(g: CustodyGraph, fmt: str, path: str | Path, *, simulated: bool = False) -> Path:
    """Write the graph as ``graphml``, ``gexf``, ``prov`` (PROV-JSON) or ``json``; returns the path. With
    ``simulated``, the file says its data is simulated (a graph attribute, and one on every node)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})")
    path = Path(path)
    if fmt == "graphml":
        nx.write_graphml(writable_graph(g, simulated=simulated), path)
    elif fmt == "gexf":
        nx.write_gexf(writable_graph(g, simulated=simulated), path)
    elif fmt == "prov":
        path.write_text(to_prov(g, simulated=simulated).serialize(format="json", indent=1), encoding="utf-8")
    else:
        path.write_text(json.dumps(to_json(g, simulated=simulated), ensure_ascii=False, indent=1), encoding="utf-8")
    return path
