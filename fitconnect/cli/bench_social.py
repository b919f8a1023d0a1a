"""``fitconnect bench social``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fitconnect.bench.social import run_social_bench
from fitconnect.cli.common import load_settings
from fitconnect.platform.db.urls import with_database
from fitconnect.runtime.services import start_services


def bench_social(
    athletes: Annotated[int, typer.Option(min=2, help="Athletes of the tenant.")] = 1000,
    follows: Annotated[int, typer.Option(min=1, help="Athletes each one follows.")] = 200,
    per_athlete: Annotated[int, typer.Option(min=1, help="Activities of each athlete.")] = 30,
    pages: Annotated[int, typer.Option(min=10, help="Feed pages timed.")] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """One feed page (fan-out on read) against the same page fanned out on write."""
    settings = load_settings()
    say = (lambda _m: None) if as_json else typer.echo
    with start_services(settings) as services:
        result = run_social_bench(
            with_database(services.database_url, "postgres"),
            say,
            athletes=athletes,
            follows=min(follows, athletes - 1),
            per_athlete=per_athlete,
            pages=pages,
        )
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    typer.echo(
        f"feed (fan-out on read)   p50 {result.feed_p50_ms:.2f} ms  p99 {result.feed_p99_ms:.2f} ms"
        f"  ({result.activities} activities, {result.athletes} athletes x {result.follows})\n"
        f"baseline (fan-out on write) p50 {result.fanout_write_p50_ms:.2f} ms"
        f"  p99 {result.fanout_write_p99_ms:.2f} ms  (read p99 = {result.read_over_write}x)"
    )
