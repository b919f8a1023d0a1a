"""One ingest worker: receive, batch by size and time, write, commit, then acknowledge.

After each commit it also tells each device's agent which of its batches are settled
(``commit_acks``): the agent keeps a batch on its disk until then, so a broker killed before
delivering it loses nothing.

Nothing is acknowledged before it is committed, so a killed worker loses nothing (the broker
redelivers) and the primary key drops what was committed twice. When the database is down the
worker keeps its batch, retries with capped exponential backoff, and takes no new messages
beyond the broker's in-flight window (backpressure); it recovers by itself.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

import psycopg
from opentelemetry import trace

from fitconnect.ingest.batch import Outcome, Pending, write_batch
from fitconnect.ingest.commit_acks import ack_messages
from fitconnect.ingest.consumer import Incoming, MqttConsumer
from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.ingest.metrics import IngestMetrics
from fitconnect.ingest.registry import DeviceRegistry
from fitconnect.ingest.rollup import RollupMaintainer
from fitconnect.ingest.storage import SampleStore
from fitconnect.ingest.validation import parse
from fitconnect.logs import log_context
from fitconnect.settings import IngestSettings

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("fitconnect.ingest")

ROLLUP_EVERY_S = 5.0
MAX_BACKOFF_S = 10.0
STOP_GRACE_S = 10.0


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    name: str
    database_url: str
    settings: IngestSettings


class IngestWorker:
    """Runs until ``stop`` is set; then writes and acknowledges what it holds, and returns
    (leaving its subscription in place: a graceful stop loses nothing either)."""

    def __init__(
        self,
        config: WorkerConfig,
        consumer: MqttConsumer,
        metrics: IngestMetrics,
        stop: threading.Event,
    ) -> None:
        self._cfg = config
        self._consumer = consumer
        self._metrics = metrics
        self._stop = stop
        self._store = SampleStore()
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._registry_conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._rollup: RollupMaintainer | None = None
        self._registry: DeviceRegistry | None = None
        self._stop_seen: float | None = None
        # Labelled once: a labels() lookup per message cost 15 % of the worker's loop.
        self._in_flight = metrics.in_flight.labels(config.name)
        self._lag = metrics.lag_seconds.labels(config.name)

    def run(self) -> None:
        """Work until ``stop``; then write and acknowledge what has arrived, and return."""
        held: list[tuple[Incoming, Pending]] = []
        samples = 0
        window_started = 0.0
        last_rollup = time.monotonic()
        cfg = self._cfg.settings
        while True:
            timeout = cfg.batch_max_wait_s
            if held:
                timeout = max(0.0, window_started + cfg.batch_max_wait_s - time.monotonic())
            incoming = self._next(timeout)
            if incoming is not None:
                if not held:
                    window_started = time.monotonic()
                item = _pending(incoming)
                held.append((incoming, item))
                samples += item.parsed.samples if not isinstance(item.parsed, Exception) else 0
            due = time.monotonic() - window_started >= cfg.batch_max_wait_s
            if held and (samples >= cfg.batch_max_rows or due or self._stop.is_set()):
                self._in_flight.set(len(held))
                self._flush(held)
                held, samples = [], 0
                self._in_flight.set(0)
            if time.monotonic() - last_rollup >= ROLLUP_EVERY_S:
                self._metrics.broker_connected.labels(self._cfg.name).set(
                    int(self._consumer.connected)
                )
                self._refresh_rollup()
                last_rollup = time.monotonic()
            if self._stop.is_set():
                if arrived := self._arrived():
                    self._flush(arrived)
                break
        self._refresh_rollup()
        self._close()

    def _arrived(self) -> list[tuple[Incoming, Pending]]:
        """What the broker has delivered so far: written and acknowledged before the worker
        stops. It keeps its subscription and its persistent session: the broker queues what
        devices publish from now on for this client id, and delivers again what arrives
        after this and is never acknowledged."""
        arrived: list[tuple[Incoming, Pending]] = []
        while (incoming := self._next(0)) is not None:
            arrived.append((incoming, _pending(incoming)))
        return arrived

    def _next(self, timeout: float) -> Incoming | None:
        try:
            return (
                self._consumer.inbox.get(timeout=timeout)
                if timeout > 0
                else (self._consumer.inbox.get_nowait())
            )
        except queue.Empty:
            return None

    def _flush(self, held: list[tuple[Incoming, Pending]]) -> None:
        """Write and acknowledge ``held``; while the database is down, retry with backoff.

        Stopping while the database is still down gives up after ``STOP_GRACE_S`` without
        acknowledging: the broker redelivers those messages to the next worker.
        """
        pending = [item for _, item in held]
        backoff = 0.2
        while True:
            try:
                began = time.perf_counter()
                with _tracer.start_as_current_span("ingest.batch") as span:
                    span.set_attribute("fitconnect.messages", len(pending))
                    outcome = self._write(pending)
                    span.set_attribute("fitconnect.samples", outcome.samples_new)
                self._observe(outcome, len(pending), time.perf_counter() - began)
                break
            except psycopg.OperationalError as exc:
                self._metrics.db_errors.labels(self._cfg.name).inc()
                log.warning("database unavailable (%s); retrying in %.1f s", exc, backoff)
                self._close()
                if self._stop.is_set() and self._stopping_for() > STOP_GRACE_S:
                    log.exception("stopping with %d messages unacknowledged", len(held))
                    held.clear()
                    return
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
        self._consumer.publish(ack_messages(pending, int(time.time() * 1000)))
        for incoming, _ in held:
            self._consumer.ack(incoming.mid, incoming.qos)

    def _stopping_for(self) -> float:
        if self._stop_seen is None:
            self._stop_seen = time.monotonic()
        return time.monotonic() - self._stop_seen

    def _write(self, pending: list[Pending]) -> Outcome:
        conn, registry_conn = self._connections()
        if self._registry is None:
            self._registry = DeviceRegistry(registry_conn)
        assert self._rollup is not None  # noqa: S101 - set by _connections
        return write_batch(
            conn,
            pending,
            registry=self._registry,
            store=self._store,
            rollup=self._rollup,
            worker=self._cfg.name,
        )

    def _connections(
        self,
    ) -> tuple[psycopg.Connection[tuple[object, ...]], psycopg.Connection[tuple[object, ...]]]:
        if self._conn is None or self._conn.closed or self._registry_conn is None:
            url = self._cfg.database_url
            self._conn = psycopg.connect(url, connect_timeout=5)
            self._registry_conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
            self._registry = None
            if self._rollup is None:
                self._rollup = RollupMaintainer(enabled=RollupMaintainer.needed(self._conn))
                self._conn.commit()
        return self._conn, self._registry_conn

    def _refresh_rollup(self) -> None:
        if self._conn is None or self._rollup is None:
            return
        try:
            self._rollup.flush(self._conn)
        except psycopg.OperationalError as exc:
            log.warning("rollup refresh postponed: %s", exc)
            self._close()

    def _observe(self, outcome: Outcome, messages: int, elapsed: float) -> None:
        m, w = self._metrics, self._cfg.name
        committed_ms = time.time() * 1000
        m.messages.labels(w, "stored").inc(outcome.messages_stored)
        m.messages.labels(w, "duplicate").inc(outcome.messages_duplicate)
        m.messages.labels(w, "dead_letter").inc(len(outcome.dead))
        m.samples.labels(w, "stored").inc(outcome.samples_new)
        m.samples.labels(w, "duplicate").inc(outcome.samples_duplicate)
        m.batch_rows.labels(w).observe(outcome.samples_new + outcome.samples_duplicate)
        m.commit_seconds.labels(w).observe(elapsed)
        for newest in outcome.newest_sample_ms:
            self._lag.observe(max(0.0, (committed_ms - newest) / 1000))
        for letter in outcome.dead:
            m.dead_letters.labels(w, letter.reason).inc()
            with log_context(tenant=_tenant_of(letter.topic)):
                log.info("dead letter %s on %s: %s", letter.reason, letter.topic, letter.detail)
        log.debug("committed %d messages in %.3f s", messages, elapsed)

    def _close(self) -> None:
        for conn in (self._conn, self._registry_conn):
            if conn is not None:
                conn.close()
        self._conn = self._registry_conn = None
        self._registry = None


def _tenant_of(topic: str) -> str | None:
    parts = topic.split("/")
    return parts[2] if len(parts) > 2 else None


def _pending(incoming: Incoming) -> Pending:
    """The message parsed, or the reason it cannot be: whatever a device sends, never a raise."""
    try:
        parsed = parse(incoming.topic, incoming.payload)
    except MessageRejectedError as exc:
        return Pending(incoming.topic, incoming.payload, exc)
    except Exception as exc:  # a parser bug must dead-letter the message, not stop ingest
        log.exception("parsing a message on %s failed", incoming.topic)
        rejected = MessageRejectedError("unparsable", f"{type(exc).__name__}: {exc}")
        return Pending(incoming.topic, incoming.payload, rejected)
    return Pending(incoming.topic, incoming.payload, parsed)
