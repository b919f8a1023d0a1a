"""``fitconnect-edge run``."""

from __future__ import annotations

import typer


def run() -> None:
    """Not built yet (issue #3)."""
    typer.secho("fitconnect-edge run is not built yet (tracked in issue #3)", err=True, fg="red")
    raise typer.Exit(2)
