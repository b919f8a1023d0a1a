"""Live data: an athlete's samples as devices send them, straight from the broker, checked
as ingest checks them (``fitconnect.ingest.validation``)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiomqtt

from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.ingest.registry import DeviceLookup, RegisteredDevice
from fitconnect.ingest.validation import check, is_historical, parse
from fitconnect.schemas import TelemetryBatch
from fitconnect.schemas.topics import Channel, DeviceTopic


@dataclass(frozen=True, slots=True)
class LivePoint:
    device_id: uuid.UUID
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None


class _Devices:
    """The viewed devices, as ingest's checks look them up."""

    def __init__(self, devices: list[RegisteredDevice]) -> None:
        self._by_id = {str(d.id): d for d in devices}

    def lookup(self, device_id: str) -> RegisteredDevice | None:
        return self._by_id.get(device_id)


def _last(batch: TelemetryBatch, metric: str) -> float | None:
    values = batch.metrics.get(metric)
    return values[-1] if values else None


def live_point(topic: str, payload: bytes, devices: DeviceLookup, now_s: float) -> LivePoint | None:
    """The newest sample of a telemetry message that passes every check ingest makes (wire
    contract, device of the topic and of its tenant, not revoked, times, plausible values);
    None for anything else, which is skipped: one bad message never ends a viewer's stream."""
    try:
        checked = check(parse(topic, payload), devices, now_s)
    except MessageRejectedError:
        return None
    batch = checked.message
    if not isinstance(batch, TelemetryBatch) or is_historical(batch) or not batch.ts_ms:
        return None
    return LivePoint(
        device_id=checked.device.id,
        ts=datetime.fromtimestamp(batch.ts_ms[-1] / 1000, tz=UTC),
        heart_rate_bpm=_last(batch, "heart_rate_bpm"),
        power_w=_last(batch, "power_w"),
        cadence_rpm=_last(batch, "cadence_rpm"),
        speed_kmh=_last(batch, "speed_kmh"),
    )


async def live_points(mqtt_url: str, devices: list[RegisteredDevice]) -> AsyncIterator[LivePoint]:
    """The newest sample of every valid telemetry batch the devices publish under their own
    tenant's topics, as it arrives."""
    parts = urlsplit(mqtt_url)
    lookup = _Devices(devices)
    async with aiomqtt.Client(
        parts.hostname or "127.0.0.1",
        parts.port or 1883,
        username=parts.username,
        password=parts.password,
        identifier=f"fitconnect-live-{uuid.uuid4().hex[:10]}",
    ) as client:
        for device in devices:
            if device.revoked_at is None:
                topic = DeviceTopic(str(device.tenant_id), str(device.id), Channel.TELEMETRY)
                await client.subscribe(str(topic), qos=0)
        async for message in client.messages:
            point = live_point(str(message.topic), bytes(message.payload), lookup, time.time())
            if point is not None:
                yield point
