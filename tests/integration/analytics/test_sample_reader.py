"""Both sample reads give the same frame, and the job computes many devices in two ranges."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from polars.testing import assert_frame_equal

from fitconnect.analytics.jobs import run_once
from fitconnect.analytics.sample_reader import read_few_samples, read_samples
from fitconnect.analytics.session_pipeline import BULK_FROM_DEVICES, device_ranges

pytestmark = pytest.mark.integration

TENANT = str(uuid.uuid4())
DEVICES = sorted(str(uuid.uuid4()) for _ in range(BULK_FROM_DEVICES + 4))
T0 = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0) - timedelta(days=2)


def _row(device: str, i: int) -> tuple[Any, ...]:
    """A second of a ride; some values missing, some instants between whole seconds."""
    ts = T0 + timedelta(seconds=i, microseconds=250_000 * (i % 3 == 0))
    power = None if i % 7 == 0 else 100 + i
    cadence = None if i % 5 == 0 else 80.5
    return (device, ts, 120 + i % 30, power, cadence, 30.25, 8.5 * i, None if i % 2 else 101.5)


@pytest.fixture(scope="module")
def db(database_url: str) -> str:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 3)", (T0.date(),))
        for device in DEVICES:
            conn.execute(
                "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind,"
                " mqtt_username, mqtt_password_hash) VALUES (%s, %s, %s, 'bike', 'ftms', %s, 'x')",
                (device, TENANT, str(uuid.uuid4()), f"dev-{device}"),
            )
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w, cadence_rpm,"
            " speed_kmh, distance_m, altitude_m) FROM STDIN"
        ) as copy:
            for device in DEVICES:
                for i in range(300):
                    copy.write_row(_row(device, i))
    return database_url


def test_binary_and_csv_reads_agree(db: str) -> None:
    # Devices start at different instants: each is trimmed to its own.
    starts = {d: T0 + timedelta(seconds=10 * k) for k, d in enumerate(DEVICES)}
    binary = read_samples(db, starts)
    with psycopg.connect(db) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        text = read_few_samples(conn, starts)
    assert binary.height == sum(300 - 10 * k for k in range(len(DEVICES)))
    assert_frame_equal(binary.sort("device_id", "ts"), text.sort("device_id", "ts"))
    assert binary["power_w"].null_count() > 0
    assert binary["ts"].dt.microsecond().max() == 250_000


def test_many_devices_are_computed_in_two_ranges(db: str) -> None:
    owners = {d: (d, TENANT) for d in DEVICES}  # one device per athlete here
    assert [len(r) for r in device_ranges(owners, DEVICES)] == [10, 10]
    summary = run_once(db)
    assert (summary.devices, summary.sessions, summary.samples) == (len(DEVICES), 20, 6000)
    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "SELECT DISTINCT moving_time_s, max_power_w FROM analytics.sessions"
        ).fetchall()
    assert rows == [(300, 399.0)]
