"""SQL of the auth context (schema ``users``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from fitconnect.platform.auth.models import Account, Invitation, Principal, Role, Tenant

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


async def create_tenant(conn: Conn, slug: str, name: str) -> uuid.UUID | None:
    """A new tenant of ``slug``; None when the slug is taken."""
    cur = await conn.execute(
        "INSERT INTO users.tenants (slug, name) VALUES (%s, %s)"
        " ON CONFLICT (slug) DO NOTHING RETURNING id",
        (slug, name),
    )
    row = await cur.fetchone()
    return uuid.UUID(str(row[0])) if row else None


async def set_tenant_owner(conn: Conn, tenant_id: uuid.UUID, owner_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE users.tenants SET owner_id = %s WHERE id = %s", (owner_id, tenant_id)
    )


async def tenant_by_id(conn: Conn, tenant_id: uuid.UUID) -> Tenant | None:
    async with conn.cursor(row_factory=class_row(Tenant)) as cur:
        await cur.execute(
            "SELECT id, slug, name, owner_id FROM users.tenants"
            " WHERE id = %s AND deleted_at IS NULL",
            (tenant_id,),
        )
        return await cur.fetchone()


async def active_principal(conn: Conn, account_id: uuid.UUID) -> Principal | None:
    """The account as it is now, if neither it nor its tenant is deleted (one index read)."""
    cur = await conn.execute(
        "SELECT a.tenant_id, a.role FROM users.accounts a"
        " JOIN users.tenants t ON t.id = a.tenant_id"
        " WHERE a.id = %s AND a.deleted_at IS NULL AND t.deleted_at IS NULL",
        (account_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return Principal(account_id, uuid.UUID(str(row[0])), Role(str(row[1])))


async def active_members(conn: Conn, tenant_id: uuid.UUID) -> int:
    cur = await conn.execute(
        "SELECT count(*) FROM users.accounts WHERE tenant_id = %s AND deleted_at IS NULL",
        (tenant_id,),
    )
    row = await cur.fetchone()
    return int(str(row[0])) if row else 0


async def delete_account(conn: Conn, account_id: uuid.UUID) -> None:
    """Mark the account deleted and free its e-mail address (and forget it)."""
    await conn.execute(
        "UPDATE users.accounts SET deleted_at = now(), email = id::text || '@deleted.invalid',"
        " display_name = 'deleted account' WHERE id = %s AND deleted_at IS NULL",
        (account_id,),
    )


async def delete_tenant(conn: Conn, tenant_id: uuid.UUID) -> list[uuid.UUID]:
    """Mark the tenant and every account of it deleted; the accounts' ids."""
    await conn.execute(
        "UPDATE users.tenants SET deleted_at = now() WHERE id = %s AND deleted_at IS NULL",
        (tenant_id,),
    )
    cur = await conn.execute(
        "UPDATE users.accounts SET deleted_at = now(), email = id::text || '@deleted.invalid',"
        " display_name = 'deleted account' WHERE tenant_id = %s AND deleted_at IS NULL"
        " RETURNING id",
        (tenant_id,),
    )
    return [uuid.UUID(str(r[0])) for r in await cur.fetchall()]


_INVITATION = "id, tenant_id, role, email, created_by, created_at, expires_at, used_at, revoked_at"


@dataclass(frozen=True, slots=True)
class InvitationRow:
    id: uuid.UUID
    tenant_id: uuid.UUID
    role: str
    email: str | None
    created_by: uuid.UUID
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None

    def invitation(self) -> Invitation:
        return Invitation(
            self.id,
            self.tenant_id,
            Role(self.role),
            self.email,
            self.created_by,
            self.created_at,
            self.expires_at,
            self.used_at,
            self.revoked_at,
        )


async def insert_invitation(
    conn: Conn,
    *,
    tenant_id: uuid.UUID,
    token_hash: str,
    role: Role,
    email: str | None,
    created_by: uuid.UUID,
    ttl_s: int,
) -> Invitation:
    async with conn.cursor(row_factory=class_row(InvitationRow)) as cur:
        await cur.execute(
            "INSERT INTO users.tenant_invitations"  # noqa: S608 - fixed column list
            " (tenant_id, token_hash, role, email, created_by, expires_at)"
            " VALUES (%s, %s, %s, %s, %s, now() + make_interval(secs => %s))"
            f" RETURNING {_INVITATION}",
            (tenant_id, token_hash, role.value, email, created_by, ttl_s),
        )
        row = await cur.fetchone()
    assert row is not None  # noqa: S101 - RETURNING
    return row.invitation()


