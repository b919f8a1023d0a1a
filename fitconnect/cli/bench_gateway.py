"""``fitconnect bench gateway``."""

from __future__ import annotations

from fitconnect.cli.common import not_built_yet


def bench_gateway() -> None:
    """Dashboard query and login latency under HTTP load on loopback."""
    raise not_built_yet("the gateway benchmark", 6)
