"""The gateway's FastAPI app: GraphQL at /graphql, REST at /api/v1, health and metrics."""

from __future__ import annotations

import gc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import msgspec
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.fastapi import GraphQLRouter

from fitconnect.gateway import error_handlers
from fitconnect.gateway.body_limit import BodyLimit
from fitconnect.gateway.graphql.context import Context
from fitconnect.gateway.graphql.limits import GraphQLLimits
from fitconnect.gateway.graphql.schema import build_schema
from fitconnect.gateway.metrics import GatewayMetrics, ObservedRequests
from fitconnect.gateway.pages import install_pages, offline_graphiql
from fitconnect.gateway.rest import ROUTERS
from fitconnect.gateway.rest.dependencies import known_query_only
from fitconnect.gateway.security_headers import SecurityHeaders
from fitconnect.gateway.services import Services
from fitconnect.gateway.webapp import install_webapp
from fitconnect.platform.db import open_pool
from fitconnect.platform.uploads.files import MAX_UPLOAD_BYTES
from fitconnect.platform.users.avatars import MAX_AVATAR_BYTES
from fitconnect.runtime.ports import is_listening
from fitconnect.settings import Settings


class MsgspecGraphQLRouter(GraphQLRouter[Context, None]):
    """Responses encoded by msgspec (a few times faster than the standard library's json).

    Text, not bytes: the websocket transports send what this returns, and a GraphQL client
    expects text frames."""

    def encode_json(self, data: object) -> str:
        return msgspec.json.encode(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        """JSON nested too deeply (the decoder's recursion) is malformed JSON like any other:
        400 over HTTP, a closed connection over websockets, never a 500."""
        try:
            return json.loads(data)
        except RecursionError as exc:
            text = data if isinstance(data, str) else data.decode(errors="replace")
            raise json.JSONDecodeError("JSON nested too deeply", text[:100], 0) from exc

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL with its files from this gateway: it works offline."""
        return offline_graphiql(super().graphql_ide_html)


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
    http = settings.gateway.http
    internals = _unless_production(http.expose_internals, settings)
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
        docs_url=None,  # served below, with its files from this gateway (offline)
        redoc_url=None,
        openapi_url="/api/v1/openapi.json" if internals else None,
    )
    app.state.metrics_registry = metrics.registry
    _protect(app, settings)
    # Outermost (the last added): the metrics see every answer, the 413s and preflights too.
    app.add_middleware(ObservedRequests, metrics=metrics, tracer=tracer, routes=app.routes)

    def graphql_spans() -> SchemaExtension:
        return OpenTelemetryExtension(tracer_provider=tracer_provider)

    # Resolver spans cost real time per field: only when someone collects them.
    tracing = tracer_provider is not None or settings.otel_endpoint is not None
    limits = GraphQLLimits(
        settings.gateway.limits, introspection=_unless_production(http.introspection, settings)
    )
    schema = build_schema(
        limits, metrics.graphql_extension(), *([graphql_spans] if tracing else [])
    )

    async def context(connection: HTTPConnection) -> Context:
        address = connection.client.host if connection.client else "unknown"
        return Context(
            connection.app.state.services,
            connection.headers.get("authorization"),
            address,
            connection.headers.get("user-agent", ""),
        )

    graphql = MsgspecGraphQLRouter(
        schema,
        context_getter=context,
        include_in_schema=False,  # GraphQL has its own schema; OpenAPI is the REST API's
        path="/graphql",  # the route's own path: what /metrics labels its requests with
        graphql_ide="graphiql" if settings.environment == "development" else None,
        # File uploads (uploadActivity). No CSRF risk: the caller is its bearer token, which a
        # cross-site form cannot send; the body limit allows multipart its upload size.
        multipart_uploads_enabled=True,
    )
    app.include_router(graphql)
    install_pages(app, docs=internals, graphiql=settings.environment == "development")
    install_webapp(app)
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(known_query_only)])

    error_handlers.install(app)

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

    if internals:

        @app.get("/metrics", include_in_schema=False)
        async def prometheus_metrics() -> Response:
            registry = metrics.registry
            if multiprocess_metrics:  # the sum over every worker process of this gateway
                registry = CollectorRegistry()
                multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app


_MULTIPART_SLACK = 64 * 1024
"""Room for a multipart body's boundaries, headers and small fields beside the file."""


def _protect(app: FastAPI, settings: Settings) -> None:
    """CORS for the configured origins, the body limit, security headers on every answer."""
    http = settings.gateway.http
    app.add_middleware(
        CORSMiddleware,
        allow_origins=http.cors_origins,
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["authorization", "content-type", "if-none-match"],
        expose_headers=["x-db-statements", "etag", "retry-after"],
        max_age=600,
    )
    app.add_middleware(
        BodyLimit,
        limit=settings.gateway.limits.max_body_bytes,
        by_path={
            "/api/v1/me/avatar": MAX_AVATAR_BYTES + 1,  # one more: "too large" is its own
            "/api/v1/uploads": MAX_UPLOAD_BYTES + _MULTIPART_SLACK,
        },
        multipart_by_path={"/graphql": MAX_UPLOAD_BYTES + _MULTIPART_SLACK},
    )
    app.add_middleware(SecurityHeaders, hsts=http.hsts, hsts_max_age_s=http.hsts_max_age_s)


def _unless_production(value: bool | None, settings: Settings) -> bool:
    """A setting that, unset, is on everywhere but in production."""
    return value if value is not None else settings.environment != "production"
