"""``fitconnect-edge replay``."""

from __future__ import annotations

import typer


def replay() -> None:
    """Not built yet (issue #3)."""
    typer.secho("fitconnect-edge replay is not built yet (tracked in issue #3)", err=True, fg="red")
    raise typer.Exit(2)
