"""Tenants: who owns one, and how a person gets in (docs/tenancy.md).

Registering without an invitation founds a tenant of one's own (its owner); an existing tenant
is joined only with an invitation its owner (or one of its admins) made, which also sets the
role the newcomer has there. Deleting a tenant deletes every account of it, at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth import repository as repo
from fitconnect.platform.auth.active_cache import ActiveCache
from fitconnect.platform.auth.errors import (
    InvalidCredentialsError,
    InvalidInvitationError,
    InvalidTenantError,
    NotTenantAdminError,
    TenantTakenError,
)
from fitconnect.platform.auth.models import (
    Account,
    Invitation,
    NewInvitation,
    Principal,
    Role,
    Tenant,
)
from fitconnect.platform.auth.passwords import verify_password

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
INVITATION_TTL_S = 7 * 24 * 3600
MAX_INVITATION_TTL_S = 90 * 24 * 3600


def check_slug(slug: str) -> None:
    if not SLUG.match(slug):
        raise InvalidTenantError(
            f"{slug!r} is not a tenant name: 1 to 63 lowercase letters, digits and hyphens,"
            " starting with a letter or digit"
        )


def new_slug(email: str) -> str:
    """A fresh slug for a founder's own tenant: their e-mail's name and a random suffix."""
    base = re.sub(r"[^a-z0-9]+", "-", email.split("@", 1)[0].lower()).strip("-")[:40]
    return f"{base or 'tenant'}-{secrets.token_hex(3)}"


async def join_or_found(
    conn: repo.Conn,
    *,
    email: str,
    display_name: str,
    role: Role,
    password_hash: str,
    tenant: str | None,
    invitation: str | None,
) -> Account:
    """The new account: in the invitation's tenant with its role, or owning a new tenant."""
    if invitation is not None:
        found = await repo.usable_invitation(conn, _token_hash(invitation))
        if found is None or (found.email and found.email.lower() != email.lower()):
            raise InvalidInvitationError("the invitation is unknown, expired, used or not yours")
        if tenant is not None:
            named = await repo.tenant_by_id(conn, found.tenant_id)
            if named is None or named.slug != tenant:
                raise InvalidInvitationError("the invitation is for another tenant")
        account = await repo.insert_account(
            conn,
            tenant_id=found.tenant_id,
            email=email,
            password_hash=password_hash,
            role=found.role,
            name=display_name,
        )
        await repo.mark_invitation_used(conn, found.id, account.id)
        return account
    tenant_id = None
    for _ in range(3):  # a generated slug may (very rarely) be taken: draw another
        slug = tenant or new_slug(email)
        tenant_id = await repo.create_tenant(conn, slug, display_name)
        if tenant_id is not None or tenant is not None:
            break
    if tenant_id is None:
        raise TenantTakenError(
            f"the tenant {tenant!r} exists; joining it needs an invitation from its owner"
        )
    account = await repo.insert_account(
        conn,
        tenant_id=tenant_id,
        email=email,
        password_hash=password_hash,
        role=role,
        name=display_name,
    )
    await repo.set_tenant_owner(conn, tenant_id, account.id)
    return account


class TenancyService:
    def __init__(self, pool: AsyncConnectionPool, active_cache: ActiveCache | None = None) -> None:
        self._pool = pool
        self._active_cache = active_cache

    async def tenant(self, principal: Principal) -> Tenant:
        async with self._pool.connection() as conn:
            found = await repo.tenant_by_id(conn, principal.tenant_id)
        if found is None:
            raise NotTenantAdminError("your tenant is gone")
        return found

    async def invite(
        self,
        principal: Principal,
        role: Role,
        email: str | None = None,
        ttl_s: int = INVITATION_TTL_S,
    ) -> NewInvitation:
        """An invitation to the caller's tenant (its owner or admins only); the token is
        returned now and never again. Bound to ``email`` when given."""
        if role is Role.ADMIN:
            raise InvalidInvitationError("invitations are for athletes and coaches")
        if not 60 <= ttl_s <= MAX_INVITATION_TTL_S:
            raise InvalidInvitationError("an invitation lasts 1 minute to 90 days")
        await self._require_admin(principal)
        token = secrets.token_urlsafe(24)
        async with self._pool.connection() as conn:
            invitation = await repo.insert_invitation(
                conn,
                tenant_id=principal.tenant_id,
                token_hash=_token_hash(token),
                role=role,
                email=email.strip() if email else None,
                created_by=principal.account_id,
                ttl_s=ttl_s,
            )
        return NewInvitation(invitation, token)

    async def invitations(self, principal: Principal) -> list[Invitation]:
        await self._require_admin(principal)
        async with self._pool.connection() as conn:
            return await repo.invitations(conn, principal.tenant_id)

    async def revoke_invitation(self, principal: Principal, invitation_id: uuid.UUID) -> None:
        await self._require_admin(principal)
        async with self._pool.connection() as conn:
            if not await repo.revoke_invitation(conn, principal.tenant_id, invitation_id):
                raise InvalidInvitationError(f"no invitation {invitation_id}")

    async def delete_tenant(self, principal: Principal, password: str) -> list[uuid.UUID]:
        """The owner deletes the tenant and every account of it, effective at once (the
        refresh tokens die with them); the deleted accounts' ids."""
        tenant = await self._require_admin(principal)
        if tenant.owner_id != principal.account_id:
            raise NotTenantAdminError("only the tenant's owner deletes it")
        async with self._pool.connection() as conn:
            row = await repo.account_by_id(conn, principal.account_id)
        if row is None or not await verify_password(row.password_hash, password):
            raise InvalidCredentialsError("wrong password")
        async with self._pool.connection() as conn, conn.transaction():
            deleted = await repo.delete_tenant(conn, tenant.id)
            for account_id in deleted:
                await repo.revoke_all(conn, account_id)
        if self._active_cache is not None:
            self._active_cache.forget(deleted)
        return deleted

    async def _require_admin(self, principal: Principal) -> Tenant:
        tenant = await self.tenant(principal)
        if principal.role is not Role.ADMIN and tenant.owner_id != principal.account_id:
            raise NotTenantAdminError("only the tenant's owner or its admins do this")
        return tenant


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
