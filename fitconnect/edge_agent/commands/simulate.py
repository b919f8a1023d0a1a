"""``fitconnect-edge simulate``."""

from __future__ import annotations

import typer


def simulate() -> None:
    """Not built yet (issue #3)."""
    typer.secho(
        "fitconnect-edge simulate is not built yet (tracked in issue #3)", err=True, fg="red"
    )
    raise typer.Exit(2)
