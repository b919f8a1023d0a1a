"""``fitconnect bench ingest``."""

from __future__ import annotations

from fitconnect.cli.common import not_built_yet


def bench_ingest() -> None:
    """End-to-end ingest throughput against the raw COPY ceiling of the same database."""
    raise not_built_yet("the ingest benchmark", 4)
