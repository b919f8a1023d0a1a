"""Training reads: /stream."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from fitconnect.gateway.rest.dependencies import (
    ATHLETE_ID,
    CurrentPrincipal,
    ServicesDep,
    slot_fields,
)
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.training.service import MAX_STREAM_POINTS, recent_window

router = APIRouter(prefix="/api/v1", responses=COMMON)

MAX_STREAM_MINUTES = 366 * 24 * 60
"""The longest window a stream read takes: a year (more overflowed the date arithmetic)."""


@router.get("/stream", responses=errors(403))
async def stream(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    minutes: Annotated[int, Query(ge=1, le=MAX_STREAM_MINUTES)] = 60,
    max_points: Annotated[int, Query(ge=1, le=MAX_STREAM_POINTS)] = 500,
    athlete_id: Annotated[uuid.UUID | None, Query(description=ATHLETE_ID)] = None,
) -> list[dict[str, object]]:
    """The last ``minutes`` of samples in at most ``max_points`` buckets."""
    since, until = recent_window(timedelta(minutes=minutes))
    subject = await svc.training.subject(principal, athlete_id)
    points = await svc.training.stream(subject, since, until, max_points)
    return [slot_fields(p) for p in points]
