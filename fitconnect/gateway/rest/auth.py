"""Accounts and tokens: /auth/register, /auth/login, /auth/refresh, /auth/logout, /me."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.auth.models import Role

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["auth"])


class RegisterIn(BaseModel):
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(description="10-128 characters, not common, hard to guess (zxcvbn)")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role = Role.ATHLETE
    tenant: str | None = Field(default=None, description="Name of a new tenant to found")
    invitation: str | None = Field(default=None, description="Joins the invitation's tenant")


class LoginIn(BaseModel):
    email: str
    password: str


class RefreshIn(BaseModel):
    refresh_token: str


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    expires_in_s: int
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret


class AccountOut(BaseModel):
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    role: Role
    display_name: str


@router.post("/auth/register", status_code=201, responses=errors(403))
async def register(body: RegisterIn, svc: ServicesDep) -> AccountOut:
    account = await svc.auth.register(
        body.email, body.password, body.display_name, body.role, body.tenant, body.invitation
    )
    return AccountOut(**slot_fields(account))


@router.post("/auth/login", responses=errors(429))
async def login(body: LoginIn, request: Request, svc: ServicesDep) -> TokensOut:
    address = request.client.host if request.client else "unknown"
    device = request.headers.get("user-agent", "")
    tokens = await svc.auth.login(body.email, body.password, address, device)
    return TokensOut(**slot_fields(tokens))


@router.post("/auth/refresh")
async def refresh(body: RefreshIn, svc: ServicesDep) -> TokensOut:
    return TokensOut(**slot_fields(await svc.auth.refresh(body.refresh_token)))


@router.post("/auth/logout", status_code=204)
async def logout(body: RefreshIn, svc: ServicesDep) -> None:
    await svc.auth.logout(body.refresh_token)


@router.get("/me")
async def me(principal: CurrentPrincipal, svc: ServicesDep) -> AccountOut:
    return AccountOut(**slot_fields(await svc.auth.account(principal)))
