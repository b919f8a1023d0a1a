"""Chart series: a window on 10-second boundaries reads the 10-second rollup (and the samples
of the last two minutes); the averages must be those of the samples, bucket by bucket."""

import time
from collections.abc import AsyncIterator
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.db import open_pool
from fitconnect.platform.devices.service import DeviceService
from fitconnect.platform.training.service import (
    StreamSeries,
    Subject,
    TrainingService,
    recent_window,
)
from fitconnect.schemas import TelemetryBatch
from fitconnect.settings import DatabaseSettings
from tests.integration.ingest.support import Device, pending, register_device, write
from tests.timescaledb_jobs import held_jobs, refresh_rollups, uses_timescaledb

pytestmark = pytest.mark.integration

MINUTES = 20


def _samples(device: Device, start_ms: int, minutes: int = MINUTES) -> list[TelemetryBatch]:
    """2 Hz in one-minute batches; heart rate missing from every 7th sample, cadence from
    every 3rd, speed never sent."""
    batches = []
    for minute in range(minutes):
        n = [120 * minute + i for i in range(120)]
        batches.append(
            TelemetryBatch(
                device_id=str(device.id),
                seq=minute,
                ts_ms=[start_ms + 500 * k for k in n],
                metrics={
                    "heart_rate_bpm": [None if k % 7 == 0 else float(100 + k % 61) for k in n],
                    "power_w": [float(150 + k % 97) for k in n],
                    "cadence_rpm": [None if k % 3 == 0 else 80.5 + k % 11 for k in n],
                },
            )
        )
    return batches


def _truth(
    database_url: str, devices: list[Device], since: datetime, until: datetime, bucket: timedelta
) -> StreamSeries:
    """The plain aggregate over the samples, bucket by bucket."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT date_bin(%s, ts, %s) AS b, avg(heart_rate_bpm)::float, avg(power_w)::float,"
            " avg(cadence_rpm)::float, avg(speed_kmh)::float FROM telemetry.samples"
            " WHERE device_id = ANY(%s) AND ts >= %s AND ts < %s GROUP BY 1 ORDER BY 1",
            (bucket, since, [d.id for d in devices], since, until),
        ).fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 5
    return StreamSeries(*(list(c) for c in columns))


def _assert_same(got: StreamSeries, expected: StreamSeries) -> None:
    assert got.ts == expected.ts
    for name in ("heart_rate_bpm", "power_w", "cadence_rpm", "speed_kmh"):
        for value, exact in zip(getattr(got, name), getattr(expected, name), strict=True):
            assert value == (exact if exact is None else pytest.approx(exact, rel=1e-12)), name


@pytest.fixture
async def training(database_url: str) -> AsyncIterator[TrainingService]:
    async with await open_pool(database_url, DatabaseSettings()) as pool:
        yield TrainingService(pool, DeviceService(pool, None), CoachingService(pool), None)


async def test_a_recent_window_reads_the_rollup_and_equals_the_samples(
    database_url: str, training: TrainingService
) -> None:
    devices = [register_device(database_url) for _ in range(2)]
    start_ms = (int(time.time()) - 60 * MINUTES + 7) * 1000  # up to a few seconds ago
    for device in devices:
        write(database_url, [pending(device, b) for b in _samples(device, start_ms)])
    subject = Subject(devices[0].id, [d.id for d in devices])

    since, until = recent_window(timedelta(minutes=30))
    assert (since.second % 10, since.microsecond) == (0, 0)
    assert until > datetime.now(UTC)
    for points in (180, 60, 7):  # 10 s, 30 s buckets; 7 buckets of 257 s: not 10-s steps
        bucket = (until - since) / points
        got = await training.series(subject, since, until, points)
        assert len(got.ts) <= points
        _assert_same(got, _truth(database_url, devices, since, until, bucket))

    # A window that does not start on a 10-second boundary reads the samples alone.
    odd = since + timedelta(seconds=3, milliseconds=250)
    got = await training.series(subject, odd, until, 60)
    _assert_same(got, _truth(database_url, devices, odd, until, (until - odd) / 60))

    # The rollup answers for whole 10-second buckets: with the older samples gone (as if
    # retention had dropped them), a recent window still charts them; the raw read does not.
    timescale = uses_timescaledb(database_url)
    with held_jobs(database_url) if timescale else nullcontext():
        if timescale:
            # A continuous aggregate holds what a refresh materialized (the scheduler's, every
            # few seconds); the deletion below invalidates it: no refresh before the reads.
            refresh_rollups(database_url)
        with psycopg.connect(database_url) as conn:
            conn.execute(
                "DELETE FROM telemetry.samples WHERE device_id = ANY(%s) AND ts < now()"
                " - interval '5 minutes'",
                ([d.id for d in devices],),
            )
        from_rollup = await training.series(subject, since, until, 60)
        from_samples = await training.series(subject, odd, until, 60)
    assert len(from_rollup.ts) >= 30
    assert len(from_samples.ts) <= 12


async def test_late_samples_reach_the_chart_once_rolled_up(
    database_url: str, training: TrainingService
) -> None:
    device = register_device(database_url)
    since, until = recent_window(timedelta(hours=1))
    start_ms = int((since + timedelta(minutes=5)).timestamp() * 1000)
    batches = _samples(device, start_ms, minutes=10)
    timescale = uses_timescaledb(database_url)
    write(database_url, [pending(device, b) for b in batches[:4]])
    if timescale:  # behind the aggregates' watermark: there for the next refresh (every 10 s)
        refresh_rollups(database_url)
    subject = Subject(device.id, [device.id])
    assert len((await training.series(subject, since, until, 120)).ts) == 8

    write(database_url, [pending(device, b) for b in batches[4:]])  # a buffer, uploaded late
    if timescale:
        refresh_rollups(database_url)
    got = await training.series(subject, since, until, 120)
    assert len(got.ts) == 20
    _assert_same(got, _truth(database_url, [device], since, until, (until - since) / 120))
