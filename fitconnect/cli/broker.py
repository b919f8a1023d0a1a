"""``fitconnect broker``: the broker's files for a deployment (docker-compose runs it first)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitconnect.cli.lazy import HELP_STYLE
from fitconnect.runtime import broker_users

app = typer.Typer(
    help="The MQTT broker's password and ACL files.", no_args_is_help=True, **HELP_STYLE
)


@app.callback()
def broker() -> None:
    """The MQTT broker's password and ACL files."""


@app.command("init")
def init_command(
    auth_dir: Annotated[
        Path, typer.Argument(help="The folder Mosquitto's password_file and acl_file are in.")
    ],
    ingest_password: Annotated[
        str,
        typer.Option(envvar="FITCONNECT_MQTT_INGEST_PASSWORD", help="The ingest user's password."),
    ],
    simulator_password: Annotated[
        str,
        typer.Option(
            envvar="FITCONNECT_MQTT_SIMULATOR_PASSWORD",
            help="The simulator user's password (the simulated edge fleet).",
        ),
    ],
) -> None:
    """Write the service users (ingest, simulator) into passwd.static and acl.static, and
    passwd and acl with them and the devices already there (the gateway rewrites both)."""
    broker_users.prepare(auth_dir, broker_users.BrokerUsers(ingest_password, simulator_password))
    typer.echo(f"{auth_dir}: passwd, acl (users {broker_users.READER}, {broker_users.SIMULATOR})")
