"""The caller's profile: read it, change the fields sent."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.responses import COMMON
from fitconnect.platform.users.service import ProfileChange

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["users"])


class ProfileIn(BaseModel):
    """The fields to change; the resting heart rate stays below the maximum."""

    display_name: str | None = Field(None, min_length=1, max_length=100, pattern=r"\S")
    birth_date: date | None = None
    sex: Literal["female", "male", "other"] | None = None
    weight_kg: float | None = Field(None, ge=20, le=400)
    hr_max_bpm: int | None = Field(None, ge=100, le=250)
    hr_rest_bpm: int | None = Field(None, ge=20, le=120)
    ftp_w: int | None = Field(None, ge=50, le=600)
    units: Literal["metric", "imperial"] | None = None


@router.get("/me/profile")
async def profile(principal: CurrentPrincipal, svc: ServicesDep) -> dict[str, Any]:
    return slot_fields(await svc.users.profile(principal))


@router.patch("/me/profile")
async def update_profile(
    body: ProfileIn, principal: CurrentPrincipal, svc: ServicesDep
) -> dict[str, Any]:
    """Change the fields sent (the others stay)."""
    change = ProfileChange(**body.model_dump(exclude_unset=True))
    return slot_fields(await svc.users.update(principal, change))
