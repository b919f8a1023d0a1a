"""Training reads: sessions (with laps, zones and their samples), streams, totals, fitness,
weekly volume, records."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from fitconnect.gateway.rest.dependencies import (
    ATHLETE_ID,
    CurrentPrincipal,
    IsoDateTime,
    ServicesDep,
    slot_fields,
)
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.pages import PageOut, PageQuery, page_out
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.training.errors import SessionNotFoundError
from fitconnect.platform.training.service import (
    MAX_STREAM_POINTS,
    Session,
    SessionSpan,
    Subject,
    recent_window,
)
from fitconnect.platform.training.sports import Sport

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["training"])

MAX_STREAM_MINUTES = 366 * 24 * 60
"""The longest window a stream read takes: a year (more overflowed the date arithmetic)."""
AthleteQuery = Annotated[uuid.UUID | None, Query(description=ATHLETE_ID)]
Points = Annotated[int, Query(ge=1, le=MAX_STREAM_POINTS)]
Json = dict[str, Any]
_SESSION_KEY = (datetime.fromisoformat, uuid.UUID)


@router.get("/stream", responses=errors(403))
async def stream(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    minutes: Annotated[int, Query(ge=1, le=MAX_STREAM_MINUTES)] = 60,
    max_points: Points = 500,
    athlete_id: AthleteQuery = None,
) -> list[Json]:
    """The last ``minutes`` of samples in at most ``max_points`` buckets."""
    since, until = recent_window(timedelta(minutes=minutes))
    subject = await svc.training.subject(principal, athlete_id)
    points = await svc.training.stream(subject, since, until, max_points)
    return [slot_fields(p) for p in points]


@router.get("/series", responses=errors(403))
async def series(  # noqa: PLR0917 - query parameters
    principal: CurrentPrincipal,
    svc: ServicesDep,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    max_points: Points = 500,
    athlete_id: AthleteQuery = None,
) -> Json:
    """The stream as parallel arrays (the last hour unless told otherwise)."""
    subject = await svc.training.subject(principal, athlete_id)
    return slot_fields(await svc.training.series(subject, since, until, max_points))


@router.get("/sessions", responses=errors(403))
async def sessions(  # noqa: PLR0917 - query parameters
    principal: CurrentPrincipal,
    svc: ServicesDep,
    page: PageQuery,
    since: IsoDateTime | None = None,
    sport: Sport | None = None,
    athlete_id: AthleteQuery = None,
) -> PageOut[Json]:
    """Sessions newest first, a page at a time (``first`` after a cursor, ``last`` before)."""
    subject = await svc.training.subject(principal, athlete_id)
    found = await svc.training.sessions_page(subject, page.request(_SESSION_KEY), since, sport)
    return page_out(found, slot_fields, lambda s: (s.start_ts, s.id))


@router.get("/sessions/{session_id}", responses=errors(404))
async def session(session_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """One session the caller may read, with its zones, power curve and laps."""
    subject, found = await _session(svc, principal, session_id)
    laps = await svc.training.laps(subject, [(found.device_id, found.start_ts)])
    return slot_fields(found) | {
        "laps": [slot_fields(lap) for lap in laps[(found.device_id, found.start_ts)]]
    }


@router.get("/sessions/{session_id}/series", responses=errors(404))
async def session_series(
    session_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep, max_points: Points = 500
) -> Json:
    """The session's samples as chart arrays."""
    subject, found = await _session(svc, principal, session_id)
    [one] = await svc.training.session_series(subject, [SessionSpan.of_session(found)], max_points)
    return slot_fields(one)


@router.get("/totals", responses=errors(403))
async def totals(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    since: IsoDateTime | None = None,
    athlete_id: AthleteQuery = None,
) -> Json:
    """Count, first and last sample, average heart rate, top power (default: 7 days)."""
    subject = await svc.training.subject(principal, athlete_id)
    return slot_fields(await svc.training.totals(subject, since))


@router.get("/fitness", responses=errors(403))
async def fitness(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    days: Annotated[int, Query(ge=1, le=730)] = 90,
    athlete_id: AthleteQuery = None,
) -> list[Json]:
    """TSS, CTL, ATL and TSB by day."""
    subject = await svc.training.subject(principal, athlete_id)
    return [slot_fields(d) for d in await svc.training.fitness(subject, days)]


@router.get("/weekly-volume", responses=errors(403))
async def weekly_volume(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    weeks: Annotated[int, Query(ge=1, le=520)] = 12,
    athlete_id: AthleteQuery = None,
) -> list[Json]:
    """Sessions, moving time, distance, work and TSS per week."""
    subject = await svc.training.subject(principal, athlete_id)
    return [slot_fields(w) for w in await svc.training.weekly_volume(subject, weeks)]


@router.get("/records", responses=errors(403))
async def records(
    principal: CurrentPrincipal, svc: ServicesDep, athlete_id: AthleteQuery = None
) -> list[Json]:
    """Personal records: best power per duration, longest session…"""
    subject = await svc.training.subject(principal, athlete_id)
    return [slot_fields(r) for r in await svc.training.records(subject)]


@router.get("/ftp-estimate", responses=errors(403))
async def ftp_estimate(
    principal: CurrentPrincipal, svc: ServicesDep, athlete_id: AthleteQuery = None
) -> Json | None:
    """The FTP estimate, a suggestion beside the profile's FTP (null before one exists)."""
    subject = await svc.training.subject(principal, athlete_id)
    found = await svc.training.ftp_estimate(subject)
    return slot_fields(found) if found else None


async def _session(
    svc: ServicesDep, principal: CurrentPrincipal, session_id: uuid.UUID
) -> tuple[Subject, Session]:
    found = await svc.training.sessions_by_ids(principal, [session_id])
    if session_id not in found:
        raise SessionNotFoundError(f"no session {session_id}")
    return found[session_id]
