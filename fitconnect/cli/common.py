"""What every server command does first: build the settings and set up logging."""

from __future__ import annotations

import logging

import typer
from pydantic import ValidationError

from fitconnect.errors import NotBuiltYetError
from fitconnect.settings import Settings


def load_settings() -> Settings:
    """Build the process's one ``Settings`` or exit with a readable message."""
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "settings"
            typer.secho(f"configuration error ({where}): {err['msg']}", err=True, fg="red")
        raise typer.Exit(2) from exc
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return settings


def not_built_yet(what: str, issue: int) -> NotBuiltYetError:
    """The error a command raises until its capability lands (issue ``issue``)."""
    return NotBuiltYetError(f"{what} is not built yet (tracked in issue #{issue})")
