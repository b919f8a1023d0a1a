"""``fitconnect bench ingest``."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from fitconnect.bench.ingest import IngestBenchConfig, run_ingest_bench
from fitconnect.cli.common import load_settings
from fitconnect.platform.db.urls import with_database
from fitconnect.runtime.services import start_services


def bench_ingest(
    devices: Annotated[int, typer.Option(min=1, help="Simulated devices.")] = 1000,
    seconds: Annotated[float, typer.Option(min=1, help="How long the devices publish.")] = 30,
    workers: Annotated[int, typer.Option(min=1, help="Ingest worker processes.")] = 1,
    rate: Annotated[
        int, typer.Option(min=0, help="Offered samples/s (0: as fast as publishers go).")
    ] = 0,
    samples_per_message: Annotated[
        int,
        typer.Option(
            min=1,
            max=10_000,
            help="Samples in one MQTT message (an agent flushing every second at 1 Hz sends 1).",
        ),
    ] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Ingest's drain rate and CPU per sample, and its end-to-end rate and lag, against the
    COPY ceiling of the same database, measured in one run."""
    settings = load_settings()
    cfg = IngestBenchConfig(
        devices=devices,
        seconds=seconds,
        workers=workers,
        rate=rate,
        samples_per_message=samples_per_message,
    )
    say = (lambda _m: None) if as_json else typer.echo
    with start_services(settings) as services, tempfile.TemporaryDirectory() as tmp:
        server = with_database(services.database_url, "postgres")
        result = run_ingest_bench(server, cfg, Path(tmp), say)
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    typer.echo(
        f"drain        {result.drain_samples_per_s:>12,.0f} samples/s  "
        f"({result.drain_samples:,} samples queued in the broker, {workers} worker(s); "
        f"ratio to COPY {result.drain_ratio:.2f})\n"
        f"CPU/sample   worker {result.worker_cpu_us_per_sample:.2f} µs   "
        f"PostgreSQL {result.postgres_cpu_us_per_sample:.2f} µs   "
        f"broker {result.broker_cpu_us_per_sample:.2f} µs   ({result.backend})\n"
        f"end to end   {result.samples_per_s:>12,.0f} samples/s  ({result.samples:,} samples, "
        f"{workers} worker(s), {devices} devices)\n"
        f"lag          p50 {result.p50_lag_s:.3f} s   p99 {result.p99_lag_s:.3f} s\n"
        f"COPY ceiling {result.copy_ceiling_rows_per_s:>12,.0f} rows/s   "
        f"ratio {result.ratio_to_copy:.2f}\n"
        f"naive INSERT {result.naive_insert_samples_per_s:>12,.0f} samples/s   "
        f"ingest is {result.ratio_to_naive:.0f}x faster"
    )
