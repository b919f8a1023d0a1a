"""Gateway metrics: requests and latency by route, GraphQL operations by name."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass(frozen=True, slots=True)
class GatewayMetrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
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
                "fitconnect_gateway_graphql_operation_seconds",
                "GraphQL operation latency by operation name.",
                ["operation"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
        )

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        began = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        self.requests.labels(path, request.method, str(response.status_code)).inc()
        self.latency.labels(path).observe(time.perf_counter() - began)
        return response

    def graphql_extension(self) -> type[SchemaExtension]:
        histogram = self.operations

        class OperationTiming(SchemaExtension):
            def on_operation(self) -> Iterator[None]:
                began = time.perf_counter()
                yield
                name = self.execution_context.operation_name or "anonymous"
                histogram.labels(name).observe(time.perf_counter() - began)

        return OperationTiming
