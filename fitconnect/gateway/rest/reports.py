"""Asynchronous reports: request one, poll it."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.training.reports import ReportKind

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["reports"])


class ReportIn(BaseModel):
    kind: ReportKind
    since: date
    until: date = Field(description="After since, at most three years after it")
    athlete_id: uuid.UUID | None = None


@router.post("/reports", status_code=202, responses=errors(403))
async def request_report(
    body: ReportIn, principal: CurrentPrincipal, svc: ServicesDep
) -> dict[str, object]:
    """Queue a heavy report; poll ``GET /reports/{id}`` until its status is done or failed."""
    subject = await svc.training.subject(principal, body.athlete_id)
    job = await svc.reports.request(principal, subject, body.kind, body.since, body.until)
    return slot_fields(job)


@router.get("/reports/{report_id}", responses=errors(404))
async def get_report(
    report_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> dict[str, object]:
    return slot_fields(await svc.reports.get(principal, report_id))
