"""Devices: an athlete registers a device and receives its MQTT credentials once."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.db.pages import Page, PageRequest, keyset, page_of
from fitconnect.platform.db.rows import fetch_all
from fitconnect.platform.devices import mosquitto_auth
from fitconnect.platform.devices.errors import DeviceNotFoundError
from fitconnect.schemas.topics import Channel, DeviceTopic, device_prefix


class DeviceKind(StrEnum):
    """What a device measures (the GATT profile it serves)."""

    HEART_RATE = "hr"
    POWER = "power"
    SPEED_CADENCE = "speed_cadence"
    FOOTPOD = "footpod"
    TRAINER = "trainer"
    ROWER = "rower"
    OTHER = "other"
    """Also what devices registered before kinds were a closed set read as."""

    @classmethod
    def of(cls, stored: str) -> DeviceKind:
        """The kind a stored value names (``OTHER`` for one from before the set was closed)."""
        try:
            return cls(stored)
        except ValueError:
            return cls.OTHER


@dataclass(frozen=True, slots=True)
class Device:
    id: uuid.UUID
    tenant_id: uuid.UUID
    athlete_id: uuid.UUID
    name: str
    kind: str
    registered_at: datetime
    revoked_at: datetime | None

    @property
    def topic_prefix(self) -> str:
        return device_prefix(str(self.tenant_id), str(self.id))

    @property
    def telemetry_topic(self) -> str:
        """Where the device publishes its sample batches."""
        return str(DeviceTopic(str(self.tenant_id), str(self.id), Channel.TELEMETRY))


@dataclass(frozen=True, slots=True)
class DeviceCredentials:
    """Shown once at registration; only a hash of the password is kept."""

    device: Device
    mqtt_username: str
    mqtt_password: str
    broker: BrokerAddress | None = None  # where the device connects (None: not configured)


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """The MQTT broker's host and port as a device reaches it."""

    host: str
    port: int


log = logging.getLogger(__name__)

_COLUMNS = "id, tenant_id, athlete_id, name, kind, registered_at, revoked_at"


