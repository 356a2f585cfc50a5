"""Settings of a custodiet streaming worker, from arguments or the environment.

``BROKER_URL`` (Faust's own variable, which beats any setting) or ``CUSTODIET_BROKER`` name the broker;
``CUSTODIET_TOPIC_PREFIX``, ``CUSTODIET_PARTITIONS``, ``CUSTODIET_RULES`` (comma-separated),
``CUSTODIET_APP_ID``, ``CUSTODIET_WEB_PORT``, ``CUSTODIET_WEB_HOST``, ``CUSTODIET_DATA_DIR``,
``CUSTODIET_MAX_LATENESS`` (how long a judge waits for late events: ``7d``, ``12h``, ``none``) the rest.

>>> cfg = StreamConfig.from_env({"CUSTODIET_BROKER": "kafka://127.0.0.1:9999", "CUSTODIET_RULES": "core,ca-sb34"})
>>> cfg.bootstrap, cfg.rules, cfg.layout.name("verdicts")
('127.0.0.1:9999', ['core', 'ca-sb34'], 'custodiet.verdicts')
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from streams.broker import broker_url_to_bootstrap
from streams.topics import TopicLayout

__all__ = ["StreamConfig"]


@dataclass(frozen=True)
class StreamConfig:
    """Everything a worker needs to know."""

    bootstrap: str = "127.0.0.1:9092"
    layout: TopicLayout = field(default_factory=TopicLayout)
    rules: list[str] | None = None
    app_id: str = "custodiet"
    web_port: int = 6066
    web_host: str = "127.0.0.1"
    data_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="custodiet-worker-"))
    registry_path: str | None = None
    max_event_bytes: int = 1_000_000
    max_lateness: str = "7d"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StreamConfig:
        """Read the settings from environment variables (see the module docstring)."""
        e = os.environ if env is None else env
        url = e.get("BROKER_URL") or e.get("CUSTODIET_BROKER") or "kafka://127.0.0.1:9092"
        rules = [r for r in e.get("CUSTODIET_RULES", "").split(",") if r.strip()] or None
        layout = TopicLayout(prefix=e.get("CUSTODIET_TOPIC_PREFIX", "custodiet."),
                             partitions=int(e.get("CUSTODIET_PARTITIONS", "4")))
        kw = {}
        if e.get("CUSTODIET_DATA_DIR"):
            kw["data_dir"] = e["CUSTODIET_DATA_DIR"]
        return cls(
            bootstrap=broker_url_to_bootstrap(url), layout=layout, rules=rules,
            app_id=e.get("CUSTODIET_APP_ID", "custodiet"), web_port=int(e.get("CUSTODIET_WEB_PORT", "6066")),
            web_host=e.get("CUSTODIET_WEB_HOST", "127.0.0.1"), registry_path=e.get("CUSTODIET_REGISTRY") or None,
            max_event_bytes=int(e.get("CUSTODIET_MAX_EVENT_BYTES", "1000000")),
            max_lateness=e.get("CUSTODIET_MAX_LATENESS", "7d"), **kw,
        )

    def to_env(self) -> dict[str, str]:
        """The environment that makes a worker process read these settings back."""
        env = {
            "CUSTODIET_BROKER": f"kafka://{self.bootstrap}", "CUSTODIET_TOPIC_PREFIX": self.layout.prefix,
            "CUSTODIET_PARTITIONS": str(self.layout.partitions), "CUSTODIET_RULES": ",".join(self.rules or []),
            "CUSTODIET_APP_ID": self.app_id, "CUSTODIET_WEB_PORT": str(self.web_port),
            "CUSTODIET_WEB_HOST": self.web_host, "CUSTODIET_DATA_DIR": self.data_dir,
            "CUSTODIET_MAX_EVENT_BYTES": str(self.max_event_bytes), "CUSTODIET_MAX_LATENESS": self.max_lateness,
        }
        if self.registry_path:
            env["CUSTODIET_REGISTRY"] = self.registry_path
        return env
