"""The athlete's profile is what the analytics compute with, value by value over time.

One story on one database: a ride without a stated FTP (no TSS; the estimate only suggests),
the athlete states an FTP in their profile (the ride gets its TSS at the next run, without
``--since``), then raises it (only sessions after the change use the new value), and the
estimate that rises afterwards notifies without touching the profile. The demo athlete
comes with an FTP and heart-rate range.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from fitconnect.analytics.jobs import run_once
from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.devices.service import DeviceService
from fitconnect.platform.training.service import Subject, TrainingService
from fitconnect.platform.users.service import ProfileChange, UserService
from fitconnect.runtime.demo import DEMO_ACCOUNTS, DEMO_PARAMETERS, seed_demo
from fitconnect.settings import Settings

pytestmark = pytest.mark.integration

TENANT, ATHLETE, DEVICE = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
PAST = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)


def _rows(url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


def _ride(url: str, start: datetime, seconds: int, watts: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 5)", (start.date(),))
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w) FROM STDIN"
        ) as copy:
            for i in range(seconds):
                copy.write_row((DEVICE, start + timedelta(seconds=i), 140, watts + i % 3 - 1))


def _sessions(url: str) -> list[tuple[Any, ...]]:
    return _rows(
        url,
        "SELECT start_ts, ftp_w, tss FROM analytics.sessions WHERE athlete_id = %s"
        " ORDER BY start_ts",
        ATHLETE,
    )


def _principal() -> Principal:
    return Principal(uuid.UUID(ATHLETE), uuid.UUID(TENANT), Role.ATHLETE)


@pytest.fixture(scope="module")
def db(database_url: str) -> str:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users.tenants (id, slug, name) VALUES (%s, %s, 'profile')",
            (TENANT, f"t-{TENANT[:8]}"),
        )
        conn.execute(
            "INSERT INTO users.accounts (id, tenant_id, email, password_hash, role, display_name)"
            " VALUES (%s, %s, 'rider@example.com', 'x', 'athlete', 'Rider')",
            (ATHLETE, TENANT),
        )
        conn.execute(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash) VALUES (%s, %s, %s, 'meter', 'power', %s, 'x')",
            (DEVICE, TENANT, ATHLETE, f"dev-{DEVICE}"),
        )
    _ride(database_url, PAST, 3600, 240)
    return database_url


def test_without_a_stated_ftp_there_is_no_tss(db: str) -> None:
    run_once(db)
    assert _sessions(db) == [(PAST, None, None)]
    (estimate,) = _rows(
        db, "SELECT ftp_estimate_w FROM analytics.ftp_estimates WHERE athlete_id = %s", ATHLETE
    )
    assert estimate[0] == pytest.approx(0.95 * 240, abs=1)  # a suggestion, not used


async def test_the_profiles_ftp_is_used_from_the_next_run(
    db: str, pool: AsyncConnectionPool
) -> None:
    users = UserService(pool, "")
    profile = await users.update(_principal(), ProfileChange(ftp_w=300, hr_max_bpm=185))
    assert profile.ftp_w == 300
    summary = run_once(db)  # no --since: the change itself recomputes the athlete
    assert summary.sessions == 1
    ((start, ftp, tss),) = _sessions(db)
    assert (start, ftp) == (PAST, 300.0)
    assert tss == pytest.approx((3600 - 29) * 240 * 0.8 / (300 * 3600) * 100, rel=1e-3)
    assert run_once(db).rows_written == 0


async def test_a_later_change_counts_from_its_date(db: str, pool: AsyncConnectionPool) -> None:
    await UserService(pool, "").update(_principal(), ProfileChange(ftp_w=200))
    _ride(db, datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2), 1800, 300)
    run_once(db)
    rows = _sessions(db)
    assert [ftp for _, ftp, _ in rows] == [300.0, 200.0]  # the old ride keeps its FTP
    history = _rows(
        db,
        "SELECT valid_from, ftp_w FROM users.athlete_parameters WHERE athlete_id = %s"
        " ORDER BY valid_from NULLS FIRST",
        ATHLETE,
    )
    assert [(v is None, f) for v, f in history] == [(True, 300), (False, 200)]


async def test_a_rising_estimate_notifies_and_leaves_the_profile(
    db: str, pool: AsyncConnectionPool
) -> None:
    notices = _rows(db, "SELECT message FROM analytics.notices WHERE athlete_id = %s", ATHLETE)
    assert any("FTP estimate up" in m for (m,) in notices)
    assert _rows(db, "SELECT ftp_w FROM users.accounts WHERE id = %s", ATHLETE) == [(200,)]
    training = TrainingService(pool, DeviceService(pool), CoachingService(pool))
    suggestion = await training.ftp_estimate(Subject(uuid.UUID(ATHLETE), []))
    assert suggestion is not None  # shown beside the stated 200 W, never in its place
    assert suggestion.rose
    assert suggestion.ftp_estimate_w == pytest.approx(0.95 * 300, abs=2)


def test_the_demo_athlete_has_training_parameters(db: str) -> None:
    settings = Settings(environment="development")
    seed_demo(settings, db)
    rows = _rows(
        db,
        "SELECT ftp_w, hr_max_bpm, hr_rest_bpm FROM users.accounts WHERE email = %s",
        DEMO_ACCOUNTS[0][0],
    )
    assert rows == [
        (DEMO_PARAMETERS.ftp_w, DEMO_PARAMETERS.hr_max_bpm, DEMO_PARAMETERS.hr_rest_bpm)
    ]
