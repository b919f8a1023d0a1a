"""``fitconnect``: the server-side command line (the composition root of each server process).

Each subcommand's module is imported when that subcommand runs (``fitconnect.cli.lazy``), so
``fitconnect --help`` is quick and works whatever extras are installed.
"""

from __future__ import annotations

import typer

from fitconnect.cli.lazy import HELP_STYLE, Lazy, lazy_group
from fitconnect.errors import FitConnectError

COMMANDS = {
    "up": Lazy(
        "fitconnect.cli.up:up",
        "Start the database, broker, migrations and every server process; Ctrl-C stops all.",
    ),
    "db": Lazy("fitconnect.cli.db:app", "Database migrations."),
    "ingest": Lazy(
        "fitconnect.cli.ingest:app",
        "Run ingest workers (MQTT to PostgreSQL) and manage the dead-letter queue.",
    ),
    "analytics": Lazy("fitconnect.cli.analytics:app", "Workout analytics and gamification."),
    "gateway": Lazy(
        "fitconnect.cli.gateway:gateway",
        "Serve GraphQL at /graphql (GraphiQL in development), REST at /api/v1, /metrics.",
    ),
    "upload": Lazy(
        "fitconnect.cli.upload:upload",
        "Upload FIT, TCX or GPX files to a gateway and wait until each is read.",
    ),
    "broker": Lazy("fitconnect.cli.broker:app", "The MQTT broker's password and ACL files."),
    "sim": Lazy(
        "fitconnect.cli.sim:app",
        "The simulated edge fleet: its athlete, registered devices and agent configuration.",
    ),
    "bench": Lazy(
        "fitconnect.cli.bench:app",
        "Benchmarks of the hot paths; each prints its figure beside a baseline of the same run.",
    ),
    "doctor": Lazy(
        "fitconnect.cli.doctor:doctor",
        "Check the database, the broker and TimescaleDB; say what is wrong and how to fix it.",
    ),
}

app = typer.Typer(
    name="fitconnect",
    cls=lazy_group(COMMANDS),
    no_args_is_help=True,
    **HELP_STYLE,
)


@app.callback()
def fitconnect() -> None:
    """FitConnect server: run the platform, migrate the database, ingest telemetry, compute
    analytics, serve the gateway.

    With no FITCONNECT_DATABASE_URL / FITCONNECT_MQTT_URL it starts an embedded PostgreSQL and
    MQTT broker.
    """


def main() -> None:
    try:
        app()
    except FitConnectError as exc:
        typer.secho(f"fitconnect: {exc}", err=True, fg="red")
        raise SystemExit(2) from exc
