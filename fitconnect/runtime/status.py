"""``up``'s live status line: devices online, samples/s, lag, dead letters."""

from __future__ import annotations

import math
import time

import psycopg

from fitconnect.ingest.metrics_reader import IngestSnapshot, scrape


class StatusLine:
    """Renders one line from the ingest workers' metrics and the device state table."""

    def __init__(self, database_url: str, ingest_ports: list[int]) -> None:
        self._url = database_url
        self._ports = ingest_ports
        self._last: tuple[float, IngestSnapshot] | None = None

    def render(self) -> str:
        try:
            snap = scrape(self._ports)
        except OSError:
            return "status: ingest metrics not reachable yet"
        now = time.monotonic()
        rate = 0.0
        if self._last is not None:
            then, before = self._last
            rate = (snap.stored_samples - before.stored_samples) / max(now - then, 1e-6)
        self._last = (now, snap)
        p99 = snap.lag_quantile(0.99)
        lag = "-" if math.isnan(p99) else f"{p99:.2f} s"
        return (
            f"status: {self._devices_online()} devices online | {rate:,.0f} samples/s | "
            f"p99 lag {lag} | {snap.stored_samples:,.0f} stored | "
            f"{snap.dead_letters:,.0f} dead letters"
        )

    def _devices_online(self) -> int | str:
        try:
            with psycopg.connect(self._url, connect_timeout=2) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM telemetry.published_device_state WHERE state = 'online'"
                    " AND last_seen > now() - interval '1 minute'"
                ).fetchone()
        except psycopg.Error:
            return "?"
        return int(str(row[0])) if row else 0
