"""The live view's web server: one page and a small read-only JSON API, on 127.0.0.1 by default.

Standard library only (``http.server.ThreadingHTTPServer``). Only GET and HEAD are answered; every
other method gets 405. Every answer carries a Content-Security-Policy and ``nosniff``; JSON is served
as ``application/json`` with ``<``, ``>`` and ``&`` escaped inside strings, and the page builds its DOM
with ``textContent`` only, so an event field can never become markup. On a loopback address the
``Host`` header must name a loopback host (a DNS-rebinding page cannot read the API).

Routes:
``/`` the page; ``/api/trace?clip=&to=&limit=`` and ``/api/reach?to=&max_hops=`` (exactly the
``custodiet trace``/``reach --json`` documents; both take ``as_of=DATE`` and ``max_wait=DURATION`` as the
commands take ``--as-of`` and ``--max-wait``; ``to`` an id or a name, as ``--to``: a party naming none is 404 with
``candidates``, several 400); ``/api/stats``; ``/api/violations?limit=&rule=``;
``/api/clip?id=``; ``/api/links?to=``; ``/api/search?q=``; ``/api/events`` (server-sent events: a
``stats`` event whenever the state changes, at most every ``push_interval`` seconds, once a second while
rates are still falling back to zero after a stream ended, and a comment every 15 s to keep the connection
open).

Every JSON document keeps its ids and carries ``labels``: the name a reader knows each party and rule by
(``reports.names``), so the page never shows a slug where a name exists; ``groups`` gives camera owners'
group (``camera owners in Aurora, IL``) for drawing them aggregated. ``/api/stats`` also says ``stream``:
``"streaming"``, ``"ended"`` (a replay or followed source finished: rates fall to zero) or ``"idle"``.

>>> from live.state import LiveState
>>> srv = serve(LiveState(), port=0)
>>> srv.url.startswith("http://127.0.0.1:")
True
>>> import urllib.request, json
>>> json.load(urllib.request.urlopen(srv.url + "api/stats"))["events_in"]
0
>>> srv.shutdown()
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from analysis.party_names import PartyNameError
from graph.reach import DEFAULT_MAX_HOPS
from graph.trace import DEFAULT_LIMIT, TraceError
from live.state import LiveState
from reports.names import party_group, party_name, rule_title
from schemas.parties import PartyRegistry
from schemas.when import parse_duration, parse_instant

__all__ = ["serve", "LiveServer", "CSP", "dumps", "MAX_LIMIT", "labelled", "stream_status"]

CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"
#: The most paths ``/api/trace`` lists (the count stays exact whatever the limit).
MAX_LIMIT = 100_000
KEEPALIVE_SECONDS = 15.0


def dumps(doc: Any) -> bytes:
    """JSON with ``<``, ``>`` and ``&`` escaped (they only occur inside strings, so the value is unchanged).

    >>> dumps({"p": "<script>&"})
    b'{"p": "\\\\u003cscript\\\\u003e\\\\u0026"}'
    >>> json.loads(dumps({"p": "<script>&"}))["p"]
    '<script>&'
    """
    text = json.dumps(doc, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


_PARTY_PREFIXES = ("agency:", "resident:", "platform:", "federal:", "public")


def _strings(doc: Any) -> Any:
    if isinstance(doc, str):
        yield doc
    elif isinstance(doc, dict):
        for k, v in doc.items():
            yield k
            yield from _strings(v)
    elif isinstance(doc, (list, tuple)):
        for v in doc:
            yield from _strings(v)


def labelled(doc: dict[str, Any], state: LiveState, names: PartyRegistry | None = None) -> dict[str, Any]:
    """``doc`` with ``labels`` {id: name} for every party and rule id it mentions, and ``groups`` {id: group}
    for camera owners.

    >>> d = labelled({"to": "agency:fbi", "rules": [{"rule": "core.custody-continuity"}]}, LiveState())
    >>> d["labels"]["agency:fbi"], d["labels"]["core.custody-continuity"]
    ('FBI', 'Handed over a clip it did not hold at the time')
    """
    reg = names if names is not None else state.registry
    labels: dict[str, str] = {}
    groups: dict[str, str] = {}
    for s in set(_strings(doc)):
        if s.startswith(_PARTY_PREFIXES):
            labels[s] = party_name(s, reg)
            if reg.kind_of(s) == "resident" or s.startswith("resident:"):
                groups[s] = party_group(s, reg)[1]
        elif "." in s and " " not in s:
            title = rule_title(s)
            if title != s:
                labels[s] = title
    return {**doc, "labels": labels, "groups": groups}


def stream_status(doc: dict[str, Any]) -> str:
    """``streaming`` while a source feeds the state, ``ended`` once it stopped after feeding, else ``idle``.

    >>> stream_status({"feeding": True, "events_in": 0}), stream_status({"feeding": False, "events_in": 9})
    ('streaming', 'ended')
    """
    if doc.get("feeding"):
        return "streaming"
    return "ended" if doc.get("events_in") else "idle"


def _stats(state: LiveState, names: PartyRegistry | None = None, simulated: bool = False) -> dict[str, Any]:
    doc = state.stats()
    return labelled({**doc, "stream": stream_status(doc), "simulated": simulated}, state, names)


def _page() -> bytes:
    return resources.files("live").joinpath("page.html").read_bytes()


class BadRequest(ValueError):
    """A missing or malformed query parameter (400)."""


def _int(params: dict[str, list[str]], name: str, default: int, lo: int, hi: int) -> int:
    raw = params.get(name, [None])[0]
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"parameter {name!r} must be an integer, not {raw!r}") from None
    if not lo <= value <= hi:
        raise BadRequest(f"parameter {name!r} must be between {lo} and {hi}")
    return value


def _str(params: dict[str, list[str]], name: str) -> str:
    raw = params.get(name, [""])[0]
    if not raw:
        raise BadRequest(f"missing parameter {name!r}")
    return raw


def _when(params: dict[str, list[str]]) -> datetime | None:
    """``as_of`` (an ISO date or RFC 3339 time), as ``--as-of`` reads it; None when absent.

    >>> _when({"as_of": ["2025-06-01"]}).isoformat(), _when({})
    ('2025-06-01T23:59:59.999999+00:00', None)
    """
    text = (params.get("as_of") or [""])[0]
    if not text:
        return None
    try:
        return parse_instant(text, "as_of")
    except ValueError as e:
        raise BadRequest(str(e)) from None


def _wait(params: dict[str, list[str]]) -> float | None:
    """``max_wait`` (``30m``, ``12h``, ``7d``), as ``--max-wait`` reads it, in seconds; None when absent."""
    text = (params.get("max_wait") or [""])[0]
    if not text:
        return None
    try:
        d = parse_duration(text, "max_wait")
    except ValueError as e:
        raise BadRequest(str(e)) from None
    return None if d is None else d.total_seconds()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], state: LiveState, push_interval: float,
                 audit: Callable[[dict[str, Any]], None] | None, names: PartyRegistry | None = None,
                 simulated: bool = False) -> None:
        self.state = state
        self.names = names
        self.simulated = simulated
        self.push_interval = push_interval
        self.audit = audit
        self.stopping = threading.Event()
        self.page = _page()
        super().__init__(addr, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "custodiet-live"

    def version_string(self) -> str:
        return self.server_version
    protocol_version = "HTTP/1.1"

    # -- plumbing ------------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the command prints its own lines

    def __getattr__(self, name: str) -> Any:
        # Any method other than GET and HEAD (POST, PUT, DELETE, PATCH, OPTIONS, TRACE, made-up ones): 405.
        if name.startswith("do_"):
            return self._refuse
        raise AttributeError(name)

    def _headers(self, status: int, ctype: str, length: int | None, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self._audit(status)  # recorded before the answer leaves: no answer a client saw is missing from the trail
        self._headers(status, ctype, len(body), extra)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, doc: Any) -> None:
        self._send(status, dumps(doc), "application/json; charset=utf-8")

    def _audit(self, status: int) -> None:
        if self.server.audit is None:
            return
        try:
            self.server.audit({"component": "live", "actor": self.client_address[0], "method": self.command,
                               "path": self.path, "outcome": status})
        except Exception:  # noqa: BLE001 - an audit sink must never take the page down
            pass

    def _refuse(self) -> None:
        self.close_connection = True
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, dumps({"error": f"{self.command} not allowed: read-only"}),
                   "application/json; charset=utf-8", {"Allow": "GET, HEAD", "Connection": "close"})

    def _host_ok(self) -> bool:
        bound = self.server.server_address[0]
        if not _loopback(str(bound)):
            return True  # bound to a public address on purpose: any Host may reach it
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return _loopback(name)

    # -- routes --------------------------------------------------------------------------------------
    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if not self._host_ok():
            self._json(HTTPStatus.FORBIDDEN, {"error": "unexpected Host header"})
            return
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        route = url.path
        state = self.server.state
        try:
            if route in ("/", "/index.html"):
                self._send(HTTPStatus.OK, self.server.page, "text/html; charset=utf-8")
            elif route == "/favicon.ico":
                self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            elif route == "/api/events":
                self._events()
            elif route == "/api/stats":
                self._json(HTTPStatus.OK, _stats(state, self.server.names, self.server.simulated))
            elif route == "/api/trace":
                clip, to = _str(params, "clip"), _str(params, "to")
                limit = _int(params, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
                doc = state.trace(clip, to, limit, as_of=_when(params), max_wait=_wait(params))
                self._json(HTTPStatus.OK, labelled(doc, state, self.server.names))
            elif route == "/api/reach":
                to = _str(params, "to")
                doc = state.reach(to, _int(params, "max_hops", DEFAULT_MAX_HOPS, 1, 6), as_of=_when(params),
                                  max_wait=_wait(params))
                self._json(HTTPStatus.OK, labelled(doc, state, self.server.names))
            elif route == "/api/violations":
                rule = params.get("rule", [None])[0] or None
                doc = state.violations(_int(params, "limit", 100, 0, 5000), rule)
                self._json(HTTPStatus.OK, labelled(doc, state, self.server.names))
            elif route == "/api/clip":
                self._json(HTTPStatus.OK, labelled(state.clip_detail(_str(params, "id")), state, self.server.names))
            elif route == "/api/links":
                to = _str(params, "to")
                max_nodes = _int(params, "max_nodes", 60, 2, 2000)
                doc = state.links_into(to, _int(params, "max_hops", DEFAULT_MAX_HOPS, 1, 6), max_nodes)
                self._json(HTTPStatus.OK, labelled(doc, state, self.server.names))
            elif route == "/api/search":
                self._json(HTTPStatus.OK, labelled(state.search(params.get("q", [""])[0]), state, self.server.names))
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such page: {url.path}"})
        except BadRequest as e:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(e)})
        except TraceError as e:
            self._json(HTTPStatus.NOT_FOUND, {"error": e.args[0] if e.args else str(e)})
        except PartyNameError as e:  # ``to`` names several parties (400) or none (404: the closest as candidates)
            status = HTTPStatus.BAD_REQUEST if e.ambiguous else HTTPStatus.NOT_FOUND
            self._json(status, {"error": str(e), "candidates": e.candidates})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _events(self) -> None:
        """Server-sent events: the stats document whenever the state changes (throttled), keep-alives between."""
        self._headers(HTTPStatus.OK, "text/event-stream; charset=utf-8", None,
                      {"Connection": "close", "X-Accel-Buffering": "no"})
        self.close_connection = True
        self._audit(HTTPStatus.OK)
        if self.command == "HEAD":
            return
        srv = self.server
        state = srv.state
        seen = -1
        last_push = 0.0
        last_write = time.monotonic()
        moving = False  # the last push showed a stream running or rates above zero: push again until still
        self.wfile.write(b"retry: 2000\n\n")
        while not srv.stopping.is_set():
            version = state.wait_for_change(seen, timeout=min(KEEPALIVE_SECONDS, 1.0))
            if srv.stopping.is_set():
                break
            now = time.monotonic()
            if version != seen or (moving and now - last_push >= 1.0):
                wait = last_push + srv.push_interval - now
                if wait > 0:
                    srv.stopping.wait(wait)
                    continue
                doc = _stats(state, srv.names, srv.simulated)
                seen = doc["version"]
                moving = doc["stream"] == "streaming" or bool(doc.get("rate"))
                self.wfile.write(b"event: stats\ndata: " + dumps(doc) + b"\n\n")
                self.wfile.flush()
                last_push = last_write = time.monotonic()
            elif now - last_write >= KEEPALIVE_SECONDS:
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                last_write = now


class LiveServer:
    """A running live-view server: ``url``, ``state``, ``shutdown()``; serves in a daemon thread."""

    def __init__(self, httpd: _Server) -> None:
        self.httpd = httpd
        addr = httpd.server_address
        self.host = addr[0].decode() if isinstance(addr[0], bytes) else str(addr[0])
        self.port = int(addr[1])
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}/"
        self.state = httpd.state
        self.thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                       name="live-server", daemon=True)

    def shutdown(self) -> None:
        """Stop serving, end the event streams and close the socket."""
        self.httpd.stopping.set()
        self.state.notify()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def serve(
    state: LiveState,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    push_interval: float = 0.5,
    audit: Callable[[dict[str, Any]], None] | None = None,
    names: PartyRegistry | None = None,
    simulated: bool = False,
) -> LiveServer:
    """Start serving ``state`` on ``host``:``port`` (0 picks a free port) in a background thread.

    ``audit``, if given, is called with one record per request (component, actor, method, path, outcome).
    ``names``, if given, names parties for people (e.g. a scenario's agencies and places) where the state's
    registry, which the judge uses, knows only ids. ``simulated``: the events are simulated (the page says so
    at the top; ``/api/stats`` carries ``"simulated": true``).
    Raises ``OSError`` when the address cannot be bound.
    """
    family_host = host.strip("[]")
    if ":" in family_host:
        import socket

        class _Server6(_Server):
            address_family = socket.AF_INET6

        httpd: _Server = _Server6((family_host, port), state, push_interval, audit, names, simulated)
    else:
        httpd = _Server((family_host, port), state, push_interval, audit, names, simulated)
    srv = LiveServer(httpd)
    srv.thread.start()
    return srv
