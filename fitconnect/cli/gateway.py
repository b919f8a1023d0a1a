"""``fitconnect gateway``: the GraphQL and REST API (or its notification worker)."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer
import uvicorn

from fitconnect.cli.common import load_settings
from fitconnect.gateway.app import create_app
from fitconnect.platform.notifications.worker import run_notification_worker
from fitconnect.runtime.services import start_services
from fitconnect.settings import SmtpSettings


def gateway(
    notifications_worker: Annotated[
        bool,
        typer.Option(
            "--notifications-worker", help="Run the notification delivery worker instead."
        ),
    ] = False,
    port: Annotated[
        int | None, typer.Option(help="Port (default: FITCONNECT_GATEWAY__PORT).")
    ] = None,
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in development), REST at /api/v1, /metrics."""
    settings = load_settings("notifications" if notifications_worker else "gateway")
    with start_services(settings) as services:
        if notifications_worker:
            asyncio.run(_notifications(services.database_url, settings.smtp))
            return
        app = create_app(settings, services.database_url, services.mqtt_url)
        uvicorn.run(
            app,
            host=settings.gateway.host,
            port=port or settings.gateway.port,
            log_level=settings.log_level.lower(),
            access_log=False,
        )


async def _notifications(database_url: str, smtp: SmtpSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_notification_worker(database_url, stop, smtp)
