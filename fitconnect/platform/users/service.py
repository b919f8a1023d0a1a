"""The athlete's profile: read it, and change the fields they send, validated; e-mail lookup."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal

from psycopg import Connection, sql
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from fitconnect.errors import FitConnectError
from fitconnect.platform.auth.models import Principal
from fitconnect.platform.auth.repository import account_fields_update
from fitconnect.platform.users.avatars import avatar_url


class InvalidProfileError(FitConnectError):
    """A profile value outside what a person can have."""


class UnknownAccountError(InvalidProfileError):
    """No account has this id."""


@dataclass(frozen=True, slots=True)
class Profile:
    display_name: str
    birth_date: date | None
    sex: str | None
    weight_kg: float | None
    hr_max_bpm: int | None
    hr_rest_bpm: int | None
    ftp_w: int | None
    units: str
    avatar_url: str | None


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """Only the fields given (not None) change."""

    display_name: str | None = None
    birth_date: date | None = None
    sex: Literal["female", "male", "other"] | None = None
    weight_kg: float | None = None
    hr_max_bpm: int | None = None
    hr_rest_bpm: int | None = None
    ftp_w: int | None = None
    units: Literal["metric", "imperial"] | None = None


_RANGES: dict[str, tuple[float, float]] = {
    "weight_kg": (20, 400),
    "hr_max_bpm": (100, 250),
    "hr_rest_bpm": (20, 120),
    "ftp_w": (50, 600),
}
_COLUMNS = [f.name for f in fields(Profile) if f.name != "avatar_url"]


def _check(change: ProfileChange) -> dict[str, object]:
    values = {f.name: getattr(change, f.name) for f in fields(ProfileChange)}
    values = {k: v for k, v in values.items() if v is not None}
    for name, (low, high) in _RANGES.items():
        value = values.get(name)
        if isinstance(value, int | float) and not low <= value <= high:
            raise InvalidProfileError(f"{name} must be between {low} and {high}")
    if values.get("sex") not in (None, "female", "male", "other"):
        raise InvalidProfileError("sex must be female, male or other")
    if values.get("units") not in (None, "metric", "imperial"):
        raise InvalidProfileError("units must be metric or imperial")
    display_name = values.get("display_name")
    if isinstance(display_name, str) and not 1 <= len(display_name.strip()) <= 100:
        raise InvalidProfileError("a display name has 1 to 100 characters")
    hr_max, hr_rest = values.get("hr_max_bpm"), values.get("hr_rest_bpm")
    if isinstance(hr_max, int) and isinstance(hr_rest, int) and hr_rest >= hr_max:
        raise InvalidProfileError("resting heart rate must be below maximum heart rate")
    return values


async def email_addresses(
    pool: AsyncConnectionPool, account_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The e-mail address of each of these accounts that exists."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT id, email FROM users.accounts WHERE id = ANY(%s)", (list(account_ids),)
        )
        rows = await cur.fetchall()
    return {uuid.UUID(str(account_id)): str(email) for account_id, email in rows}


class UserService:
    def __init__(self, pool: AsyncConnectionPool, avatar_base_url: str) -> None:
        self._pool = pool
        self._avatar_base_url = avatar_base_url

    async def profile(self, principal: Principal) -> Profile:
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                sql.SQL("SELECT {}, avatar_key FROM users.accounts WHERE id = %s").format(
                    sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))
                ),
                (principal.account_id,),
            )
            found = await cur.fetchone()
        if found is None:
            raise InvalidProfileError("account gone")
        key = found.pop("avatar_key")
        url = avatar_url(self._avatar_base_url, principal.account_id, key) if key else None
        return Profile(**found, avatar_url=url)

    async def update(self, principal: Principal, change: ProfileChange) -> Profile:
        """Apply the given fields in one statement and return the whole profile (a change of
        FTP, heart rate, weight, sex or birth date joins ``users.parameter_history``)."""
        values = _check(change)
        if values:
            async with self._pool.connection() as conn:
                await conn.execute(
                    account_fields_update(values), (*values.values(), principal.account_id)
                )
        return await self.profile(principal)


def set_parameters(conn: Connection[Any], account_id: str, change: ProfileChange) -> None:
    """``UserService.update`` for operators (``fitconnect analytics params``), on a plain
    connection: the same checks, the same history."""
    values = _check(change)
    if not values:
        require_account(conn, account_id)
        return
    cur = conn.execute(account_fields_update(values), (*values.values(), account_id))
    if cur.rowcount != 1:
        raise UnknownAccountError(f"no account {account_id}")


def require_account(conn: Connection[Any], account_id: str) -> None:
    """Raise ``UnknownAccountError`` unless an account has this id (operators' commands)."""
    if conn.execute("SELECT 1 FROM users.accounts WHERE id = %s", (account_id,)).fetchone() is None:
        raise UnknownAccountError(f"no account {account_id}")
