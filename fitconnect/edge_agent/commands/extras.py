"""A command whose package is in an extra that is not installed says so in one line."""

from __future__ import annotations

import typer


def missing(command: str, exc: ModuleNotFoundError, extra: str) -> typer.Exit:
    """Print which package ``fitconnect-edge command`` lacks and how to install it; exit 2."""
    typer.secho(
        f"`fitconnect-edge {command}` needs the package {exc.name}: "
        f"pip install 'fitconnect[{extra}]'",
        err=True,
        fg="red",
    )
    return typer.Exit(2)
