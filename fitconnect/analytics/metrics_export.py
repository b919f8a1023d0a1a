"""Prometheus metrics of the analytics scheduler (``fitconnect_analytics_…``)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

from fitconnect.analytics.jobs import RunSummary


class AnalyticsMetrics:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        registry = CollectorRegistry()
        self.duration = Histogram(
            "fitconnect_analytics_run_seconds",
            "Duration of one incremental analytics pass.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=registry,
        )
        self.rows = Counter(
            "fitconnect_analytics_rows_written_total",
            "Result rows written (sessions, daily load, records, awards).",
            registry=registry,
        )
        self.failures = Counter(
            "fitconnect_analytics_failures_total",
            "Analytics passes that failed.",
            registry=registry,
        )
        if port:
            start_http_server(port, addr=host, registry=registry)

    def observe(self, summary: RunSummary) -> None:
        self.duration.observe(summary.elapsed_s)
        self.rows.inc(summary.rows_written)
