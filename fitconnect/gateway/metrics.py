"""Gateway metrics: requests, latency and SQL statements by route, GraphQL operations by name."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from opentelemetry.trace import Tracer
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from fitconnect.platform.db.statements import tally_statements

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
STATEMENT_BUCKETS = (0, 1, 2, 4, 8, 16, 32, 64)
STATEMENTS_HEADER = "x-db-statements"


@dataclass(frozen=True, slots=True)
class GatewayMetrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    statements: Histogram
    operations: Histogram

    @classmethod
    def create(cls) -> GatewayMetrics:
        registry = CollectorRegistry()
        return cls(
            registry,
            Counter(
                "fitconnect_gateway_requests_total",
                "HTTP requests by route, method and status.",
                ["route", "method", "status"],
                registry=registry,
            ),
            Histogram(
                "fitconnect_gateway_request_seconds",
                "HTTP request latency by route.",
                ["route"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
            Histogram(
                "fitconnect_gateway_db_statements",
                "SQL statements sent to the database per HTTP request, by route.",
                ["route"],
                buckets=STATEMENT_BUCKETS,
                registry=registry,
            ),
            Histogram(
                "fitconnect_gateway_graphql_operation_seconds",
                "GraphQL operation latency by operation name.",
                ["operation"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
        )

    def graphql_extension(self) -> type[SchemaExtension]:
        histogram = self.operations

        class OperationTiming(SchemaExtension):
            def on_operation(self) -> Iterator[None]:
                began = time.perf_counter()
                yield
                name = self.execution_context.operation_name or "anonymous"
                histogram.labels(name).observe(time.perf_counter() - began)

        return OperationTiming


class ObservedRequests:
    """ASGI middleware: a span, latency, status and SQL statement count for each request.

    The statement count also goes back to the client in the ``X-DB-Statements`` header, so a
    developer sees at once when a query does one round trip per item (N+1). Requests are
    labelled with the template of the route they matched (``/api/v1/reports/{report_id}``,
    ``/graphql``), ``unmatched`` when none did.
    """

    def __init__(
        self, app: ASGIApp, metrics: GatewayMetrics, tracer: Tracer, routes: list[BaseRoute]
    ) -> None:
        self._app = app
        self._metrics = metrics
        self._tracer = tracer
        self._routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500
        span_name = f"{scope['method']} {scope['path']}"
        with tally_statements() as tally, self._tracer.start_as_current_span(span_name) as span:

            async def observed_send(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    MutableHeaders(scope=message).append(STATEMENTS_HEADER, str(tally.count))
                    span.set_attribute("http.status_code", status)
                await send(message)

            try:
                await self._app(scope, receive, observed_send)
            finally:
                route = self._template(scope)
                m = self._metrics
                m.requests.labels(route, scope["method"], str(status)).inc()
                m.latency.labels(route).observe(time.perf_counter() - began)
                m.statements.labels(route).observe(tally.count)

    def _template(self, scope: Scope) -> str:
        # What the router left; routes of the app itself (the docs pages) leave nothing.
        if path := getattr(scope.get("route"), "path", ""):
            return str(path)
        partial = "unmatched"
        for route in self._routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return str(getattr(route, "path", "unmatched"))
            if match is Match.PARTIAL and partial == "unmatched":  # another method: a 405
                partial = str(getattr(route, "path", "unmatched"))
        return partial
