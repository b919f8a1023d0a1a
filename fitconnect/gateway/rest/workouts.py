"""Structured workouts and the calendar: plan, read, move, skip, remove; the library; the
fitness projection; a planned workout as a file."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import ATHLETE_ID, CurrentPrincipal, ServicesDep
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.workouts.errors import InvalidPlanError
from fitconnect.platform.workouts.formats import (
    MEDIA_TYPES,
    WorkoutFormat,
    workout_of,
    write_workout,
)
from fitconnect.platform.workouts.library import CLASSICS
from fitconnect.platform.workouts.load import planned_load
from fitconnect.platform.workouts.models import PlannedWorkout
from fitconnect.platform.workouts.service import MAX_PROJECTION_DAYS

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["workouts"])
AthleteQuery = Annotated[uuid.UUID | None, Query(description=ATHLETE_ID)]
Json = dict[str, Any]


class PlanIn(BaseModel):
    day: date
    athlete_id: uuid.UUID | None = None
    library_key: str | None = Field(None, max_length=100)
    file: str | None = Field(None, description="The file's text; base64 for FIT")
    format: WorkoutFormat | None = None


class PlanChange(BaseModel):
    day: date | None = Field(None, description="Move it to this day")
    skipped: bool | None = Field(None, description="Skip it (false: plan it again)")


def planned_out(p: PlannedWorkout) -> Json:
    return {
        "id": p.id,
        "athlete_id": p.athlete_id,
        "planned_by": p.planned_by,
        "day": p.day,
        "status": p.status.value,
        "estimated_tss": p.estimated_tss,
        "duration_s": p.duration_s,
        "updated_at": p.updated_at,
        "workout": msgspec.to_builtins(p.workout),
    }


@router.get("/workouts/calendar", responses=errors(403))
async def calendar(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    since: date,
    until: date,
    athlete_id: AthleteQuery = None,
) -> list[Json]:
    """The athlete's planned workouts from ``since`` to ``until`` (both included)."""
    found = await svc.workouts.calendar(principal, since, until, athlete_id)
    return [planned_out(p) for p in found]


@router.post("/workouts/planned", status_code=201, responses=errors(403))
async def plan(body: PlanIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Plan a workout: a library key, or a file in its format (text; base64 for FIT)."""
    workout = workout_of(body.library_key, body.file, body.format)
    return planned_out(await svc.workouts.plan(principal, body.day, workout, body.athlete_id))


@router.get("/workouts/planned/{plan_id}", responses=errors(404))
async def planned(plan_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    return planned_out(await svc.workouts.planned(principal, plan_id))


@router.patch("/workouts/planned/{plan_id}", responses=errors(404))
async def change(
    plan_id: uuid.UUID, body: PlanChange, principal: CurrentPrincipal, svc: ServicesDep
) -> Json:
    """Move it to another day, or skip it (one of them)."""
    if (body.day is None) == (body.skipped is None):
        raise InvalidPlanError("give a day or skipped, one of them")
    if body.day is not None:
        return planned_out(await svc.workouts.move(principal, plan_id, body.day))
    skipped = bool(body.skipped)
    return planned_out(await svc.workouts.set_skipped(principal, plan_id, skipped=skipped))


@router.delete("/workouts/planned/{plan_id}", status_code=204, responses=errors(404))
async def unplan(plan_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> Response:
    await svc.workouts.unplan(principal, plan_id)
    return Response(status_code=204)


@router.get("/workouts/planned/{plan_id}/file", responses=errors(404))
async def export(
    plan_id: uuid.UUID,
    principal: CurrentPrincipal,
    svc: ServicesDep,
    format: WorkoutFormat,  # noqa: A002 - the query parameter's name
) -> Response:
    """The planned workout as a file (ERG and MRC at the athlete's FTP)."""
    found = await svc.workouts.planned(principal, plan_id)
    ftp = await svc.workouts.ftp_w(principal, found.athlete_id)
    body = write_workout(found.workout, format, ftp_w=ftp)
    return Response(content=body, media_type=MEDIA_TYPES[format])


@router.get("/workouts/library")
async def library(principal: CurrentPrincipal, svc: ServicesDep) -> list[Json]:
    """The classic sessions a plan may name by key, with their TSS at the caller's FTP."""
    ftp = await svc.workouts.ftp_w(principal, principal.account_id)
    return [
        {
            "key": key,
            "estimated_tss": planned_load(w, ftp_w=ftp).tss,
            "workout": msgspec.to_builtins(w),
        }
        for key, w in CLASSICS.items()
    ]


@router.get("/workouts/projection", responses=errors(403))
async def projection(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    days: Annotated[int, Query(ge=1, le=MAX_PROJECTION_DAYS)] = 28,
    athlete_id: AthleteQuery = None,
) -> list[Json]:
    """CTL, ATL and TSB ahead if the planned workouts are ridden."""
    found = await svc.workouts.projection(principal, days, athlete_id)
    return [
        {
            "day": d.day,
            "planned_tss": d.planned_tss,
            "ctl": d.ctl,
            "atl": d.atl,
            "tsb": round(d.tsb, 2),
        }
        for d in found
    ]
