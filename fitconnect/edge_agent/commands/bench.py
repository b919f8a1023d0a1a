"""``fitconnect-edge bench``."""

from __future__ import annotations

import typer


def bench() -> None:
    """Not built yet (issue #3)."""
    typer.secho("fitconnect-edge bench is not built yet (tracked in issue #3)", err=True, fg="red")
    raise typer.Exit(2)
