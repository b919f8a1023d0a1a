"""``fitconnect-edge``: the agent beside the athlete's devices."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="fitconnect-edge",
    help="FitConnect edge agent: read BLE fitness devices, buffer on disk, publish over MQTT.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("run")
def run() -> None:
    """Run the agent for the devices of its configuration."""
    typer.secho("fitconnect-edge run is not built yet (tracked in issue #3)", err=True, fg="red")
    raise typer.Exit(2)


def main() -> None:
    app()
