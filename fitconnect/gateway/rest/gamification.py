"""Gamification: progress, badges, leaderboards."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from fitconnect.gateway.rest.dependencies import (
    ATHLETE_ID,
    CurrentPrincipal,
    ServicesDep,
    slot_fields,
)
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.db.pages import MAX_PAGE
from fitconnect.platform.gamification.service import Circle, LeaderboardMetric, LeaderboardPeriod

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["gamification"])
AthleteQuery = Annotated[uuid.UUID | None, Query(description=ATHLETE_ID)]
Json = dict[str, Any]


@router.get("/progress", responses=errors(403))
async def progress(
    principal: CurrentPrincipal, svc: ServicesDep, athlete_id: AthleteQuery = None
) -> Json | None:
    """XP, level and streaks (null before the first session)."""
    found = await svc.gamification.progress(await svc.training.subject(principal, athlete_id))
    return slot_fields(found) if found else None


@router.get("/badges", responses=errors(403))
async def badges(
    principal: CurrentPrincipal, svc: ServicesDep, athlete_id: AthleteQuery = None
) -> list[Json]:
    """Badges earned, oldest first."""
    subject = await svc.training.subject(principal, athlete_id)
    return [slot_fields(b) for b in await svc.gamification.badges(subject)]


@router.get("/leaderboard", responses=errors(403, 404))
async def leaderboard(  # noqa: PLR0917 - query parameters
    principal: CurrentPrincipal,
    svc: ServicesDep,
    period: LeaderboardPeriod = LeaderboardPeriod.WEEK,
    metric: LeaderboardMetric = LeaderboardMetric.XP,
    circle: Circle = Circle.TENANT,
    club_id: uuid.UUID | None = None,
    first: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
) -> list[Json]:
    """This week's or month's board, ranked within the tenant, a club or the followed."""
    board = await svc.gamification.leaderboard(
        principal, period=period, metric=metric, circle=circle, club_id=club_id, first=first
    )
    return [slot_fields(e) for e in board]
