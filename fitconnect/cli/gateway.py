"""``fitconnect gateway``: the GraphQL and REST API, or its background worker."""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from typing import Annotated

import typer
import uvicorn
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, multiprocess, start_http_server

from fitconnect.cli.common import load_settings
from fitconnect.gateway.app import create_app
from fitconnect.gateway.graphql.schema import sdl
from fitconnect.platform.db import open_pool
from fitconnect.platform.inventory.service import run_reservation_worker
from fitconnect.platform.notifications.worker import run_notification_worker
from fitconnect.platform.social.activities import run_activity_worker
from fitconnect.platform.training.reports import run_report_worker
from fitconnect.platform.uploads.worker import run_upload_worker
from fitconnect.runtime.errors import StartupError
from fitconnect.runtime.ports import is_free
from fitconnect.runtime.services import start_services
from fitconnect.settings import DatabaseSettings, Settings, SmtpSettings


def gateway(
    worker: Annotated[
        bool,
        typer.Option(
            "--worker",
            "--notifications-worker",
            help="Run the background worker instead: notifications (inbox, e-mail), report"
            " jobs and uploaded files.",
        ),
    ] = False,
    port: Annotated[
        int | None, typer.Option(help="Port (default: FITCONNECT_GATEWAY__PORT).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Processes serving the port (default: FITCONNECT_GATEWAY__WORKERS, 1)."
        ),
    ] = None,
    print_schema: Annotated[
        bool,
        typer.Option(
            "--print-schema",
            help="Print the GraphQL schema (SDL, as checked in as schema.graphql) and exit.",
        ),
    ] = False,
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in development), REST at /api/v1, /metrics."""
    if print_schema:
        typer.echo(sdl())
        return
    settings = load_settings("worker" if worker else "gateway")
    with start_services(settings) as services:
        if worker:
            asyncio.run(_background(services.database_url, settings.database, settings.smtp))
            return
        host, bind_port = settings.gateway.host, port or settings.gateway.port
        if not is_free(host, bind_port):
            raise StartupError(
                f"port {bind_port} on {host} is taken by another process: stop it, or choose "
                "another with --port or FITCONNECT_GATEWAY__PORT"
            )
        level = settings.log_level.lower()
        processes = workers or settings.gateway.workers
        ws_max_size = settings.gateway.limits.max_websocket_message_bytes
        if processes == 1:
            app = create_app(settings, services.database_url, services.mqtt_url)
            _serve_metrics(settings, app.state.metrics_registry)
            uvicorn.run(
                app,
                host=host,
                port=bind_port,
                log_level=level,
                access_log=False,
                ws_max_size=ws_max_size,
            )
            return
        # Each worker process builds its app from the environment (worker_app); Prometheus
        # counters of all of them meet in one folder, so /metrics adds them up.
        with tempfile.TemporaryDirectory(prefix="fitconnect-gateway-metrics-") as metrics_dir:
            os.environ.update(
                {
                    "PROMETHEUS_MULTIPROC_DIR": metrics_dir,
                    "FITCONNECT_DATABASE_URL": services.database_url,
                    "FITCONNECT_MQTT_URL": services.mqtt_url or "",
                }
            )
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            _serve_metrics(settings, registry)
            uvicorn.run(
                f"{__name__}:worker_app",
                factory=True,
                workers=processes,
                host=host,
                port=bind_port,
                log_level=level,
                access_log=False,
                ws_max_size=ws_max_size,
            )


def _serve_metrics(settings: Settings, registry: CollectorRegistry) -> None:
    """/metrics on its own listener (``FITCONNECT_GATEWAY__HTTP__METRICS_PORT``), if set."""
    if port := settings.gateway.http.metrics_port:
        start_http_server(port, addr=settings.metrics_host, registry=registry)


def worker_app() -> FastAPI:
    """The app of one of ``--workers`` gateway processes (servers already started)."""
    settings = load_settings("gateway")
    assert settings.database_url is not None  # noqa: S101 - set by the parent process
    return create_app(
        settings, settings.database_url, settings.mqtt_url or None, multiprocess_metrics=True
    )


async def _background(database_url: str, db: DatabaseSettings, smtp: SmtpSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    pool = await open_pool(database_url, db)
    try:
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(run_notification_worker(pool, stop, smtp))
            tasks.create_task(run_report_worker(pool, stop))
            tasks.create_task(run_upload_worker(database_url, stop))
            tasks.create_task(run_activity_worker(pool, stop))
            tasks.create_task(run_reservation_worker(pool, stop))
    finally:
        await pool.close()
