"""The simulated edge fleet of a deployment (docker-compose's ``sim`` profile).

``fitconnect sim register`` runs once before the simulator: it makes sure a simulation
athlete (its own tenant) has ``count`` registered devices, through the devices service as
``registerDevice`` does, and writes the agent configuration that runs exactly those devices
(``fitconnect-edge run --config``). Ingest stores only registered devices' data, so the
simulator's rides reach the charts; run again, it reuses the devices it registered before.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from fitconnect.errors import ConfigurationError
from fitconnect.platform.auth.errors import EmailTakenError
from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.auth.repository import account_by_email
from fitconnect.platform.auth.service import AuthService, TokenPolicy
from fitconnect.platform.db import open_pool
from fitconnect.platform.devices.service import DeviceKind, DeviceService
from fitconnect.settings import Settings

SIM_TENANT = "simulation"
SIM_EMAIL = "athlete@sim.fitconnect.invalid"
SIM_NAME = "Simulated Athlete"
SIM_PROFILES = ("ride", "run", "row")


@dataclass(frozen=True, slots=True)
class Fleet:
    """The simulation athlete's tenant and the ids of its registered simulated devices."""

    tenant_id: str
    device_ids: list[str]


@dataclass(frozen=True, slots=True)
class AgentFile:
    """What the agent configuration says besides the devices."""

    broker: str
    buffer: str
    metrics_port: int
    metrics_host: str
    profile: str = "ride"
    hz: float = 4.0


def register_fleet(
    settings: Settings, database_url: str, count: int, password: str | None
) -> Fleet:
    """The simulation athlete (created with ``password``, random when None) and ``count`` of
    its devices, registered when missing."""
    return asyncio.run(_register(settings, database_url, count, password))


async def _register(
    settings: Settings, database_url: str, count: int, password: str | None
) -> Fleet:
    pool = await open_pool(database_url, settings.database)
    try:
        auth = AuthService(pool, TokenPolicy(settings.secret_key.get_secret_value(), 60, 60))
        async with pool.connection() as conn:
            row = await account_by_email(conn, SIM_EMAIL)
        if row is None:  # the first run founds the simulation tenant
            with suppress(EmailTakenError):
                secret = password or secrets.token_urlsafe(24)
                await auth.register(SIM_EMAIL, secret, SIM_NAME, Role.ATHLETE, SIM_TENANT)
            async with pool.connection() as conn:
                row = await account_by_email(conn, SIM_EMAIL)
        if row is None:
            raise ConfigurationError(f"the simulation athlete {SIM_EMAIL} could not be created")
        athlete = Principal(row.id, row.tenant_id, Role(row.role))
        service = DeviceService(pool, settings.mqtt_auth_dir)
        devices = [d for d in await service.list(athlete) if d.revoked_at is None]
        for i in range(len(devices), count):
            made = await service.register(athlete, f"simulated bike {i + 1}", DeviceKind.POWER)
            devices.append(made.device)
    finally:
        await pool.close()
    return Fleet(str(athlete.tenant_id), [str(d.id) for d in devices[:count]])


def agent_config(fleet: Fleet, agent: AgentFile) -> str:
    """``edge.toml`` for ``fitconnect-edge run`` with the fleet's devices, simulated."""
    if agent.profile not in SIM_PROFILES:
        raise ConfigurationError(f"profile {agent.profile!r} is not one of {SIM_PROFILES}")
    q = json.dumps  # a JSON string is a TOML basic string (quotes and escapes alike)
    lines = [
        "# Written by `fitconnect sim register`: the simulation athlete's registered devices.",
        f"broker = {q(agent.broker)}",
        f"tenant = {q(fleet.tenant_id)}",
        f"buffer = {q(agent.buffer)}",
        f"metrics_port = {int(agent.metrics_port)}",
        f"metrics_host = {q(agent.metrics_host)}",
        f"hz = {float(agent.hz)!r}",
    ]
    for device in fleet.device_ids:
        lines += ["", "[[devices]]", f"id = {q(device)}", 'source = "simulated"']
        lines.append(f"profile = {q(agent.profile)}")
    return "\n".join(lines) + "\n"


def write_agent_config(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole (a reader never sees half a file); owner-only, since
    it holds the broker password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.chmod(0o600)
    partial.replace(path)
