"""Devices that stand for an uploaded file: where its samples are stored.

Each upload gets a device of its own (named after the file), so that its samples are keyed
like any device's and the analytics job, which recomputes what a new device brings, computes
its sessions wherever they lie in the athlete's history. Such a device never connects to the
broker: it is registered revoked, with a password nobody was given, so ingest refuses
anything published under its id and the broker files leave it out.
"""

from __future__ import annotations

import secrets
import uuid

import psycopg

from fitconnect.platform.devices import mosquitto_auth
from fitconnect.platform.devices.service import DeviceKind

Connection = psycopg.Connection[tuple[object, ...]]


def register_file_source(
    conn: Connection, *, tenant_id: uuid.UUID, athlete_id: uuid.UUID, name: str
) -> uuid.UUID:
    """A new device of ``athlete_id`` for one uploaded file, in the caller's transaction."""
    device_id = uuid.uuid4()
    conn.execute(
        "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
        " mqtt_password_hash, revoked_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now())",
        (
            device_id,
            tenant_id,
            athlete_id,
            name[:200],
            DeviceKind.OTHER.value,
            f"file-{device_id}",
            mosquitto_auth.password_hash(secrets.token_urlsafe(24)),
        ),
    )
    return device_id
