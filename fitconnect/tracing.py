"""OpenTelemetry tracing, exported over OTLP/HTTP when ``FITCONNECT_OTEL_ENDPOINT`` is set.

Without an endpoint nothing is configured and the API's tracers are no-ops, so the spans in
the gateway and ingest cost next to nothing.
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def configure_tracing(service: str, endpoint: str | None) -> TracerProvider | None:
    """Install the process's tracer provider (once, in the composition root)."""
    if not endpoint:
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    return provider
