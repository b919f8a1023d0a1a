"""``fitconnect bench commerce``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fitconnect.bench.commerce import run_commerce_bench
from fitconnect.cli.common import load_settings
from fitconnect.platform.db.urls import with_database
from fitconnect.runtime.services import start_services


def bench_commerce(
    skus: Annotated[int, typer.Option(min=1, help="SKUs the reservations spread over.")] = 20,
    reservations: Annotated[int, typer.Option(min=100, help="Reservations timed.")] = 2000,
    concurrency: Annotated[int, typer.Option(min=1, max=50, help="Buyers at once.")] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """A stock reservation against a bare SELECT ... FOR UPDATE; 50 buyers for the last 10."""
    settings = load_settings()
    say = (lambda _m: None) if as_json else typer.echo
    with start_services(settings) as services:
        result = run_commerce_bench(
            with_database(services.database_url, "postgres"),
            say,
            skus=skus,
            reservations=reservations,
            concurrency=concurrency,
        )
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    typer.echo(
        f"reservation          p50 {result.reserve_p50_ms:.2f} ms  p99 {result.reserve_p99_ms:.2f}"
        f" ms  ({result.reservations} by {result.concurrency} buyers at once)\n"
        f"baseline FOR UPDATE  p50 {result.baseline_p50_ms:.2f} ms  p99"
        f" {result.baseline_p99_ms:.2f} ms  (reservation p99 = {result.ratio}x)\n"
        f"race: {result.race_won + result.race_lost} buyers for the last 10 units:"
        f" {result.race_won} won,"
        f" {result.race_lost} refused, {result.race_available_after} available after\n"
        f"load average (1 min) {result.load_average_1m}"
    )
