"""Prometheus metrics of an ingest worker (all named ``fitconnect_ingest_…``, per worker)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LAG_BUCKETS = (
    0.01,
    0.025,
    0.05,
    0.1,
    0.2,
    0.3,
    0.5,
    0.75,
    1.0,
    1.5,
    2.0,
    3.0,
    5.0,
    10.0,
    30.0,
    60.0,
)


@dataclass(frozen=True, slots=True)
class IngestMetrics:
    messages: Counter
    samples: Counter
    batch_rows: Histogram
    commit_seconds: Histogram
    lag_seconds: Histogram
    dead_letters: Counter
    in_flight: Gauge
    db_errors: Counter
    broker_connected: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> IngestMetrics:
        w = ["worker"]
        return cls(
            messages=Counter(
                "fitconnect_ingest_messages_total",
                "MQTT messages handled, by result (stored, duplicate, dead_letter).",
                [*w, "result"],
                registry=registry,
            ),
            samples=Counter(
                "fitconnect_ingest_samples_total",
                "Samples handled, by result (stored, duplicate, dead_letter).",
                [*w, "result"],
                registry=registry,
            ),
            batch_rows=Histogram(
                "fitconnect_ingest_batch_rows",
                "Rows per database commit.",
                w,
                buckets=(1, 10, 100, 500, 1_000, 5_000, 10_000, 20_000, 50_000),
                registry=registry,
            ),
            commit_seconds=Histogram(
                "fitconnect_ingest_commit_seconds",
                "Time to write and commit one batch.",
                w,
                buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
                registry=registry,
            ),
            lag_seconds=Histogram(
                "fitconnect_ingest_lag_seconds",
                "End-to-end lag: commit time minus the newest sample time of each message.",
                w,
                buckets=LAG_BUCKETS,
                registry=registry,
            ),
            dead_letters=Counter(
                "fitconnect_ingest_dead_letters_total",
                "Messages sent to the dead-letter table, by reason.",
                [*w, "reason"],
                registry=registry,
            ),
            in_flight=Gauge(
                "fitconnect_ingest_in_flight_messages",
                "Messages received and not yet acknowledged.",
                w,
                registry=registry,
            ),
            db_errors=Counter(
                "fitconnect_ingest_db_errors_total",
                "Database errors while writing (the batch is retried).",
                w,
                registry=registry,
            ),
            broker_connected=Gauge(
                "fitconnect_ingest_broker_connected",
                "1 while the worker is connected to the MQTT broker.",
                w,
                registry=registry,
            ),
        )
