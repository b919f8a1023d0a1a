"""The embedded Mosquitto's users: the same password and ACL files as production.

``fitconnect up`` runs Mosquitto with ``allow_anonymous false``, the ``passwd`` and ``acl``
files the gateway writes (one user per registered device, who writes only under its own
topics) and a pid file beside them, so the gateway's rewrite reloads the broker (SIGHUP).
The processes ``up`` starts get users of their own, kept in ``passwd.static`` and
``acl.static`` (which every rewrite keeps): ``ingest`` reads every device's topics (the
ingest workers, the gateway's live feed) and writes the commit acknowledgements (``…/ack``),
``simulator`` publishes for the simulated devices and reads their acknowledgements.
Their passwords are random, made on the first start and kept in ``service-passwords.json``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from fitconnect.platform.db import open_pool
from fitconnect.platform.devices import mosquitto_auth
from fitconnect.platform.devices.service import DeviceService
from fitconnect.settings import Settings

READER = "ingest"
SIMULATOR = "simulator"
SERVICE_ACL = (  # ingest also writes the commit acknowledgements; the simulator reads them
    f"user {READER}\ntopic read fc/v1/#\ntopic read $SYS/broker/uptime\n"  # + health checks
    f"topic write {mosquitto_auth.ACK_TOPICS}\n\n"
    f"user {SIMULATOR}\ntopic write fc/v1/#\n"  # it speaks for every simulated device
    f"topic read {mosquitto_auth.ACK_TOPICS}\n\n"
)


@dataclass(frozen=True, slots=True)
class BrokerUsers:
    """The service users' passwords (for their ``mqtt://user:password@…`` URLs)."""

    reader_password: str
    simulator_password: str

    def url(self, user: str, host: str, port: int) -> str:
        password = self.reader_password if user == READER else self.simulator_password
        return f"mqtt://{user}:{password}@{host}:{port}"


def prepare(auth_dir: Path, users: BrokerUsers | None = None) -> BrokerUsers:
    """Write the files the broker starts with; keep the device users a gateway wrote before.

    ``users``: the service users' passwords (docker-compose gives them); unset, random ones
    are made once and kept in ``service-passwords.json`` (``fitconnect up``).
    """
    auth_dir.mkdir(parents=True, exist_ok=True)
    if users is None:
        users = _kept_users(auth_dir / "service-passwords.json")
    static = {
        READER: mosquitto_auth.password_hash(users.reader_password),
        SIMULATOR: mosquitto_auth.password_hash(users.simulator_password),
    }
    mosquitto_auth.replace_file(auth_dir / "passwd.static", mosquitto_auth.password_file(static))
    mosquitto_auth.replace_file(auth_dir / "acl.static", SERVICE_ACL)
    devices = _device_entries(auth_dir / "passwd")
    mosquitto_auth.replace_file(
        auth_dir / "passwd", mosquitto_auth.merged_password_file(auth_dir, devices)
    )
    acl = auth_dir / "acl"
    if not acl.exists():  # the gateway writes the devices' lines (and these) from the registry
        mosquitto_auth.replace_file(acl, SERVICE_ACL)
    return users


def _kept_users(kept: Path) -> BrokerUsers:
    if kept.exists():
        saved = json.loads(kept.read_text())
        return BrokerUsers(str(saved[READER]), str(saved[SIMULATOR]))
    users = BrokerUsers(secrets.token_urlsafe(24), secrets.token_urlsafe(24))
    kept.touch(mode=0o600)
    kept.write_text(
        json.dumps({READER: users.reader_password, SIMULATOR: users.simulator_password})
    )
    return users


def _device_entries(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            user, sep, hashed = line.strip().partition(":")
            if sep and mosquitto_auth.is_device_user(user):
                entries[user] = hashed
    return entries


def write_device_files(settings: Settings, database_url: str) -> None:
    """The gateway's rewrite of ``passwd`` and ``acl`` from the device registry, done once at
    start (devices registered in an earlier run, the demo's), which reloads the broker."""
    asyncio.run(_write(settings, database_url))


async def _write(settings: Settings, database_url: str) -> None:
    pool = await open_pool(database_url, settings.database)
    try:
        await DeviceService(pool, settings.mqtt_auth_dir).write_broker_files()
    finally:
        await pool.close()
