"""``fitconnect bench gateway``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fitconnect.bench.gateway import run_gateway_bench
from fitconnect.cli.common import load_settings
from fitconnect.platform.db.urls import with_database
from fitconnect.runtime.services import start_services


def bench_gateway(
    rps: Annotated[int, typer.Option(min=1, help="Dashboard requests per second offered.")] = 200,
    seconds: Annotated[float, typer.Option(min=1, help="How long the load runs.")] = 15,
    workers: Annotated[int, typer.Option(min=1, help="Gateway processes (one per core).")] = 2,
    ceiling: Annotated[
        bool,
        typer.Option(
            help="Afterwards, step the rate up by 50 req/s until the dashboard's p99 reaches"
            " 100 ms, and print the last rate under it."
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Dashboard query and login latency under HTTP load on loopback, the CPU per request
    of the gateway, PostgreSQL and the load generator, and the rate the gateway serves."""
    settings = load_settings()
    say = (lambda _m: None) if as_json else typer.echo
    with start_services(settings) as services:
        result = run_gateway_bench(
            with_database(services.database_url, "postgres"), rps, seconds, workers, say, ceiling
        )
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    typer.echo(
        f"dashboard  p50 {result.dashboard_p50_ms:.1f} ms  p99 {result.dashboard_p99_ms:.1f} ms"
        f"  {result.dashboard_rps:.0f} req/s ({result.dashboard_errors} errors)\n"
        f"baseline   p50 {result.healthz_p50_ms:.1f} ms  p99 {result.healthz_p99_ms:.1f} ms"
        f"  (/healthz, same load; dashboard p99 = {result.dashboard_p99_over_healthz}x)\n"
        f"login      p50 {result.login_p50_ms:.1f} ms  p99 {result.login_p99_ms:.1f} ms\n"
        f"CPU/req    gateway {result.gateway_cpu_ms_per_request:.2f} ms  PostgreSQL"
        f" {result.postgres_cpu_ms_per_request:.2f} ms  generator"
        f" {result.generator_cpu_ms_per_request:.2f} ms  ({result.capacity_used:.0%} of the"
        " machine's cores)\n"
        f"ceiling    {result.ceiling_rps or 'below 50'} req/s at p99 < 100 ms"
    )
