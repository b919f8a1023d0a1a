"""``fitconnect analytics``: workout analytics and gamification jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitconnect.cli.common import not_built_yet

app = typer.Typer(help="Workout analytics and gamification.", no_args_is_help=True)


@app.command("fit")
def fit_command(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A FIT activity file.")],
) -> None:
    """Compute session metrics of a FIT file."""
    raise not_built_yet(f"analytics of {path.name}", 5)


@app.command("run")
def run_command() -> None:
    """Recompute what new data touched (incremental, idempotent)."""
    raise not_built_yet("the analytics job", 5)
