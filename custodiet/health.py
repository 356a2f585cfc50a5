"""Health check of a custodiet web endpoint (``docker-compose.yml``), and a wait for one (the README).

``python -m custodiet.health URL --expect KEY`` exits 0 when URL answers with a JSON object that has
KEY (``--expect KEY=VALUE``: whose KEY is VALUE, read as JSON when it parses, so a walkthrough waits for the
answer it shows, not the first answer), whatever the status below 500 (the tracer's ``/reach/`` answers
404 for a party it has not seen, and that is a healthy answer: the view ran and said which partitions it
owns). Anything else exits 1 with one line saying what was wrong: nothing listening, a time-out, a server
error, a body that is not the view's. A ``kafka://HOST:PORT`` URL asks only whether the broker accepts a
connection. ``--wait SECONDS`` asks again until the answer is healthy or the time is up.

>>> probe("http://127.0.0.1:1/", "status")
(False, 'http://127.0.0.1:1/: no answer (Connection refused)')
>>> probe("kafka://127.0.0.1:1", "status")
(False, 'kafka://127.0.0.1:1: no answer (Connection refused)')
>>> answers({"clip_count": 0}, "clip_count"), answers({"clip_count": 0}, "clip_count=3")
(True, False)
>>> answers({"clip_count": 3}, "clip_count=3"), answers({"to": "agency:fbi"}, "to=agency:fbi")
(True, True)
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["probe", "answers", "main"]


def answers(doc: object, expect: str) -> bool:
    """Whether ``doc`` is a JSON object with key ``expect``, or, for ``KEY=VALUE``, whose KEY is VALUE."""
    key, eq, want = expect.partition("=")
    if not isinstance(doc, dict) or key not in doc:
        return False
    if not eq:
        return True
    try:
        value = json.loads(want)
    except ValueError:
        value = want
    return bool(doc[key] == value)


def probe(url: str, expect: str, timeout: float = 5.0) -> tuple[bool, str]:
    """``(healthy, what was seen)`` for one GET of ``url``: healthy when the body is a JSON object with key
    ``expect`` and the status is below 500; for ``kafka://HOST:PORT``, when the port accepts a connection."""
    if url.startswith("kafka://"):
        where = urllib.parse.urlsplit(url)
        try:
            with socket.create_connection((where.hostname or "127.0.0.1", where.port or 9092), timeout=timeout):
                return True, f"{url}: accepts connections"
        except OSError as e:
            return False, f"{url}: no answer ({e.strerror or e})"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            status, body = r.status, r.read(1 << 20)
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read(1 << 20)
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        reason = getattr(reason, "strerror", None) or str(reason)
        return False, f"{url}: no answer ({reason})"
    if status >= 500:
        return False, f"{url}: server error {status}"
    try:
        doc = json.loads(body)
    except ValueError:
        return False, f"{url}: status {status}, not a JSON answer"
    key = expect.partition("=")[0]
    if not isinstance(doc, dict) or key not in doc:
        return False, f"{url}: status {status}, the answer has no {key!r}"
    seen = f"{url}: status {status}, {key}={json.dumps(doc[key])[:80]}"
    if not answers(doc, expect):
        return False, f"{seen}, waiting for {expect}"
    return True, seen


def main(argv: list[str] | None = None) -> int:
    """The command line: exit 0 healthy, 1 not (one line on stderr)."""
    parser = argparse.ArgumentParser(prog="python -m custodiet.health", description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--expect", default="status", help="a key the JSON answer must have (KEY), or have with "
                        "this value (KEY=VALUE)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds for one answer")
    parser.add_argument("--wait", type=float, default=0.0, help="ask again until healthy, for up to this many "
                        "seconds")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.wait
    while True:
        ok, said = probe(args.url, args.expect, args.timeout)
        if ok or time.monotonic() >= deadline:
            break
        time.sleep(0.2)  # a pause between questions, not a guess at readiness: the loop ends on an answer
    print(said, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
