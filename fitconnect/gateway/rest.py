"""The REST API at /api/v1: the same services as GraphQL, for clients that prefer it."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field

from fitconnect.gateway.errors import UnauthenticatedError
from fitconnect.gateway.services import Services
from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.notifications import service as notifications
from fitconnect.platform.training.service import recent_window

router = APIRouter(prefix="/api/v1")


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


def current_principal(
    svc: ServicesDep, authorization: Annotated[str | None, Header()] = None
) -> Principal:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise UnauthenticatedError("an access token is required")
    return svc.auth.authenticate(token)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class RegisterIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=10)
    display_name: str = Field(min_length=1, max_length=100)
    role: Role = Role.ATHLETE
    tenant: str = "public"


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


class DeviceIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    kind: str = Field(min_length=1, max_length=40)


class DeviceOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    registered_at: datetime
    revoked_at: datetime | None
    telemetry_topic: str


class DeviceCredentialsOut(BaseModel):
    device: DeviceOut
    mqtt_username: str
    mqtt_password: str


@router.post("/auth/register", status_code=201)
async def register(body: RegisterIn, svc: ServicesDep) -> AccountOut:
    account = await svc.auth.register(
        body.email, body.password, body.display_name, body.role, body.tenant
    )
    return AccountOut(**_fields(account))


@router.post("/auth/login")
async def login(body: LoginIn, request: Request, svc: ServicesDep) -> TokensOut:
    address = request.client.host if request.client else "unknown"
    tokens = await svc.auth.login(body.email, body.password, address)
    return TokensOut(**_fields(tokens))


@router.post("/auth/refresh")
async def refresh(body: RefreshIn, svc: ServicesDep) -> TokensOut:
    return TokensOut(**_fields(await svc.auth.refresh(body.refresh_token)))


@router.post("/auth/logout", status_code=204)
async def logout(body: RefreshIn, svc: ServicesDep) -> None:
    await svc.auth.logout(body.refresh_token)


@router.get("/me")
async def me(principal: CurrentPrincipal, svc: ServicesDep) -> AccountOut:
    return AccountOut(**_fields(await svc.auth.account(principal)))


@router.get("/devices")
async def list_devices(principal: CurrentPrincipal, svc: ServicesDep) -> list[DeviceOut]:
    return [_device(d) for d in await svc.devices.list(principal)]


@router.post("/devices", status_code=201)
async def register_device(
    body: DeviceIn, principal: CurrentPrincipal, svc: ServicesDep
) -> DeviceCredentialsOut:
    creds = await svc.devices.register(principal, body.name, body.kind)
    return DeviceCredentialsOut(
        device=_device(creds.device),
        mqtt_username=creds.mqtt_username,
        mqtt_password=creds.mqtt_password,
    )


@router.delete("/devices/{device_id}", status_code=204)
async def revoke_device(
    device_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> None:
    await svc.devices.revoke(principal, device_id)


@router.get("/notifications")
async def list_notifications(
    principal: CurrentPrincipal, svc: ServicesDep
) -> list[dict[str, object]]:
    items = await notifications.inbox(svc.pool, principal.account_id)
    return [_fields(n) for n in items]


@router.get("/stream")
async def stream(
    principal: CurrentPrincipal, svc: ServicesDep, minutes: int = 60, max_points: int = 500
) -> list[dict[str, object]]:
    since, until = recent_window(timedelta(minutes=minutes))
    points = await svc.training.stream(
        await svc.training.subject(principal), since, until, max_points
    )
    return [_fields(p) for p in points]


class ReportIn(BaseModel):
    kind: str = Field(description="power_curve or training_summary")
    since: date
    until: date
    athlete_id: uuid.UUID | None = None


@router.post("/reports", status_code=202)
async def request_report(
    body: ReportIn, principal: CurrentPrincipal, svc: ServicesDep
) -> dict[str, object]:
    """Queue a heavy report; poll ``GET /reports/{id}`` until its status is done or failed."""
    subject = await svc.training.subject(principal, body.athlete_id)
    job = await svc.reports.request(principal, subject, body.kind, body.since, body.until)
    return _fields(job)


@router.get("/reports/{report_id}")
async def get_report(
    report_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> dict[str, object]:
    return _fields(await svc.reports.get(principal, report_id))


def _device(d: object) -> DeviceOut:
    fields = _fields(d)
    return DeviceOut(**fields, telemetry_topic=f"{getattr(d, 'topic_prefix', '')}/telemetry")


def _fields(obj: object) -> dict[str, object]:
    slots: tuple[str, ...] = getattr(obj, "__slots__", ())
    return {name: getattr(obj, name) for name in slots}
