"""``fitconnect ingest``: MQTT telemetry into PostgreSQL."""

from __future__ import annotations

from typing import Annotated

import typer

from fitconnect.cli.common import not_built_yet

app = typer.Typer(
    help="Run ingest workers (MQTT to PostgreSQL) and manage the dead-letter queue.",
    invoke_without_command=True,
)


@app.callback()
def ingest(
    ctx: typer.Context,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes to run.")] = 1,
) -> None:
    """Consume telemetry from the broker and write it to the database."""
    if ctx.invoked_subcommand is None:
        raise not_built_yet(f"ingest with {workers} worker(s)", 4)
