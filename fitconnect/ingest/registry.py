"""The device registry as ingest sees it: who may publish, for which tenant, since when.

Registration is the platform's job; ingest only reads ``devices.published_devices`` (the view
the devices context publishes for it), caches it, and refreshes it every ``ttl_s`` or on a miss
(so a device registered a moment ago is accepted at once, and a revoked one is refused within
``ttl_s``).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import psycopg
from psycopg.rows import class_row


@dataclass(frozen=True, slots=True)
class RegisteredDevice:
    id: uuid.UUID
    tenant_id: uuid.UUID
    athlete_id: uuid.UUID
    registered_at: datetime
    revoked_at: datetime | None


class DeviceLookup(Protocol):
    """Where ``validation.check`` finds a device (the registry; the live feed's own list)."""

    def lookup(self, device_id: str) -> RegisteredDevice | None: ...


class DeviceRegistry:
    """A cached copy of ``devices.published_devices``; ``lookup`` refreshes on a miss at most
    once a second.

    It wants a connection of its own in autocommit mode, apart from the writer's transaction.
    """

    def __init__(self, conn: psycopg.Connection[tuple[object, ...]], ttl_s: float = 30.0) -> None:
        self._conn = conn
        self._ttl_s = ttl_s
        self._devices: dict[str, RegisteredDevice] = {}
        self._loaded_at = float("-inf")

    def refresh(self) -> None:
        with self._conn.cursor(row_factory=class_row(RegisteredDevice)) as cur:
            cur.execute(
                "SELECT id, tenant_id, athlete_id, registered_at, revoked_at"
                " FROM devices.published_devices"
            )
            self._devices = {str(d.id): d for d in cur.fetchall()}
        self._loaded_at = time.monotonic()

    def lookup(self, device_id: str) -> RegisteredDevice | None:
        age = time.monotonic() - self._loaded_at
        if age > self._ttl_s or (device_id not in self._devices and age > 1.0):
            self.refresh()
        return self._devices.get(device_id)
