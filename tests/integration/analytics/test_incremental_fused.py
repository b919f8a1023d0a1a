"""Incremental runs over athletes with several devices equal a full recompute.

Carol rides with a heart-rate strap, a power meter and a smart trainer at once, Dave with a
strap and a power meter, in one tenant (so they share leaderboards). Sessions are fused per
athlete; each incremental run after new rides, a device's late upload and late samples of
one device must leave exactly what recomputing everything from scratch gives: a full
recompute afterwards writes no row and every result table reads the same.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from fitconnect.analytics.jobs import run_once

pytestmark = pytest.mark.integration

TENANT = str(uuid.uuid4())
CAROL, DAVE = str(uuid.uuid4()), str(uuid.uuid4())
C_HR, C_PM, C_TR = (str(uuid.uuid4()) for _ in range(3))
D_HR, D_PM = str(uuid.uuid4()), str(uuid.uuid4())
DEVICES = ((C_HR, CAROL, "hr"), (C_PM, CAROL, "power"), (C_TR, CAROL, "trainer"))
DEVICES += ((D_HR, DAVE, "hr"), (D_PM, DAVE, "power"))
DAY0 = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0) - timedelta(days=5)
AS_OF = (DAY0 + timedelta(days=5)).date()

RESULT_TABLES = (
    "analytics.sessions",
    "analytics.laps",
    "analytics.daily_load",
    "analytics.weekly_volume",
    "analytics.personal_records",
    "analytics.ftp_estimates",
    "analytics.notices",
    "gamification.athlete_progress",
    "gamification.badge_awards",
    "gamification.leaderboards",
)


def _connect(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(url, autocommit=True)


def _samples(kind: str, i: int, watts: int) -> tuple[Any, ...]:
    """(heart rate, power, cadence, speed, distance) a device of ``kind`` sends at second i."""
    power = watts + (i % 60) - 30
    if kind == "hr":
        return (120 + i % 40, None, None, None, None)
    if kind == "power":
        return (None, power, 85.0 + i % 5, None, None)
    return (None, power - 6, None, 31.0, i * 31.0 / 3.6)


def _ride(url: str, device: str, kind: str, start: datetime, seconds: int, *, watts: int) -> None:
    with _connect(url) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 3)", (start.date(),))
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w, cadence_rpm,"
            " speed_kmh, distance_m) FROM STDIN"
        ) as copy:
            for i in range(seconds):
                copy.write_row((device, start + timedelta(seconds=i), *_samples(kind, i, watts)))


def _ride_all(url: str, athlete: str, start: datetime, seconds: int, watts: int) -> None:
    for device, owner, kind in DEVICES:
        if owner == athlete:
            _ride(url, device, kind, start, seconds, watts=watts)


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with _connect(url) as conn:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)  # noqa: S608
            for t in RESULT_TABLES
        }


def _sessions(url: str, athlete: str) -> list[tuple[Any, ...]]:
    with _connect(url) as conn:
        return conn.execute(
            "SELECT start_ts, cardinality(devices) FROM analytics.sessions"
            " WHERE athlete_id = %s ORDER BY start_ts",
            (athlete,),
        ).fetchall()


@pytest.fixture(scope="module")
def db(database_url: str) -> str:
    with _connect(database_url) as conn:
        conn.execute(
            "INSERT INTO users.tenants (id, slug, name) VALUES (%s, %s, 'fused')",
            (TENANT, f"t-{TENANT[:8]}"),
        )
        for athlete in (CAROL, DAVE):
            conn.execute(
                "INSERT INTO users.accounts (id, tenant_id, email, password_hash, role,"
                " display_name, ftp_w, hr_max_bpm)"
                " VALUES (%s, %s, %s, 'x', 'athlete', 'a', 250, 190)",
                (athlete, TENANT, f"{athlete}@example.com"),
            )
        for device, athlete, kind in DEVICES:
            conn.execute(
                "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
                " mqtt_password_hash) VALUES (%s, %s, %s, %s, %s, %s, 'x')",
                (device, TENANT, athlete, kind, kind, f"dev-{device}"),
            )
    _ride_all(database_url, CAROL, DAY0, 3600, 200)
    _ride_all(database_url, DAVE, DAY0, 2400, 230)
    first = run_once(database_url, as_of=AS_OF)
    assert (first.athletes, first.devices, first.sessions) == (2, 5, 2)
    return database_url


def test_one_new_session_touches_its_athlete_only(db: str) -> None:
    _ride_all(db, CAROL, DAY0 + timedelta(days=1), 3600, 260)
    run = run_once(db, as_of=AS_OF)
    assert (run.athletes, run.devices, run.sessions) == (1, 3, 1)
    assert _sessions(db, CAROL) == [(DAY0, 3), (DAY0 + timedelta(days=1), 3)]
    assert run_once(db, as_of=AS_OF).devices == 0


def test_a_device_uploading_late_joins_its_session(db: str) -> None:
    start = DAY0 + timedelta(days=2)
    _ride(db, D_HR, "hr", start, 1800, watts=0)
    assert run_once(db, as_of=AS_OF).sessions == 1
    assert _sessions(db, DAVE)[-1] == (start, 1)
    _ride(db, D_PM, "power", start, 1800, watts=280)  # the power meter's upload, an hour later
    run = run_once(db, as_of=AS_OF)
    assert (run.athletes, run.sessions) == (1, 1)
    assert _sessions(db, DAVE)[-1] == (start, 2)


def test_late_samples_of_one_device_extend_the_fused_session(db: str) -> None:
    start = DAY0 + timedelta(days=1)
    _ride(db, C_TR, "trainer", start + timedelta(seconds=3600), 300, watts=180)
    run = run_once(db, as_of=AS_OF)
    assert (run.athletes, run.devices, run.sessions) == (1, 3, 1)
    assert _sessions(db, CAROL)[-1] == (start, 3)


def test_incremental_results_equal_a_full_recompute(db: str) -> None:
    before = _snapshot(db)
    assert all(before[t] for t in ("analytics.sessions", "gamification.leaderboards"))
    full = run_once(db, as_of=AS_OF, since=DAY0 - timedelta(days=400))
    assert (full.athletes, full.devices) == (2, 5)
    assert full.rows_written == 0
    assert _snapshot(db) == before
