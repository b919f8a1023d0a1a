"""The demo tenant ``fitconnect up`` seeds, so a newcomer can log in at once."""

from __future__ import annotations

import asyncio

from fitconnect.platform.auth.errors import EmailTakenError
from fitconnect.platform.auth.models import Role
from fitconnect.platform.auth.service import AuthService, TokenPolicy
from fitconnect.platform.db import open_pool
from fitconnect.settings import Settings

DEMO_TENANT = "demo"
DEMO_PASSWORD = "fitconnect-demo"  # noqa: S105 - printed for the newcomer; development only
DEMO_ACCOUNTS = (
    ("athlete@demo.fitconnect", "Demo Athlete", Role.ATHLETE),
    ("coach@demo.fitconnect", "Demo Coach", Role.COACH),
)


def seed_demo(settings: Settings, database_url: str) -> list[str]:
    """Create the demo athlete and coach if missing (development only); describe them."""
    if settings.environment != "development":
        return []
    return asyncio.run(_seed(settings, database_url))


async def _seed(settings: Settings, database_url: str) -> list[str]:
    pool = await open_pool(database_url)
    policy = TokenPolicy(settings.secret_key.get_secret_value(), 60, 60)
    auth = AuthService(pool, policy)
    try:
        for email, name, role in DEMO_ACCOUNTS:
            try:
                await auth.register(email, DEMO_PASSWORD, name, role, DEMO_TENANT)
            except EmailTakenError:
                continue
    finally:
        await pool.close()
    return [f"{role.value} {email} / {DEMO_PASSWORD}" for email, _, role in DEMO_ACCOUNTS]
