"""``fitconnect db``: migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from fitconnect.cli.common import load_settings
from fitconnect.cli.lazy import HELP_STYLE
from fitconnect.platform.db import current_revision, upgrade
from fitconnect.platform.db.urls import redacted
from fitconnect.runtime.services import start_services

app = typer.Typer(help="Database migrations.", no_args_is_help=True, **HELP_STYLE)


@app.command("upgrade")
def upgrade_command(
    revision: Annotated[
        str, typer.Argument(help="Target revision (default: the newest of every branch).")
    ] = "heads",
) -> None:
    """Apply every migration up to REVISION (idempotent)."""
    settings = load_settings()
    with start_services(settings) as services:
        before = current_revision(services.database_url)
        upgrade(services.database_url, revision)
        after = current_revision(services.database_url)
        where = redacted(services.database_url)
        if before == after:
            typer.echo(f"{where}: already at revision {after}")
        else:
            typer.echo(f"{where}: upgraded {before or '(empty)'} -> {after}")


@app.command("current")
def current_command() -> None:
    """Print the revision the database is at."""
    settings = load_settings()
    with start_services(settings) as services:
        typer.echo(current_revision(services.database_url) or "(no migration applied)")
