"""``fitconnect up``: run the whole platform."""

from __future__ import annotations

from typing import Annotated

import typer

from fitconnect.cli.common import load_settings
from fitconnect.runtime.up import UpOptions, run_up


def up(
    simulate: Annotated[
        int,
        typer.Option(min=0, help="Also run N simulated devices through the real edge agent."),
    ] = 0,
) -> None:
    """Start the database, broker, migrations and every server process; Ctrl-C stops all."""
    settings = load_settings()
    run_up(settings, UpOptions(simulate=simulate), typer.echo)
