"""Live data: an athlete's samples as devices send them, straight from the broker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiomqtt

from fitconnect.schemas import TelemetryBatch, WireError, decode
from fitconnect.schemas.topics import Channel, device_filter


@dataclass(frozen=True, slots=True)
class LivePoint:
    device_id: uuid.UUID
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None


def _last(batch: TelemetryBatch, metric: str) -> float | None:
    values = batch.metrics.get(metric)
    return values[-1] if values else None


async def live_points(mqtt_url: str, device_ids: list[uuid.UUID]) -> AsyncIterator[LivePoint]:
    """The newest sample of every telemetry batch the devices publish, as it arrives."""
    parts = urlsplit(mqtt_url)
    async with aiomqtt.Client(
        parts.hostname or "127.0.0.1",
        parts.port or 1883,
        username=parts.username,
        password=parts.password,
        identifier=f"fitconnect-live-{uuid.uuid4().hex[:10]}",
    ) as client:
        for device in device_ids:
            await client.subscribe(device_filter(str(device), Channel.TELEMETRY), qos=0)
        async for message in client.messages:
            try:
                batch = decode(bytes(message.payload), TelemetryBatch)
            except WireError:
                continue
            yield LivePoint(
                device_id=uuid.UUID(batch.device_id),
                ts=datetime.fromtimestamp(batch.ts_ms[-1] / 1000, tz=UTC),
                heart_rate_bpm=_last(batch, "heart_rate_bpm"),
                power_w=_last(batch, "power_w"),
                cadence_rpm=_last(batch, "cadence_rpm"),
                speed_kmh=_last(batch, "speed_kmh"),
            )
