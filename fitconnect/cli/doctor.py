"""``fitconnect doctor``: which database and broker this machine would use, and do they work."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import psycopg
import typer

from fitconnect.cli.common import load_settings
from fitconnect.platform.db import current_revision, timescale_status
from fitconnect.platform.db.urls import redacted
from fitconnect.runtime.errors import StartupError
from fitconnect.runtime.ports import is_listening
from fitconnect.runtime.services import embedded_pgdata, running_broker_url, start_services

# What the edge publisher and the server's MQTT clients understand.
MQTT_SCHEMES = ("mqtt", "mqtts")


def _ok(text: str) -> None:
    typer.secho(f"  ok    {text}", fg="green")


def _bad(text: str) -> None:
    typer.secho(f"  FAIL  {text}", fg="red")


def doctor() -> None:
    """Check the database, the broker and TimescaleDB; say what is wrong and how to fix it."""
    settings = load_settings()
    problems = 0
    typer.echo(f"environment: {settings.environment}   data: {settings.data_dir}")

    typer.echo("database:")
    if settings.database_url:
        typer.echo(f"  using FITCONNECT_DATABASE_URL = {redacted(settings.database_url)}")
    else:
        pgdata = embedded_pgdata(settings)
        typer.echo(f"  no FITCONNECT_DATABASE_URL: embedded PostgreSQL in {pgdata}")
    try:
        with (
            start_services(settings) as services,
            psycopg.connect(services.database_url, connect_timeout=5) as conn,
        ):
            version = conn.execute("SHOW server_version").fetchone()
            _ok(f"connected: PostgreSQL {version[0] if version else '?'}")
            typer.echo(f"  {timescale_status(conn).describe()}")
            revision = current_revision(services.database_url)
            if revision is None:
                _bad("no migration applied: run `fitconnect db upgrade`")
                problems += 1
            else:
                _ok(f"schema at revision {revision}")
    except (psycopg.Error, OSError, StartupError) as exc:
        _bad(f"cannot reach the database: {exc}".strip())
        problems += 1

    typer.echo("broker:")
    mqtt_url = settings.mqtt_url or running_broker_url(settings)
    if mqtt_url is None:
        binary = shutil.which("mosquitto")
        kind = f"Mosquitto ({binary})" if binary else "amqtt (pure Python, MQTT 3.1.1)"
        typer.echo(f"  no FITCONNECT_MQTT_URL and no running `fitconnect up`: would embed {kind}")
    elif (scheme := urlsplit(mqtt_url).scheme) not in MQTT_SCHEMES:
        _bad(
            f"FITCONNECT_MQTT_URL={redacted(mqtt_url)}: the scheme {scheme or '(none)'}:// is not"
            " MQTT: write mqtt://user:password@host:1883 (mqtts:// for TLS)"
        )
        problems += 1
    else:
        parts = urlsplit(mqtt_url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 1883
        if is_listening(host, port, timeout_s=2.0):
            _ok(f"{host}:{port} accepts connections")
        else:
            _bad(f"nothing listens on {host}:{port} (FITCONNECT_MQTT_URL={redacted(mqtt_url)})")
            problems += 1

    if problems:
        typer.secho(f"{problems} problem(s) found", fg="red", err=True)
        raise typer.Exit(1)
    typer.secho("all good", fg="green")
