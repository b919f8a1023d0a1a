"""``fitconnect bench analytics``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fitconnect.bench.analytics import AnalyticsBenchResult, run_analytics_bench
from fitconnect.bench.analytics_db import run_database_bench
from fitconnect.cli.common import load_settings
from fitconnect.platform.db.urls import with_database
from fitconnect.runtime.services import start_services


def _print(result: AnalyticsBenchResult, hours: float) -> None:
    typer.echo(
        f"samples          {result.samples:>12,}  ({result.athletes} athletes x {hours:g} h)\n"
        f"full recompute   {result.full_recompute_s:>12.3f} s  "
        f"({result.sessions_per_s:,.0f} sessions/s)\n"
        f"one new session  {result.incremental_s:>12.3f} s\n"
        f"plain Python     {result.baseline_s:>12.3f} s  (session metrics; timed on "
        f"{result.baseline_measured_samples:,} samples, scaled)\n"
        f"speed-up         {result.baseline_s / max(result.full_recompute_s, 1e-9):>12.1f}x"
    )


def bench_analytics(
    athletes: Annotated[
        int,
        typer.Option(min=1, help="Athletes, one ride each from 2-3 devices (400: 3.6 M samples)."),
    ] = 400,
    hours: Annotated[float, typer.Option(min=0.01, help="Length of each ride (1 Hz).")] = 1.0,
    database: Annotated[
        bool,
        typer.Option(
            "--database", help="Also time the job end to end on a scratch PostgreSQL database."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Full and incremental analytics recompute against a plain-Python baseline."""
    result = run_analytics_bench(athletes, hours)
    figures = result.as_dict()
    if database:
        settings = load_settings()
        with start_services(settings) as services:
            server = with_database(services.database_url, "postgres")
            db = run_database_bench(server, athletes, hours)
        figures["database"] = db.as_dict()
    if as_json:
        typer.echo(json.dumps(figures))
        return
    _print(result, hours)
    if database:
        typer.echo(
            f"PostgreSQL (run_once, {db.samples:,} samples loaded in {db.load_s:.1f} s):\n"
            f"  full recompute {db.full_recompute_s:>10.3f} s"
            f"  (CPU {db.full_recompute_cpu_s:.2f} s)\n"
            f"  one new session{db.incremental_s:>10.3f} s  (CPU {db.incremental_cpu_s:.2f} s;"
            f" median of {', '.join(f'{r:.3f}' for r in db.incremental_runs_s)};"
            f" {db.incremental_ratio:.1%} of the full recompute)\n"
            f"  nothing new    {db.nothing_new_s:>10.3f} s\n"
            f"  load average   {' '.join(f'{x:.2f}' for x in db.load_average)}"
            " (1/5/15 min before, after)"
        )
