"""An athlete's privacy: who sees their account, what they hide, their privacy zone, blocks.

What these settings mean for a viewer is decided in one place, ``visibility``; this module only
keeps them. A block ends the follows both ways (and pending follow requests) at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.db.rows import fetch_one
from fitconnect.platform.social.errors import AthleteNotFoundError, InvalidPrivacyError
from fitconnect.platform.social.visibility import AccountVisibility
from fitconnect.platform.users import directory

MAX_ZONE_RADIUS_M = 10_000.0


@dataclass(frozen=True, slots=True)
class Privacy:
    visibility: str = AccountVisibility.PUBLIC.value
    hide_heart_rate: bool = False
    hide_power: bool = False
    hide_start_time: bool = False
    home_lat: float | None = None
    home_lon: float | None = None
    zone_radius_m: float = 0.0


@dataclass(frozen=True, slots=True)
class PrivacyChange:
    """Only the fields given (not None) change; ``clear_zone`` removes the privacy zone."""

    visibility: AccountVisibility | None = None
    hide_heart_rate: bool | None = None
    hide_power: bool | None = None
    hide_start_time: bool | None = None
    home_lat: float | None = None
    home_lon: float | None = None
    zone_radius_m: float | None = None
    clear_zone: bool = False


_FIELDS = (
    "visibility, hide_heart_rate, hide_power, hide_start_time, home_lat, home_lon, zone_radius_m"
)


class PrivacyService:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def privacy(self, owner: Principal) -> Privacy:
        found = await fetch_one(
            self._pool,
            Privacy,
            "SELECT " + _FIELDS + " FROM social.privacy_settings WHERE account_id = %s",  # noqa: S608 - constants joined
            (owner.account_id,),
        )
        return found or Privacy()

    async def update(self, owner: Principal, change: PrivacyChange) -> Privacy:
        current = await self.privacy(owner)
        home_lat, home_lon, radius = current.home_lat, current.home_lon, current.zone_radius_m
        if change.clear_zone:
            home_lat, home_lon, radius = None, None, 0.0
        if (change.home_lat is None) != (change.home_lon is None):
            raise InvalidPrivacyError("a privacy zone's home has a latitude and a longitude")
        if change.home_lat is not None and change.home_lon is not None:
            if not (-90 <= change.home_lat <= 90 and -180 <= change.home_lon <= 180):
                raise InvalidPrivacyError("a home is a latitude of ±90° and a longitude of ±180°")
            home_lat, home_lon = change.home_lat, change.home_lon
        if change.zone_radius_m is not None:
            if not 0 <= change.zone_radius_m <= MAX_ZONE_RADIUS_M:
                raise InvalidPrivacyError(f"a zone's radius is 0 to {MAX_ZONE_RADIUS_M:.0f} m")
            radius = change.zone_radius_m
        visibility = AccountVisibility(change.visibility or current.visibility).value
        values = (
            owner.account_id,
            visibility,
            _given(change.hide_heart_rate, current.hide_heart_rate),
            _given(change.hide_power, current.hide_power),
            _given(change.hide_start_time, current.hide_start_time),
            home_lat,
            home_lon,
            radius,
        )
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO social.privacy_settings (account_id, " + _FIELDS + ")"  # noqa: S608 - constants joined
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (account_id) DO UPDATE SET"
                " visibility = EXCLUDED.visibility, hide_heart_rate = EXCLUDED.hide_heart_rate,"
                " hide_power = EXCLUDED.hide_power, hide_start_time = EXCLUDED.hide_start_time,"
                " home_lat = EXCLUDED.home_lat, home_lon = EXCLUDED.home_lon,"
                " zone_radius_m = EXCLUDED.zone_radius_m, updated_at = now()",
                values,
            )
        return await self.privacy(owner)

    async def block(self, principal: Principal, athlete_id: uuid.UUID) -> None:
        """Block an athlete of the tenant: they see nothing of the caller's, and neither
        follows the other any more."""
        known = await directory.summaries(self._pool, principal.tenant_id, [athlete_id])
        if athlete_id == principal.account_id or athlete_id not in known:
            raise AthleteNotFoundError(f"no athlete {athlete_id} to block")
        me, them = principal.account_id, athlete_id
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO social.blocks (blocker_id, blocked_id) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (me, them),
            )
            await conn.execute(
                "DELETE FROM social.follows"
                " WHERE (follower_id, followee_id) IN ((%s, %s), (%s, %s))",
                (me, them, them, me),
            )
            await conn.execute(
                "DELETE FROM social.follow_requests"
                " WHERE (requester_id, target_id) IN ((%s, %s), (%s, %s))",
                (me, them, them, me),
            )

    async def unblock(self, principal: Principal, athlete_id: uuid.UUID) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM social.blocks WHERE blocker_id = %s AND blocked_id = %s",
                (principal.account_id, athlete_id),
            )

    async def blocked(self, principal: Principal) -> list[uuid.UUID]:
        """The athletes the caller blocked, most recent first."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT blocked_id FROM social.blocks WHERE blocker_id = %s"
                " ORDER BY created_at DESC",
                (principal.account_id,),
            )
            return [row[0] for row in await cur.fetchall()]


def _given(value: bool | None, current: bool) -> bool:
    return current if value is None else value
