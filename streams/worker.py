"""A custodiet streaming worker process: ``python -m streams.worker worker -l warn --web-port 6067``.

Settings come from the environment (``streams.config.StreamConfig.from_env``).
"""

from __future__ import annotations

from streams.app import create_app
from streams.config import StreamConfig

app = create_app(StreamConfig.from_env())


def main() -> None:
    """Hand over to Faust's worker command line."""
    app.main()


if __name__ == "__main__":
    main()
