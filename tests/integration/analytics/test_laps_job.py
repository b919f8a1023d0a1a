"""Laps through the analytics job on the real PostgreSQL: lap events in, ``analytics.laps`` out.

One story on one database, in order: laps from lap events, a re-run, a late lap event, a ride
without laps, and a full recompute that finds nothing to change.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from fitconnect.analytics.jobs import run_once

pytestmark = pytest.mark.integration

TENANT, ATHLETE, DEVICE = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
DAY0 = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0) - timedelta(days=3)
AS_OF = (DAY0 + timedelta(days=3)).date()


def _connect(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(url, autocommit=True)


def _ride(url: str, start: datetime, watts: list[int]) -> None:
    with _connect(url) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 3)", (start.date(),))
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w, distance_m) FROM STDIN"
        ) as copy:
            for i, w in enumerate(watts):
                copy.write_row((DEVICE, start + timedelta(seconds=i), 140, w, 10.0 * i))


def _lap_events(url: str, *at: datetime) -> None:
    with _connect(url) as conn:
        conn.cursor().executemany(
            "INSERT INTO telemetry.device_events (device_id, ts, kind) VALUES (%s, %s, 'lap')",
            [(DEVICE, t) for t in at],
        )


def _laps(url: str) -> list[tuple[Any, ...]]:
    with _connect(url) as conn:
        return conn.execute(
            "SELECT s.start_ts, l.lap, l.start_ts, l.duration_s, l.distance_m, l.avg_power_w,"
            " l.normalized_power_w FROM analytics.laps l"
            " JOIN analytics.sessions s ON s.id = l.session_id WHERE s.device_id = %s"
            " ORDER BY s.start_ts, l.lap",
            (DEVICE,),
        ).fetchall()


@pytest.fixture(scope="module")
def db(database_url: str) -> str:
    """One athlete: 200 s at 150 W, 200 s at 250 W, 200 s at 150 W; laps at 200 s and 400 s."""
    with _connect(database_url) as conn:
        conn.execute(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash) VALUES (%s, %s, %s, 'trainer', 'ftms', %s, 'x')",
            (DEVICE, TENANT, ATHLETE, f"dev-{DEVICE}"),
        )
    _ride(database_url, DAY0, [150] * 200 + [250] * 200 + [150] * 200)
    _lap_events(database_url, DAY0 + timedelta(seconds=200), DAY0 + timedelta(seconds=400))
    return database_url


def test_lap_events_become_laps(db: str) -> None:
    run_once(db, as_of=AS_OF)
    assert _laps(db) == [
        (DAY0, 1, DAY0, 200, 2000.0, 150.0, pytest.approx(150.0)),
        (DAY0, 2, DAY0 + timedelta(seconds=200), 200, 2000.0, 250.0, pytest.approx(250.0)),
        (DAY0, 3, DAY0 + timedelta(seconds=400), 200, 1990.0, 150.0, pytest.approx(150.0)),
    ]


def test_rerun_changes_nothing(db: str) -> None:
    summary = run_once(db, as_of=AS_OF)
    assert (summary.devices, summary.rows_written) == (0, 0)


def test_a_late_lap_event_splits_its_lap(db: str) -> None:
    _lap_events(db, DAY0 + timedelta(seconds=500))
    assert run_once(db, as_of=AS_OF).devices == 1
    assert [(lap, duration) for _, lap, _, duration, *_ in _laps(db)] == [
        (1, 200),
        (2, 200),
        (3, 100),
        (4, 100),
    ]


def test_a_ride_without_lap_events_has_no_laps(db: str) -> None:
    _ride(db, DAY0 + timedelta(days=1), [200] * 300)
    assert run_once(db, as_of=AS_OF).sessions == 1
    assert {session for session, *_ in _laps(db)} == {DAY0}


def test_full_recompute_finds_nothing_to_change(db: str) -> None:
    before = _laps(db)
    full = run_once(db, as_of=AS_OF, since=DAY0 - timedelta(days=30))
    assert (full.devices, full.rows_written) == (1, 0)
    assert _laps(db) == before
