import psycopg
import pytest

from fitconnect.platform.db import SERVICE_SCHEMAS, current_revision, timescale_status, upgrade

pytestmark = pytest.mark.integration


def test_upgrade_creates_one_schema_per_service_and_is_idempotent(
    empty_database_url: str,
) -> None:
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    head = current_revision(empty_database_url)
    assert head is not None
    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == head
    with psycopg.connect(empty_database_url) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace").fetchall()
    assert set(SERVICE_SCHEMAS) <= {r[0] for r in rows}


def test_timescale_detection_matches_the_catalogue(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        status = timescale_status(conn)
        available = conn.execute(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'"
        ).fetchone()
    assert status.available == bool(available and available[0])
    assert status.describe()


def test_device_registry_refuses_duplicate_mqtt_usernames(database_url: str) -> None:
    insert = (
        "INSERT INTO devices.devices (tenant_id, athlete_id, name, kind, mqtt_username,"
        " mqtt_password_hash) VALUES (gen_random_uuid(), gen_random_uuid(), 'strap', 'hr',"
        " 'dup-user', 'x')"
    )
    with psycopg.connect(database_url) as conn:
        conn.execute(insert)
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(insert)
