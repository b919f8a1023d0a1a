"""The device registry as ingest sees it: who may publish, for which tenant, since when.

Registration is the platform's job; ingest only reads ``devices.published_devices`` (the view
the devices context publishes for it), caches it, and refreshes it every ``ttl_s``; a device
it has not seen is looked up alone at once (so a device registered a moment ago is accepted
with its first batch, and a revoked one is refused within ``ttl_s``). An id found nowhere is
not asked for again within a second: unknown ids cost one indexed read per id and second.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import psycopg
from psycopg.rows import class_row

_MAX_MISSING = 10_000
"""Unknown ids remembered between refreshes; past it the memory starts again."""


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
    """A cached copy of ``devices.published_devices``; ``lookup`` reads a device it does not
    hold by its id (an id found nowhere is asked for again after a second at the earliest).

    It wants a connection of its own in autocommit mode, apart from the writer's transaction.
    """

    def __init__(self, conn: psycopg.Connection[tuple[object, ...]], ttl_s: float = 30.0) -> None:
        self._conn = conn
        self._ttl_s = ttl_s
        self._devices: dict[str, RegisteredDevice] = {}
        self._loaded_at = float("-inf")
        self._missing: dict[str, float] = {}

    def refresh(self) -> None:
        with self._conn.cursor(row_factory=class_row(RegisteredDevice)) as cur:
            cur.execute(
                "SELECT id, tenant_id, athlete_id, registered_at, revoked_at"
                " FROM devices.published_devices"
            )
            self._devices = {str(d.id): d for d in cur.fetchall()}
        self._loaded_at = time.monotonic()
        self._missing.clear()

    def lookup(self, device_id: str) -> RegisteredDevice | None:
        now = time.monotonic()
        if now - self._loaded_at > self._ttl_s:
            self.refresh()
        found = self._devices.get(device_id)
        if found is None and now - self._missing.get(device_id, float("-inf")) > 1.0:
            found = self._read_one(device_id)
            if found is None:
                if len(self._missing) >= _MAX_MISSING:  # a flood of made-up ids
                    self._missing.clear()
                self._missing[device_id] = now
            else:
                self._devices[device_id] = found
        return found

    def _read_one(self, device_id: str) -> RegisteredDevice | None:
        try:
            key = uuid.UUID(device_id)
        except ValueError:
            return None
        with self._conn.cursor(row_factory=class_row(RegisteredDevice)) as cur:
            cur.execute(
                "SELECT id, tenant_id, athlete_id, registered_at, revoked_at"
                " FROM devices.published_devices WHERE id = %s",
                (key,),
            )
            return cur.fetchone()
