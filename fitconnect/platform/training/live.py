"""Live data: an athlete's samples as devices send them, straight from the broker, checked
as ingest checks them (``fitconnect.ingest.validation``).

Every sample of a batch is delivered, in time order, with the exact values the device sent
(a 4 Hz sensor gives four points a second), never a summary of the batch."""

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
    distance_m: float | None
    stroke_rate_spm: float | None


class _Devices:
    """The viewed devices, as ingest's checks look them up."""

    def __init__(self, devices: list[RegisteredDevice]) -> None:
        self._by_id = {str(d.id): d for d in devices}

    def lookup(self, device_id: str) -> RegisteredDevice | None:
        return self._by_id.get(device_id)


def live_samples(
    topic: str, payload: bytes, devices: DeviceLookup, now_s: float
) -> list[LivePoint]:
    """Every sample of a telemetry message that passes every check ingest makes (wire
    contract, device of the topic and of its tenant, not revoked, times, plausible values),
    oldest first; nothing for anything else (historical uploads too), which is skipped: one
    bad message never ends a viewer's stream."""
    try:
        checked = check(parse(topic, payload), devices, now_s)
    except MessageRejectedError:
        return []
    batch = checked.message
    if not isinstance(batch, TelemetryBatch) or is_historical(batch):
        return []
    empty: list[float | None] = [None] * len(batch.ts_ms)

    def column(metric: str) -> list[float | None]:
        return batch.metrics.get(metric, empty)

    hr, power, cadence = column("heart_rate_bpm"), column("power_w"), column("cadence_rpm")
    speed, distance, strokes = column("speed_kmh"), column("distance_m"), column("stroke_rate_spm")
    return [
        LivePoint(
            device_id=checked.device.id,
            ts=datetime.fromtimestamp(batch.ts_ms[i] / 1000, tz=UTC),
            heart_rate_bpm=hr[i],
            power_w=power[i],
            cadence_rpm=cadence[i],
            speed_kmh=speed[i],
            distance_m=distance[i],
            stroke_rate_spm=strokes[i],
        )
        for i in sorted(range(len(batch.ts_ms)), key=batch.ts_ms.__getitem__)
    ]


async def live_batches(
    mqtt_url: str, devices: list[RegisteredDevice]
) -> AsyncIterator[list[LivePoint]]:
    """The samples of every valid telemetry batch the devices publish under their own
    tenant's topics, one list per batch, as the batches arrive."""
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
            points = live_samples(str(message.topic), bytes(message.payload), lookup, time.time())
            if points:
                yield points
