"""``fitconnect bench``: the benchmarks of the hot paths (see bench/ and docs/performance.md)."""

from __future__ import annotations

import typer

from fitconnect.cli.common import not_built_yet

app = typer.Typer(
    help="Benchmarks of the hot paths; each prints its figure beside a baseline of the same run.",
    no_args_is_help=True,
)


@app.command("ingest")
def ingest_bench() -> None:
    """End-to-end ingest throughput against the raw COPY ceiling."""
    raise not_built_yet("the ingest benchmark", 4)


@app.command("analytics")
def analytics_bench() -> None:
    """Full and incremental analytics recompute against a plain-Python baseline."""
    raise not_built_yet("the analytics benchmark", 5)


@app.command("gateway")
def gateway_bench() -> None:
    """Dashboard query and login latency under HTTP load."""
    raise not_built_yet("the gateway benchmark", 6)
