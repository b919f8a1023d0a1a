"""``fitconnect sim``: the simulated edge fleet of a deployment (docker-compose runs it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitconnect.cli.common import load_settings
from fitconnect.cli.lazy import HELP_STYLE
from fitconnect.runtime import sim_fleet

app = typer.Typer(
    help="The simulated edge fleet: its athlete, registered devices and agent configuration.",
    no_args_is_help=True,
    **HELP_STYLE,
)


@app.callback()
def sim() -> None:
    """The simulated edge fleet: its athlete, registered devices and agent configuration."""


@app.command("register")
def register_command(
    edge_config: Annotated[
        Path, typer.Argument(help="Where to write the agent's edge.toml (its devices).")
    ],
    broker: Annotated[
        str,
        typer.Option(help="mqtt://user:password@host:port the simulator publishes through."),
    ],
    devices: Annotated[int, typer.Option(min=1, max=1000, help="How many devices.")] = 20,
    profile: Annotated[
        str, typer.Option(help=f"One of {', '.join(sim_fleet.SIM_PROFILES)}.")
    ] = "ride",
    buffer: Annotated[
        str, typer.Option(help="The agent's disk buffer (SQLite).")
    ] = "edge-data/buffer.sqlite",
    metrics_port: Annotated[
        int, typer.Option(min=0, max=65535, help="The agent's /metrics port (0: none).")
    ] = 9104,
    metrics_host: Annotated[
        str, typer.Option(help="Address the agent's /metrics binds.")
    ] = "127.0.0.1",
    password: Annotated[
        str | None,
        typer.Option(
            envvar="FITCONNECT_SIM_PASSWORD",
            help="The simulation athlete's password, to sign in and see the rides"
            " (set when the athlete is created; default: a random one).",
        ),
    ] = None,
) -> None:
    """Register the simulation athlete's devices (once; a re-run reuses them) and write the
    agent configuration that simulates exactly those: ingest stores their rides."""
    if profile not in sim_fleet.SIM_PROFILES:
        raise typer.BadParameter(f"choose one of {sim_fleet.SIM_PROFILES}", param_hint="--profile")
    settings = load_settings()
    if settings.database_url is None:
        typer.secho("fitconnect sim register: set FITCONNECT_DATABASE_URL", err=True, fg="red")
        raise typer.Exit(2)
    fleet = sim_fleet.register_fleet(settings, settings.database_url, devices, password or None)
    agent = sim_fleet.AgentFile(broker, buffer, metrics_port, metrics_host, profile)
    sim_fleet.write_agent_config(edge_config, sim_fleet.agent_config(fleet, agent))
    typer.echo(
        f"{edge_config}: {len(fleet.device_ids)} registered devices of"
        f" {sim_fleet.SIM_EMAIL} (tenant {fleet.tenant_id})"
    )
    if not password:
        typer.echo("set FITCONNECT_SIM_PASSWORD before the first run to sign in as that athlete")