async def usable_invitation(conn: Conn, token_hash: str) -> Invitation | None:
    """The invitation of this token if it can still be used (locked until the transaction
    ends, so it is used once)."""
    async with conn.cursor(row_factory=class_row(InvitationRow)) as cur:
        await cur.execute(
            "SELECT i.id, i.tenant_id, i.role, i.email, i.created_by, i.created_at,"
            " i.expires_at, i.used_at, i.revoked_at"
            " FROM users.tenant_invitations i JOIN users.tenants t ON t.id = i.tenant_id"
            " WHERE i.token_hash = %s AND i.used_at IS NULL AND i.revoked_at IS NULL"
            " AND i.expires_at > now() AND t.deleted_at IS NULL FOR UPDATE OF i",
            (token_hash,),
        )
        row = await cur.fetchone()
    return row.invitation() if row else None


async def mark_invitation_used(conn: Conn, invitation_id: uuid.UUID, by: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE users.tenant_invitations SET used_at = now(), used_by = %s WHERE id = %s",
        (by, invitation_id),
    )


async def invitations(conn: Conn, tenant_id: uuid.UUID) -> list[Invitation]:
    async with conn.cursor(row_factory=class_row(InvitationRow)) as cur:
        await cur.execute(
            f"SELECT {_INVITATION} FROM users.tenant_invitations"  # noqa: S608 - fixed columns
            " WHERE tenant_id = %s ORDER BY created_at DESC",
            (tenant_id,),
        )
        return [r.invitation() for r in await cur.fetchall()]


async def revoke_invitation(conn: Conn, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> bool:
    cur = await conn.execute(
        "UPDATE users.tenant_invitations SET revoked_at = coalesce(revoked_at, now())"
        " WHERE id = %s AND tenant_id = %s",
        (invitation_id, tenant_id),
    )
    return cur.rowcount == 1


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
            " FROM users.accounts WHERE lower(email) = lower(%s) AND deleted_at IS NULL",
            (email,),
        )
        return await cur.fetchone()


async def account_by_id(conn: Conn, account_id: uuid.UUID) -> AccountRow | None:
    async with conn.cursor(row_factory=class_row(AccountRow)) as cur:
        await cur.execute(
            "SELECT id, tenant_id, email, role, display_name, password_hash"
            " FROM users.accounts WHERE id = %s AND deleted_at IS NULL",
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


def account_fields_update(values: dict[str, object]) -> sql.Composed:
    """The statement that sets the named profile columns of one account, parameters
    ``(*values.values(), account_id)``; the names come from the caller's fixed list. (The
    profile service runs it on the pool, ``fitconnect analytics params`` on a plain connection.)
    """
    assignments = sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(k)) for k in values)
    return sql.SQL("UPDATE users.accounts SET {} WHERE id = %s").format(assignments)


async def replace_avatar_key(conn: Conn, account_id: uuid.UUID, key: str | None) -> str | None:
    """Set the account's avatar key in one transaction; the key it replaces.

    Raises ``LookupError`` when the account does not exist.
    """
    async with conn.transaction():
        cur = await conn.execute(
            "SELECT avatar_key FROM users.accounts WHERE id = %s FOR UPDATE", (account_id,)
        )
        row = await cur.fetchone()
        if row is None:
            raise LookupError(f"account {account_id} is gone")
        await conn.execute(
            "UPDATE users.accounts SET avatar_key = %s WHERE id = %s", (key, account_id)
        )
    previous = row[0]
    return previous if isinstance(previous, str) else None


async def remember_device(conn: Conn, account_id: uuid.UUID, device_hash: str) -> bool:
    """Record a sign-in from this device; True if it is new to an account that had signed
    in from others before (the first device of an account is no news)."""
    cur = await conn.execute(
        "WITH known AS (SELECT count(*) AS n FROM users.sign_in_devices WHERE account_id = %s),"
        " seen AS (INSERT INTO users.sign_in_devices (account_id, device_hash) VALUES (%s, %s)"
        "  ON CONFLICT (account_id, device_hash) DO UPDATE SET last_seen = now()"
        "  RETURNING xmax = 0 AS inserted)"
        " SELECT seen.inserted AND known.n > 0 FROM seen, known",
        (account_id, account_id, device_hash),
    )
    row = await cur.fetchone()
    return bool(row and row[0])
