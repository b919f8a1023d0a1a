"""Accounts and tokens: ``me``; ``register``, ``login``, ``refresh``, ``logout``,
``deleteAccount``."""

from __future__ import annotations

import uuid
from typing import Self

import strawberry

from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.same_fields import SameFields
from fitconnect.platform.auth import models as domain


@strawberry.type
class Account:
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    role: domain.Role
    display_name: str

    @classmethod
    def from_domain(cls, a: domain.Account) -> Self:
        return cls(
            id=a.id,
            tenant_id=a.tenant_id,
            email=a.email,
            role=a.role,
            display_name=a.display_name,
        )


@strawberry.type
class Tokens(SameFields):
    access_token: str
    refresh_token: str
    expires_in_s: int


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The caller's account.")
    async def me(self, info: Info) -> Account:
        ctx = info.context
        return Account.from_domain(await ctx.services.auth.account(ctx.principal()))


@strawberry.type
class AuthMutation:
    @strawberry.mutation(
        description="Create an account (an athlete or a coach: ADMIN is FORBIDDEN); the welcome"
        " notification follows. With an invitation it joins the invitation's tenant with the"
        " invitation's role; without one it founds a tenant of its own (named `tenant`, or a"
        " generated name), which it owns."
    )
    async def register(  # noqa: PLR0917 - GraphQL arguments
        self,
        info: Info,
        email: str,
        password: str,
        display_name: str,
        role: domain.Role = domain.Role.ATHLETE,
        tenant: str | None = None,
        invitation: str | None = None,
    ) -> Account:
        account = await info.context.services.auth.register(
            email, password, display_name, role, tenant, invitation
        )
        return Account.from_domain(account)

    @strawberry.mutation
    async def login(self, info: Info, email: str, password: str) -> Tokens:
        ctx = info.context
        return Tokens.from_domain(
            await ctx.services.auth.login(email, password, ctx.address, ctx.user_agent)
        )

    @strawberry.mutation(description="Swap a refresh token for new tokens (it is spent).")
    async def refresh(self, info: Info, refresh_token: str) -> Tokens:
        return Tokens.from_domain(await info.context.services.auth.refresh(refresh_token))

    @strawberry.mutation
    async def logout(self, info: Info, refresh_token: str) -> bool:
        await info.context.services.auth.logout(refresh_token)
        return True

    @strawberry.mutation(
        description="Delete the caller's account, at once (its devices are revoked, its tokens"
        " end). A tenant's owner deletes the tenant instead while others are in it."
    )
    async def delete_account(self, info: Info, password: str) -> bool:
        ctx = info.context
        principal = ctx.principal()
        await ctx.services.auth.delete_account(principal, password)
        await ctx.services.devices.revoke_all_of([principal.account_id])
        await ctx.services.coaching.end_links_of([principal.account_id])
        return True
