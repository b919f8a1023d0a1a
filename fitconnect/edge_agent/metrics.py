"""The agent's Prometheus metrics (``fitconnect_edge_…``), refreshed from its counters."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge, start_http_server

from fitconnect.edge_agent.agent import AgentCounters
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.publisher import Publisher


class EdgeMetrics:
    """The gauges; served on ``host:port`` unless ``port`` is 0."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.registry = CollectorRegistry()
        docs = {
            "fitconnect_edge_notifications": "Notifications received from devices.",
            "fitconnect_edge_decode_errors": "Notifications that could not be decoded (skipped).",
            "fitconnect_edge_buffered_batches": (
                "Batches on disk: not yet sent, or sent and awaiting ingest's commit."
            ),
            "fitconnect_edge_awaiting_commit_batches": (
                "Batches the broker acknowledged (PUBACK), kept until ingest acknowledges"
                " their commit."
            ),
            "fitconnect_edge_published_batches": "Batches the broker acknowledged.",
            "fitconnect_edge_committed_batches": (
                "Batches ingest acknowledged as committed (deleted from the buffer)."
            ),
            "fitconnect_edge_resent_batches": (
                "Batches sent again: no commit acknowledgement in time, or after a reconnect."
            ),
            "fitconnect_edge_reconnects": "Times the broker connection was lost and regained.",
            "fitconnect_edge_broker_connected": "1 while connected to the broker.",
        }
        self._gauges = {
            name.removeprefix("fitconnect_edge_"): Gauge(name, doc, registry=self.registry)
            for name, doc in docs.items()
        }
        if port:
            start_http_server(port, addr=host, registry=self.registry)

    def refresh(self, counters: AgentCounters, buffer: DiskBuffer, publisher: Publisher) -> None:
        self._gauges["notifications"].set(counters.notifications)
        self._gauges["decode_errors"].set(counters.decode_errors)
        self._gauges["buffered_batches"].set(len(buffer))
        self._gauges["awaiting_commit_batches"].set(buffer.awaiting_commit())
        self._gauges["published_batches"].set(publisher.published)
        self._gauges["committed_batches"].set(publisher.committed)
        self._gauges["resent_batches"].set(publisher.resent)
        self._gauges["reconnects"].set(publisher.reconnects)
        self._gauges["broker_connected"].set(int(publisher.connected))
