"""``fitconnect``: the server-side command line (the composition root of each server process)."""

from __future__ import annotations

import typer

from fitconnect.cli import analytics, bench, db, doctor, gateway, ingest, up
from fitconnect.errors import FitConnectError

app = typer.Typer(
    name="fitconnect",
    help=(
        "FitConnect server: run the platform, migrate the database, ingest telemetry, "
        "compute analytics, serve the gateway.\n\n"
        "With no FITCONNECT_DATABASE_URL / FITCONNECT_MQTT_URL it starts an embedded "
        "PostgreSQL and MQTT broker."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("up")(up.up)
app.add_typer(db.app, name="db")
app.add_typer(ingest.app, name="ingest")
app.add_typer(analytics.app, name="analytics")
app.command("gateway")(gateway.gateway)
app.add_typer(bench.app, name="bench")
app.command("doctor")(doctor.doctor)


def main() -> None:
    try:
        app()
    except FitConnectError as exc:
        typer.secho(f"fitconnect: {exc}", err=True, fg="red")
        raise SystemExit(2) from exc
