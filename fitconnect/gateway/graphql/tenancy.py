"""Tenants: ``tenant``, ``invitations``; ``createInvitation``, ``revokeInvitation``,
``deleteTenant`` (docs/tenancy.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

import strawberry

from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.same_fields import SameFields
from fitconnect.platform.auth import models as domain


@strawberry.type
class Tenant(SameFields):
    id: uuid.UUID
    slug: str
    name: str
    owner_id: uuid.UUID | None


@strawberry.type
class Invitation:
    id: uuid.UUID
    role: domain.Role
    email: str | None
    created_by: uuid.UUID
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_domain(cls, i: domain.Invitation) -> Self:
        return cls(
            id=i.id,
            role=i.role,
            email=i.email,
            created_by=i.created_by,
            created_at=i.created_at,
            expires_at=i.expires_at,
            used_at=i.used_at,
            revoked_at=i.revoked_at,
        )


@strawberry.type
class NewInvitation:
    invitation: Invitation
    token: str = strawberry.field(description="Shown only now: give it to the person invited.")


@strawberry.type
class TenancyQuery:
    @strawberry.field(description="The caller's tenant.")
    async def tenant(self, info: Info) -> Tenant:
        ctx = info.context
        return Tenant.from_domain(await ctx.services.tenancy.tenant(ctx.principal()))

    @strawberry.field(description="The tenant's invitations, newest first (owner and admins).")
    async def invitations(self, info: Info) -> list[Invitation]:
        ctx = info.context
        found = await ctx.services.tenancy.invitations(ctx.principal())
        return [Invitation.from_domain(i) for i in found]


@strawberry.type
class TenancyMutation:
    @strawberry.mutation(
        description="Invite someone into the caller's tenant as athlete or coach (owner and"
        " admins); bound to `email` when given; the token is shown only now."
    )
    async def create_invitation(
        self,
        info: Info,
        role: domain.Role = domain.Role.ATHLETE,
        email: str | None = None,
        ttl_hours: int = 168,
    ) -> NewInvitation:
        ctx = info.context
        made = await ctx.services.tenancy.invite(
            ctx.principal(), role, email, ttl_s=max(0, ttl_hours) * 3600
        )
        return NewInvitation(invitation=Invitation.from_domain(made.invitation), token=made.token)

    @strawberry.mutation(description="Revoke an unused invitation (owner and admins).")
    async def revoke_invitation(self, info: Info, invitation_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.tenancy.revoke_invitation(ctx.principal(), invitation_id)
        return True

    @strawberry.mutation(
        description="Delete the caller's tenant and every account of it, at once (owner only)."
    )
    async def delete_tenant(self, info: Info, password: str) -> bool:
        ctx = info.context
        deleted = await ctx.services.tenancy.delete_tenant(ctx.principal(), password)
        await ctx.services.devices.revoke_all_of(deleted)
        await ctx.services.coaching.end_links_of(deleted)
        return True
