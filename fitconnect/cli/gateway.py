"""``fitconnect gateway``: the GraphQL and REST API, or its background worker."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer
import uvicorn

from fitconnect.cli.common import load_settings
from fitconnect.gateway.app import create_app
from fitconnect.platform.db import open_pool
from fitconnect.platform.notifications.worker import run_notification_worker
from fitconnect.platform.training.reports import run_report_worker
from fitconnect.runtime.services import start_services
from fitconnect.settings import SmtpSettings


def gateway(
    worker: Annotated[
        bool,
        typer.Option(
            "--worker",
            "--notifications-worker",
            help="Run the background worker instead: notifications (inbox, e-mail) and"
            " report jobs.",
        ),
    ] = False,
    port: Annotated[
        int | None, typer.Option(help="Port (default: FITCONNECT_GATEWAY__PORT).")
    ] = None,
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in development), REST at /api/v1, /metrics."""
    settings = load_settings("worker" if worker else "gateway")
    with start_services(settings) as services:
        if worker:
            asyncio.run(_background(services.database_url, settings.smtp))
            return
        app = create_app(settings, services.database_url, services.mqtt_url)
        uvicorn.run(
            app,
            host=settings.gateway.host,
            port=port or settings.gateway.port,
            log_level=settings.log_level.lower(),
            access_log=False,
        )


async def _background(database_url: str, smtp: SmtpSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    pool = await open_pool(database_url)
    try:
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(run_notification_worker(database_url, stop, smtp))
            tasks.create_task(run_report_worker(pool, stop))
    finally:
        await pool.close()
