"""The demo tenant ``fitconnect up`` seeds, so a newcomer can log in at once."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from fitconnect.errors import ConfigurationError
from fitconnect.platform.auth.errors import EmailTakenError
from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.auth.repository import account_by_email
from fitconnect.platform.auth.service import AuthService, TokenPolicy
from fitconnect.platform.auth.tenancy import TenancyService
from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.db import open_pool
from fitconnect.platform.devices.service import DeviceKind, DeviceService
from fitconnect.platform.users.service import ProfileChange, UserService
from fitconnect.settings import Settings

DEMO_TENANT = "demo"
DEMO_PASSWORD = "fitconnect-demo"  # noqa: S105 - printed for the newcomer; development only
DEMO_ACCOUNTS = (
    ("athlete@demo.fitconnect", "Demo Athlete", Role.ATHLETE),
    ("coach@demo.fitconnect", "Demo Coach", Role.COACH),
)
DEMO_PARAMETERS = ProfileChange(
    ftp_w=250, hr_max_bpm=185, hr_rest_bpm=55, weight_kg=72.0, sex="male"
)
"""The demo athlete's stated FTP and heart-rate range (those of the simulator's rider), so
TSS and the fitness chart have values from the first simulated ride on."""


def seed_demo(settings: Settings, database_url: str) -> list[str]:
    """Create the demo athlete and coach if missing (development only); describe them."""
    if settings.environment != "development":
        return []
    return asyncio.run(_seed(settings, database_url))


async def _seed(settings: Settings, database_url: str) -> list[str]:
    """The first demo account founds the demo tenant; it invites the others into it."""
    pool = await open_pool(database_url, settings.database)
    policy = TokenPolicy(settings.secret_key.get_secret_value(), 60, 60)
    auth = AuthService(pool, policy)
    try:
        (owner_email, owner_name, owner_role), *others = DEMO_ACCOUNTS
        created = False
        with suppress(EmailTakenError):
            await auth.register(owner_email, DEMO_PASSWORD, owner_name, owner_role, DEMO_TENANT)
            created = True
        async with pool.connection() as conn:
            row = await account_by_email(conn, owner_email)
        if row is None:
            raise ConfigurationError("the demo tenant's owner is missing")
        owner = Principal(row.id, row.tenant_id, Role(row.role))
        if created:  # the demo athlete's parameters, once (later the athlete's own changes)
            await UserService(pool, "").update(owner, DEMO_PARAMETERS)
        for email, name, role in others:
            async with pool.connection() as conn:
                if await account_by_email(conn, email) is not None:
                    continue
            invited = await TenancyService(pool).invite(owner, role, email)
            account = await auth.register(
                email, DEMO_PASSWORD, name, role, invitation=invited.token
            )
            if role is Role.COACH:  # the demo coach coaches the demo athlete (accepted)
                coach = Principal(account.id, owner.tenant_id, role)
                coaching = CoachingService(pool)
                await coaching.invite(coach, owner_email)
                await coaching.respond(owner, coach.account_id, accept=True)
    finally:
        await pool.close()
    return [f"{role.value} {email} / {DEMO_PASSWORD}" for email, _, role in DEMO_ACCOUNTS]


def demo_devices(settings: Settings, database_url: str, count: int) -> tuple[str, list[str]]:
    """The demo athlete's tenant and ``count`` of its devices (registered when missing)."""
    return asyncio.run(_devices(settings, database_url, count))


async def _devices(settings: Settings, database_url: str, count: int) -> tuple[str, list[str]]:
    pool = await open_pool(database_url, settings.database)
    try:
        async with pool.connection() as conn:
            row = await account_by_email(conn, DEMO_ACCOUNTS[0][0])
        if row is None:
            raise ConfigurationError("the demo athlete is missing; is this a development setup?")
        principal = Principal(row.id, row.tenant_id, Role(row.role))
        service = DeviceService(pool, settings.mqtt_auth_dir)
        existing = [d for d in await service.list(principal) if d.revoked_at is None]
        for i in range(len(existing), count):
            creds = await service.register(principal, f"simulated bike {i + 1}", DeviceKind.POWER)
            existing.append(creds.device)
    finally:
        await pool.close()
    return str(principal.tenant_id), [str(d.id) for d in existing[:count]]
