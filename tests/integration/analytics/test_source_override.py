"""The athlete's choice of device for a stream wins over the kinds' priorities, from the next
run on (no ``--since``), and only their own devices can be chosen."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from fitconnect.analytics.errors import AnalyticsError
from fitconnect.analytics.jobs import run_once
from fitconnect.analytics.repository import set_source_override

pytestmark = pytest.mark.integration

TENANT, ATHLETE = str(uuid.uuid4()), str(uuid.uuid4())
METER, TRAINER = str(uuid.uuid4()), str(uuid.uuid4())
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


def _main_source(url: str) -> tuple[str, float]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT device_id::text, avg_power_w FROM analytics.sessions WHERE athlete_id = %s",
            (ATHLETE,),
        ).fetchone()
    assert row is not None
    return row[0], row[1]


@pytest.fixture(scope="module")
def db(database_url: str) -> str:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users.tenants (id, slug, name) VALUES (%s, %s, 'src')",
            (TENANT, f"t-{TENANT[:8]}"),
        )
        conn.execute(
            "INSERT INTO users.accounts (id, tenant_id, email, password_hash, role, display_name)"
            " VALUES (%s, %s, 'src@example.com', 'x', 'athlete', 'Src')",
            (ATHLETE, TENANT),
        )
        for device, kind in ((METER, "power"), (TRAINER, "trainer")):
            conn.execute(
                "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind,"
                " mqtt_username, mqtt_password_hash) VALUES (%s, %s, %s, 'd', %s, %s, 'x')",
                (device, TENANT, ATHLETE, kind, f"dev-{device}"),
            )
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 3)", (START.date(),))
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, power_w) FROM STDIN"
        ) as copy:
            for i in range(600):
                copy.write_row((METER, START + timedelta(seconds=i), 200 + i % 2))
                copy.write_row((TRAINER, START + timedelta(seconds=i), 230 + i % 2))
    return database_url


def test_the_power_meter_wins_by_its_kind(db: str) -> None:
    run_once(db)
    assert _main_source(db) == (METER, pytest.approx(200.5))


def test_the_athletes_choice_wins_from_the_next_run(db: str) -> None:
    with psycopg.connect(db) as conn:
        set_source_override(conn, ATHLETE, "power_w", TRAINER)
    assert run_once(db).sessions == 1
    assert _main_source(db) == (TRAINER, pytest.approx(230.5))


def test_only_the_athletes_own_device_can_be_chosen(db: str) -> None:
    with psycopg.connect(db) as conn, pytest.raises(AnalyticsError):
        set_source_override(conn, ATHLETE, "power_w", str(uuid.uuid4()))
    with psycopg.connect(db) as conn, pytest.raises(AnalyticsError):
        set_source_override(conn, ATHLETE, "wattage", METER)
