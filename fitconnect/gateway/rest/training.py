"""Training reads: /stream."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.platform.training.service import recent_window

router = APIRouter(prefix="/api/v1")


@router.get("/stream")
async def stream(
    principal: CurrentPrincipal, svc: ServicesDep, minutes: int = 60, max_points: int = 500
) -> list[dict[str, object]]:
    since, until = recent_window(timedelta(minutes=minutes))
    points = await svc.training.stream(
        await svc.training.subject(principal), since, until, max_points
    )
    return [slot_fields(p) for p in points]
