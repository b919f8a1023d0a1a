"""The auth context's rules: register, log in, refresh (rotating), log out, change password,
delete the account; and who a token is, checked against the account as it is now."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth import repository as repo
from fitconnect.platform.auth.active_cache import ActiveCache
from fitconnect.platform.auth.errors import (
    EmailTakenError,
    InvalidCredentialsError,
    InvalidEmailError,
    InvalidTokenError,
    OwnerCannotLeaveError,
    RoleNotAllowedError,
)
from fitconnect.platform.auth.models import Account, Principal, Role, TokenPair
from fitconnect.platform.auth.passwords import check_password, hash_password, verify_password
from fitconnect.platform.auth.rate_limit import LoginKeys, LoginLimiter
from fitconnect.platform.auth.tenancy import check_slug, join_or_found
from fitconnect.platform.auth.tokens import (
    VerifiedTokens,
    issue_access_token,
    new_refresh_token,
    refresh_token_hash,
)
from fitconnect.platform.notifications import service as notifications

_DEVICE_LABEL_CHARS = 120
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    secret: str
    access_ttl_s: int
    refresh_ttl_s: int


class AuthService:
    """Accounts and tokens over the pool; one instance per gateway process."""

    def __init__(
        self, pool: AsyncConnectionPool, policy: TokenPolicy, cache: ActiveCache | None = None
    ) -> None:
        self._pool = pool
        self._policy = policy
        self._limiter = LoginLimiter(pool)
        self._tokens = VerifiedTokens(policy.secret)
        self.active_cache = cache or ActiveCache()
        """Shared with whoever deletes accounts in this process (the tenancy service)."""

    async def register(  # noqa: PLR0917 - the registration's fields
        self,
        email: str,
        password: str,
        display_name: str,
        role: Role = Role.ATHLETE,
        tenant: str | None = None,
        invitation: str | None = None,
    ) -> Account:
        """Create an account and queue its welcome notification in the same transaction.

        With an invitation the account joins its tenant, with its role; without one it founds
        a tenant of its own (named ``tenant``, or a generated name), which it owns.
        """
        if not _EMAIL.match(email):
            raise InvalidEmailError(f"{email!r} is not an e-mail address")
        check_password(password, [email, display_name])
        if role is Role.ADMIN:
            raise RoleNotAllowedError("admins are not created by registration")
        if tenant is not None:
            check_slug(tenant)
        password_hash = await hash_password(password)
        try:
            async with self._pool.connection() as conn, conn.transaction():
                account = await join_or_found(
                    conn,
                    email=email,
                    display_name=display_name,
                    role=role,
                    password_hash=password_hash,
                    tenant=tenant,
                    invitation=invitation,
                )
                await notifications.enqueue(
                    conn,
                    account.id,
                    notifications.NotificationKind.WELCOME,
                    {"display_name": display_name},
                    event_key="registered",
                )
        except psycopg.errors.UniqueViolation as exc:
            raise EmailTakenError(f"{email} is already registered") from exc
        return account

    async def login(self, email: str, password: str, address: str, device: str = "") -> TokenPair:
        """Tokens for a right password; every attempt is throttled (``rate_limit``).

        ``device`` is the client's User-Agent: a sign-in from one the account never used
        tells the athlete at once (urgent), in the transaction that records the device.
        """
        keys = LoginKeys.of(email, address)
        await self._limiter.attempt(keys)
        async with self._pool.connection() as conn:
            row = await repo.account_by_email(conn, email)
        if not await verify_password(row.password_hash if row else None, password) or row is None:
            raise InvalidCredentialsError("wrong e-mail or password")
        await self._limiter.succeeded(keys)
        label = " ".join(device.split())[:_DEVICE_LABEL_CHARS] or "an unknown device"
        async with self._pool.connection() as conn, conn.transaction():
            if await repo.remember_device(conn, row.id, hashlib.sha256(label.encode()).hexdigest()):
                await notifications.enqueue(
                    conn,
                    row.id,
                    notifications.NotificationKind.NEW_SIGN_IN,
                    {"device": label, "address": address},
                    event_key=f"sign-in:{uuid.uuid4()}",
                )
        return await self._issue(row.account(), family_id=uuid.uuid4())

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Rotate: the old token is spent; presenting a spent one revokes its whole family."""
        async with self._pool.connection() as conn:
            async with conn.transaction():
                row = await repo.refresh_by_hash(conn, refresh_token_hash(refresh_token))
                if row is None:
                    raise InvalidTokenError("unknown refresh token")
                if row.used_at is not None:
                    await repo.revoke_family(conn, row.family_id)
                    reused = True
                else:
                    reused = False
                    await repo.mark_refresh_used(conn, row.id)
            if reused:
                raise InvalidTokenError("refresh token reused; every session of it is revoked")
            if row.revoked_at is not None:
                raise InvalidTokenError("refresh token revoked")
            if row.expires_at < datetime.now(UTC):
                raise InvalidTokenError("refresh token expired")
            account = await repo.account_by_id(conn, row.account_id)
        if account is None:
            raise InvalidTokenError("account gone")
        return await self._issue(account.account(), family_id=row.family_id)

    async def logout(self, refresh_token: str) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            row = await repo.refresh_by_hash(conn, refresh_token_hash(refresh_token))
            if row is not None:
                await repo.revoke_family(conn, row.family_id)

    async def change_password(self, principal: Principal, old: str, new: str) -> None:
        """Change the password and end every session (all refresh tokens revoked); the
        athlete is told at once (urgent: if it was not them, they act now)."""
        async with self._pool.connection() as conn:
            row = await repo.account_by_id(conn, principal.account_id)
        if row is None or not await verify_password(row.password_hash, old):
            raise InvalidCredentialsError("wrong password")
        check_password(new, [row.email, row.display_name])
        new_hash = await hash_password(new)
        async with self._pool.connection() as conn, conn.transaction():
            await repo.set_password(conn, principal.account_id, new_hash)
            await repo.revoke_all(conn, principal.account_id)
            await notifications.enqueue(
                conn,
                principal.account_id,
                notifications.NotificationKind.PASSWORD_CHANGED,
                {},
                event_key=f"password:{uuid.uuid4()}",
            )

    def authenticate(self, access_token: str) -> Principal:
        """The token's principal, from its signature alone (see ``active``)."""
        return self._tokens.verify(access_token)

    async def active(self, access_token: str) -> Principal:
        """The token's principal as the account is now (its tenant and role): one indexed
        read, remembered for ``ACTIVE_CACHE_S``, so a deleted account or tenant loses access
        within that bound (at once in this process); the token's expiry is checked each time."""
        claimed = self.authenticate(access_token)
        cached = self.active_cache.get(access_token)
        if cached is not None:
            return cached
        async with self._pool.connection() as conn:
            found = await repo.active_principal(conn, claimed.account_id)
        if found is None:
            raise InvalidTokenError("the account is deleted")
        self.active_cache.put(access_token, found)
        return found

    async def still_active(self, principal: Principal) -> None:
        """``InvalidTokenError`` once the account or its tenant is deleted (for streams)."""
        async with self._pool.connection() as conn:
            if await repo.active_principal(conn, principal.account_id) is None:
                raise InvalidTokenError("the account is deleted")

    async def delete_account(self, principal: Principal, password: str) -> None:
        """Delete the caller's account (its e-mail is freed), effective at once. A tenant's
        owner deletes the tenant instead while anyone else is in it."""
        async with self._pool.connection() as conn:
            row = await repo.account_by_id(conn, principal.account_id)
        if row is None or not await verify_password(row.password_hash, password):
            raise InvalidCredentialsError("wrong password")
        async with self._pool.connection() as conn, conn.transaction():
            tenant = await repo.tenant_by_id(conn, principal.tenant_id)
            if tenant is not None and tenant.owner_id == principal.account_id:
                if await repo.active_members(conn, tenant.id) > 1:
                    raise OwnerCannotLeaveError(
                        "you own a tenant others are in: delete the tenant instead"
                    )
                await repo.delete_tenant(conn, tenant.id)
            await repo.delete_account(conn, principal.account_id)
            await repo.revoke_all(conn, principal.account_id)
        self.active_cache.forget([principal.account_id])

    async def account(self, principal: Principal) -> Account:
        async with self._pool.connection() as conn:
            row = await repo.account_by_id(conn, principal.account_id)
        if row is None:
            raise InvalidTokenError("account gone")
        return row.account()

    async def _issue(self, account: Account, family_id: uuid.UUID) -> TokenPair:
        principal = Principal(account.id, account.tenant_id, account.role)
        access = issue_access_token(principal, self._policy.secret, self._policy.access_ttl_s)
        refresh, refresh_hash = new_refresh_token()
        async with self._pool.connection() as conn:
            await repo.insert_refresh(
                conn, account.id, family_id, refresh_hash, self._policy.refresh_ttl_s
            )
        return TokenPair(access, refresh, self._policy.access_ttl_s)
