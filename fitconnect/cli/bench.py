"""``fitconnect bench``: the benchmarks of the hot paths (see bench/ and docs/performance.md)."""

from __future__ import annotations

import typer

from fitconnect.cli.bench_analytics import bench_analytics
from fitconnect.cli.bench_gateway import bench_gateway
from fitconnect.cli.bench_ingest import bench_ingest

app = typer.Typer(
    help="Benchmarks of the hot paths; each prints its figure beside a baseline of the same run.",
    no_args_is_help=True,
)
app.command("ingest")(bench_ingest)
app.command("analytics")(bench_analytics)
app.command("gateway")(bench_gateway)
