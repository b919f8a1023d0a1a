"""What every server command does first: build the settings and set up logging."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from fitconnect.logs import configure_logging
from fitconnect.settings import Settings
from fitconnect.tracing import configure_tracing


def load_settings(service: str = "fitconnect") -> Settings:
    """Build the process's one ``Settings`` or exit with a readable message; set up logging."""
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "settings"
            typer.secho(f"configuration error ({where}): {err['msg']}", err=True, fg="red")
        raise typer.Exit(2) from exc
    configure_logging(service, settings.log_level, json_lines=settings.environment == "production")
    configure_tracing(service, settings.otel_endpoint)
    return settings
