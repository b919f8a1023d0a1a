"""Tenants: the caller's tenant, its invitations (owner and admins), deleting it (owner)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.auth.models import Role

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["tenancy"])
Json = dict[str, Any]


class InvitationIn(BaseModel):
    role: Role = Role.ATHLETE
    email: str | None = None
    ttl_hours: int = Field(168, ge=0, le=24 * 365)


class PasswordIn(BaseModel):
    password: str


@router.get("/tenant")
async def tenant(principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    return slot_fields(await svc.tenancy.tenant(principal))


@router.get("/tenant/invitations", responses=errors(403))
async def invitations(principal: CurrentPrincipal, svc: ServicesDep) -> list[Json]:
    """The tenant's invitations, newest first (owner and admins)."""
    return [slot_fields(i) for i in await svc.tenancy.invitations(principal)]


@router.post("/tenant/invitations", status_code=201, responses=errors(403))
async def invite(body: InvitationIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Invite someone as athlete or coach; the token is shown only now."""
    made = await svc.tenancy.invite(principal, body.role, body.email, ttl_s=body.ttl_hours * 3600)
    return {"invitation": slot_fields(made.invitation), "token": made.token}


@router.delete("/tenant/invitations/{invitation_id}", status_code=204, responses=errors(403))
async def revoke_invitation(
    invitation_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> None:
    await svc.tenancy.revoke_invitation(principal, invitation_id)


@router.post("/tenant/deletion", status_code=204, responses=errors(403))
async def delete_tenant(body: PasswordIn, principal: CurrentPrincipal, svc: ServicesDep) -> None:
    """Delete the caller's tenant and every account of it, at once (owner only)."""
    deleted = await svc.tenancy.delete_tenant(principal, body.password)
    await svc.devices.revoke_all_of(deleted)


@router.post("/me/deletion", status_code=204)
async def delete_account(body: PasswordIn, principal: CurrentPrincipal, svc: ServicesDep) -> None:
    """Delete the caller's account, at once (its devices are revoked, its tokens end)."""
    await svc.auth.delete_account(principal, body.password)
    await svc.devices.revoke_all_of([principal.account_id])
