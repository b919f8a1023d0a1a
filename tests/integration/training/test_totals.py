"""Totals read whole minutes from the rollup and the edges from the samples: the figures must
equal a plain aggregate over the samples, wherever ``since`` falls."""

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.db import open_pool
from fitconnect.platform.devices.service import DeviceService
from fitconnect.platform.training.service import Subject, Totals, TrainingService
from fitconnect.schemas import TelemetryBatch
from fitconnect.settings import DatabaseSettings
from tests.integration.ingest.support import Device, pending, register_device, write

pytestmark = pytest.mark.integration

MINUTES = 20


def _samples(device: Device, start_ms: int) -> list[TelemetryBatch]:
    """20 minutes at 1 Hz in one-minute batches; every 7th sample has no heart rate, and the
    power peaks once, 15 minutes in."""
    batches = []
    for minute in range(MINUTES):
        ts = [start_ms + 1000 * (60 * minute + s) for s in range(60)]
        hr: list[float | None] = [
            None if (60 * minute + s) % 7 == 0 else float(100 + (60 * minute + s) % 61)
            for s in range(60)
        ]
        power: list[float | None] = [
            900.0 if minute == 15 and s == 30 else 200.0 for s in range(60)
        ]
        batches.append(
            TelemetryBatch(
                device_id=str(device.id),
                seq=minute,
                ts_ms=ts,
                metrics={"heart_rate_bpm": hr, "power_w": power},
            )
        )
    return batches


def _truth(database_url: str, device: Device, since: datetime) -> Totals:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*)::int, min(ts), max(ts), avg(heart_rate_bpm)::float, max(power_w)"
            " FROM telemetry.samples WHERE device_id = %s AND ts >= %s",
            (device.id, since),
        ).fetchone()
    assert row is not None
    return Totals(*row)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[AsyncConnectionPool]:
    async with await open_pool(database_url, DatabaseSettings()) as opened:
        yield opened


async def test_totals_equal_the_samples_wherever_since_falls(
    database_url: str, pool: AsyncConnectionPool
) -> None:
    device = register_device(database_url)
    # The last sample is 10 s old: the newest minutes are read from the samples.
    start_ms = (int(time.time()) - 60 * MINUTES - 10) * 1000
    write(database_url, [pending(device, b) for b in _samples(device, start_ms)])
    training = TrainingService(pool, DeviceService(pool, None), CoachingService(pool), None)
    subject = Subject(device.id, [device.id])
    start = datetime.fromtimestamp(start_ms / 1000, UTC)

    for since in (
        start - timedelta(days=7),  # everything
        start + timedelta(minutes=3),  # on a minute of the samples
        start + timedelta(minutes=3, seconds=17, milliseconds=500),  # inside a minute
        start + timedelta(minutes=16),  # after the power peak
        start + timedelta(minutes=MINUTES - 1, seconds=30),  # the last, raw-only, stretch
        start + timedelta(minutes=MINUTES + 5),  # nothing
    ):
        assert await training.totals(subject, since) == _truth(database_url, device, since)

    everything = await training.totals(subject, start)
    assert everything.samples == 60 * MINUTES
    assert everything.max_power_w == 900
    assert everything.first == start


async def test_totals_count_late_samples_once_they_are_rolled_up(
    database_url: str, pool: AsyncConnectionPool
) -> None:
    device = register_device(database_url)
    hour_ago_ms = (int(time.time()) - 3600) * 1000
    batches = _samples(device, hour_ago_ms)
    write(database_url, [pending(device, b) for b in batches[:10]])
    training = TrainingService(pool, DeviceService(pool, None), CoachingService(pool), None)
    subject = Subject(device.id, [device.id])
    since = datetime.fromtimestamp(hour_ago_ms / 1000, UTC)
    assert (await training.totals(subject, since)).samples == 600

    write(database_url, [pending(device, b) for b in batches[10:]])  # uploaded late
    assert await training.totals(subject, since) == _truth(database_url, device, since)
    assert (await training.totals(subject, since)).samples == 60 * MINUTES
