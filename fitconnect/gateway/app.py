"""The gateway's FastAPI app: GraphQL at /graphql, REST at /api/v1, health and metrics."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import msgspec
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.fastapi import GraphQLRouter

from fitconnect.errors import FitConnectError
from fitconnect.gateway.errors import code_of
from fitconnect.gateway.graphql.context import Context
from fitconnect.gateway.graphql.schema import build_schema
from fitconnect.gateway.metrics import GatewayMetrics, ObservedRequests
from fitconnect.gateway.rest import ROUTERS
from fitconnect.gateway.services import Services
from fitconnect.platform.db import open_pool
from fitconnect.runtime.ports import is_listening
from fitconnect.settings import Settings


class MsgspecGraphQLRouter(GraphQLRouter[Context, None]):
    """Responses encoded by msgspec (a few times faster than the standard library's json).

    Text, not bytes: the websocket transports send what this returns, and a GraphQL client
    expects text frames."""

    def encode_json(self, data: object) -> str:
        return msgspec.json.encode(data).decode()


def create_app(
    settings: Settings,
    database_url: str,
    mqtt_url: str | None = None,
    tracer_provider: TracerProvider | None = None,
    *,
    multiprocess_metrics: bool = False,
) -> FastAPI:
    """Build the app; the pool opens in the lifespan (nothing happens at import or here).

    Spans go to ``tracer_provider``, else to the process's (``fitconnect.tracing``). With
    ``multiprocess_metrics`` (``--workers N``), /metrics reports all worker processes.
    """
    metrics = GatewayMetrics.create()
    tracer = trace.get_tracer("fitconnect.gateway", tracer_provider=tracer_provider)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await open_pool(database_url, settings.database)
        app.state.services = Services.build(settings, pool, mqtt_url)
        # What start-up built (schema, routes, modules) lives as long as the process: keep it
        # out of the collector's full passes, which otherwise stall every request for tens of
        # milliseconds now and then.
        gc.freeze()
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="FitConnect API",
        version="1",
        lifespan=lifespan,
        docs_url="/api/v1/docs",
        openapi_url="/api/v1/openapi.json",
    )
    app.add_middleware(ObservedRequests, metrics=metrics, tracer=tracer)

    def graphql_spans() -> SchemaExtension:
        return OpenTelemetryExtension(tracer_provider=tracer_provider)

    # Resolver spans cost real time per field: only when someone collects them.
    tracing = tracer_provider is not None or settings.otel_endpoint is not None
    schema = build_schema(metrics.graphql_extension(), *([graphql_spans] if tracing else []))

    async def context(connection: HTTPConnection) -> Context:
        address = connection.client.host if connection.client else "unknown"
        return Context(
            connection.app.state.services, connection.headers.get("authorization"), address
        )

    graphql = MsgspecGraphQLRouter(
        schema,
        context_getter=context,
        graphql_ide="graphiql" if settings.environment == "development" else None,
    )
    app.include_router(graphql, prefix="/graphql")
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(FitConnectError)
    async def domain_error(_request: Request, exc: FitConnectError) -> JSONResponse:
        code, status = code_of(exc)
        return JSONResponse({"error": {"code": code, "message": str(exc)}}, status_code=status)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        checks = {"database": False, "broker": mqtt_url is None}
        try:
            async with request.app.state.services.pool.connection() as conn:
                await conn.execute("SELECT 1")
            checks["database"] = True
        except Exception:  # noqa: BLE001 - any failure means not ready
            checks["database"] = False
        if mqtt_url is not None:
            parts = urlsplit(mqtt_url)
            checks["broker"] = is_listening(parts.hostname or "127.0.0.1", parts.port or 1883)
        ready = all(checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    @app.get("/metrics")
    async def prometheus_metrics() -> Response:
        registry = metrics.registry
        if multiprocess_metrics:  # the sum over every worker process of this gateway
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app
