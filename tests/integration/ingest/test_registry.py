"""The registry ingest validates against: a device registered a moment ago is known at once."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from fitconnect.ingest.registry import DeviceRegistry

from .support import register_device

pytestmark = pytest.mark.integration


def test_a_device_registered_right_after_a_refresh_is_known_with_its_first_batch(
    database_url: str,
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        registry = DeviceRegistry(conn)
        assert registry.lookup(str(uuid.uuid4())) is None  # loads the registry just now
        device = register_device(database_url, registered_s_ago=0)
        found = registry.lookup(str(device.id))
        assert found is not None
        assert found.tenant_id == device.tenant_id


def test_an_unknown_or_malformed_id_is_refused_and_a_revoked_device_within_the_ttl(
    database_url: str,
) -> None:
    device = register_device(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        registry = DeviceRegistry(conn, ttl_s=0.0)
        assert registry.lookup("not-a-uuid\x00") is None
        assert registry.lookup(str(uuid.uuid4())) is None
        assert registry.lookup(str(device.id)) is not None
        conn.execute("UPDATE devices.devices SET revoked_at = now() WHERE id = %s", (device.id,))
        revoked = registry.lookup(str(device.id))
        assert revoked is not None
        assert revoked.revoked_at is not None