class DeviceService:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        auth_dir: Path | None = None,
        broker: BrokerAddress | None = None,
    ) -> None:
        self._pool = pool
        self._auth_dir = auth_dir
        self._broker = broker

    async def register(
        self, principal: Principal, name: str, kind: DeviceKind
    ) -> DeviceCredentials:
        device_id = uuid.uuid4()
        password = secrets.token_urlsafe(24)
        async with (
            self._pool.connection() as conn,
            conn.cursor(row_factory=class_row(Device)) as cur,
        ):
            await cur.execute(
                f"INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind,"  # noqa: S608
                f" mqtt_username, mqtt_password_hash) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                f" RETURNING {_COLUMNS}",
                (
                    device_id,
                    principal.tenant_id,
                    principal.account_id,
                    name,
                    DeviceKind(kind).value,
                    str(device_id),
                    mosquitto_auth.password_hash(password),
                ),
            )
            device = await cur.fetchone()
        assert device is not None  # noqa: S101 - RETURNING
        await self.write_broker_files()
        return DeviceCredentials(device, str(device_id), password, self._broker)

    async def ids_of_athlete(self, athlete_id: uuid.UUID) -> list[uuid.UUID]:
        """The athlete's device ids, revoked ones included (their data stays theirs)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT id FROM devices.devices WHERE athlete_id = %s", (athlete_id,)
            )
            return [uuid.UUID(str(r[0])) for r in await cur.fetchall()]

    async def by_ids(self, tenant_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Device]:
        """The devices of ``tenant_id`` among ``ids``, in one statement (others are absent)."""
        found = await fetch_all(
            self._pool,
            Device,
            f"SELECT {_COLUMNS} FROM devices.devices"  # noqa: S608 - fixed column list
            " WHERE tenant_id = %s AND id = ANY(%s)",
            (tenant_id, ids),
        )
        return {d.id: d for d in found}

    async def list(self, principal: Principal) -> list[Device]:
        async with (
            self._pool.connection() as conn,
            conn.cursor(row_factory=class_row(Device)) as cur,
        ):
            await cur.execute(
                f"SELECT {_COLUMNS} FROM devices.devices WHERE athlete_id = %s"  # noqa: S608
                " ORDER BY registered_at",
                (principal.account_id,),
            )
            return await cur.fetchall()

    async def athlete_page(self, athlete_id: uuid.UUID, page: PageRequest) -> Page[Device]:
        """A page of an athlete's devices (revoked ones too), in the order registered; the
        caller authorizes the read (the athlete, or a coach the athlete accepted)."""
        where, order, params = keyset(("registered_at", "id"), page, descending=False)
        rows = await fetch_all(
            self._pool,
            Device,
            "SELECT " + _COLUMNS + " FROM devices.devices"  # noqa: S608 - fixed columns
            " WHERE athlete_id = %(athlete)s AND " + where + order,
            {"athlete": athlete_id, **params},
        )
        return page_of(rows, page)

    async def rename(self, principal: Principal, device_id: uuid.UUID, name: str) -> None:
        await self._update(principal, device_id, "name = %s", name)

    async def revoke(self, principal: Principal, device_id: uuid.UUID) -> None:
        """The device can no longer publish: ingest refuses it, the broker drops its login."""
        await self._update(principal, device_id, "revoked_at = coalesce(revoked_at, now())")
        await self.write_broker_files()

    async def revoke_all_of(self, athlete_ids: Sequence[uuid.UUID]) -> None:
        """Revoke every device of these (deleted) accounts, and drop their broker logins."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "UPDATE devices.devices SET revoked_at = now()"
                " WHERE athlete_id = ANY(%s) AND revoked_at IS NULL",
                (list(athlete_ids),),
            )
        if cur.rowcount:
            await self.write_broker_files()

    async def _update(
        self, principal: Principal, device_id: uuid.UUID, assignment: str, *args: object
    ) -> None:
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                f"UPDATE devices.devices SET {assignment}"  # noqa: S608 - fixed assignments
                " WHERE id = %s AND athlete_id = %s",
                (*args, device_id, principal.account_id),
            )
            if cur.rowcount != 1:
                raise DeviceNotFoundError(f"no device {device_id}")

    async def write_broker_files(self) -> None:
        """Regenerate Mosquitto's password and ACL files from the registry (when configured).

        The operator's users in the files stay (``mosquitto_auth.merged_password_file``); an
        advisory lock makes gateway processes write one after another, each from the registry
        as it is then, so the last file written has every device.
        """
        if self._auth_dir is None:
            return
        self._auth_dir.mkdir(parents=True, exist_ok=True)
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('devices.broker_files'))")
            cur = await conn.execute(
                "SELECT mqtt_username, mqtt_password_hash, tenant_id, id FROM devices.devices"
                " WHERE revoked_at IS NULL"
            )
            rows = await cur.fetchall()
            passwords = {str(u): str(h) for u, h, _, _ in rows}
            prefixes = {str(u): device_prefix(str(t), str(d)) for u, _, t, d in rows}
            mosquitto_auth.replace_file(
                self._auth_dir / "passwd",
                mosquitto_auth.merged_password_file(self._auth_dir, passwords),
            )
            mosquitto_auth.replace_file(
                self._auth_dir / "acl",
                mosquitto_auth.merged_acl_file(self._auth_dir, prefixes, reader="ingest"),
            )
        self._reload_broker()

    def _reload_broker(self) -> None:
        """SIGHUP the broker whose pid file sits beside the files, so it rereads them now."""
        assert self._auth_dir is not None  # noqa: S101 - only called with files written
        pid_file = self._auth_dir / "mosquitto.pid"
        if not pid_file.exists():
            return
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGHUP)
        except (ValueError, ProcessLookupError):
            log.warning("broker pid file %s is stale; not reloaded", pid_file)
