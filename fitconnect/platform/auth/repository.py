"""SQL of the auth context (schema ``users``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row

from fitconnect.platform.auth.models import Account, Role

Conn = AsyncConnection[tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class AccountRow:
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    role: str
    display_name: str
    password_hash: str

    def account(self) -> Account:
        return Account(self.id, self.tenant_id, self.email, Role(self.role), self.display_name)


@dataclass(frozen=True, slots=True)
class RefreshRow:
    id: uuid.UUID
    account_id: uuid.UUID
    family_id: uuid.UUID
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


async def tenant_by_slug(conn: Conn, slug: str) -> uuid.UUID:
    """The tenant of ``slug``, created on first use."""
    cur = await conn.execute(
        "INSERT INTO users.tenants (slug, name) VALUES (%s, %s)"
        " ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id",
        (slug, slug),
    )
    row = await cur.fetchone()
    assert row is not None  # noqa: S101 - RETURNING always yields a row
    return uuid.UUID(str(row[0]))


async def insert_account(
    conn: Conn, *, tenant_id: uuid.UUID, email: str, password_hash: str, role: Role, name: str
) -> Account:
    cur = await conn.execute(
        "INSERT INTO users.accounts (tenant_id, email, password_hash, role, display_name)"
        " VALUES (%s, %s, %s, %s, %s) RETURNING id",
        (tenant_id, email, password_hash, role.value, name),
    )
    row = await cur.fetchone()
    assert row is not None  # noqa: S101
    return Account(uuid.UUID(str(row[0])), tenant_id, email, role, name)


async def account_by_email(conn: Conn, email: str) -> AccountRow | None:
    async with conn.cursor(row_factory=class_row(AccountRow)) as cur:
        await cur.execute(
            "SELECT id, tenant_id, email, role, display_name, password_hash"
            " FROM users.accounts WHERE lower(email) = lower(%s)",
            (email,),
        )
        return await cur.fetchone()


async def account_by_id(conn: Conn, account_id: uuid.UUID) -> AccountRow | None:
    async with conn.cursor(row_factory=class_row(AccountRow)) as cur:
        await cur.execute(
            "SELECT id, tenant_id, email, role, display_name, password_hash"
            " FROM users.accounts WHERE id = %s",
            (account_id,),
        )
        return await cur.fetchone()


async def set_password(conn: Conn, account_id: uuid.UUID, password_hash: str) -> None:
    await conn.execute(
        "UPDATE users.accounts SET password_hash = %s WHERE id = %s", (password_hash, account_id)
    )


async def insert_refresh(
    conn: Conn, account_id: uuid.UUID, family_id: uuid.UUID, token_hash: str, ttl_s: int
) -> None:
    await conn.execute(
        "INSERT INTO users.refresh_tokens (account_id, family_id, token_hash, expires_at)"
        " VALUES (%s, %s, %s, now() + make_interval(secs => %s))",
        (account_id, family_id, token_hash, ttl_s),
    )


async def refresh_by_hash(conn: Conn, token_hash: str) -> RefreshRow | None:
    async with conn.cursor(row_factory=class_row(RefreshRow)) as cur:
        await cur.execute(
            "SELECT id, account_id, family_id, expires_at, used_at, revoked_at"
            " FROM users.refresh_tokens WHERE token_hash = %s FOR UPDATE",
            (token_hash,),
        )
        return await cur.fetchone()


async def mark_refresh_used(conn: Conn, token_id: uuid.UUID) -> None:
    await conn.execute("UPDATE users.refresh_tokens SET used_at = now() WHERE id = %s", (token_id,))


async def revoke_family(conn: Conn, family_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE users.refresh_tokens SET revoked_at = now()"
        " WHERE family_id = %s AND revoked_at IS NULL",
        (family_id,),
    )


async def revoke_all(conn: Conn, account_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE users.refresh_tokens SET revoked_at = now()"
        " WHERE account_id = %s AND revoked_at IS NULL",
        (account_id,),
    )
