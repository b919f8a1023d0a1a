"""``fitconnect bench``: the benchmarks of the hot paths (see bench/ and docs/performance.md)."""

from __future__ import annotations

import typer

from fitconnect.cli.lazy import HELP_STYLE, Lazy, lazy_group

COMMANDS = {
    "ingest": Lazy(
        "fitconnect.cli.bench_ingest:bench_ingest",
        "Ingest's drain rate and CPU per sample, and its end-to-end rate and lag, against the"
        " COPY ceiling of the same database, measured in one run.",
    ),
    "analytics": Lazy(
        "fitconnect.cli.bench_analytics:bench_analytics",
        "Full and incremental analytics recompute against a plain-Python baseline.",
    ),
    "gateway": Lazy(
        "fitconnect.cli.bench_gateway:bench_gateway",
        "Dashboard query and login latency under HTTP load on loopback, the CPU per request"
        " of the gateway, PostgreSQL and the load generator, and the rate the gateway serves.",
        extra="server,bench",
    ),
    "social": Lazy(
        "fitconnect.cli.bench_social:bench_social",
        "One feed page (fan-out on read) against the same page fanned out on write.",
    ),
    "commerce": Lazy(
        "fitconnect.cli.bench_commerce:bench_commerce",
        "A stock reservation against a bare SELECT ... FOR UPDATE; 50 buyers for the last 10.",
    ),
}

app = typer.Typer(cls=lazy_group(COMMANDS), no_args_is_help=True, **HELP_STYLE)


@app.callback()
def bench() -> None:
    """Benchmarks of the hot paths; each prints its figure beside a baseline of the same run."""
