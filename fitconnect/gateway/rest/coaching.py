"""Coaching links: a coach invites, the athlete accepts, refuses or ends the link."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.responses import COMMON, errors

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["coaching"])
Json = dict[str, Any]


class InviteIn(BaseModel):
    email: str


class AnswerIn(BaseModel):
    accept: bool


@router.get("/coaching")
async def links(principal: CurrentPrincipal, svc: ServicesDep) -> list[Json]:
    """The caller's coaching links, as coach or as athlete."""
    return [slot_fields(link) for link in await svc.coaching.links(principal)]


@router.post("/coaching/invitations", status_code=201, responses=errors(403, 404))
async def invite(body: InviteIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """A coach invites an athlete of the same tenant."""
    return slot_fields(await svc.coaching.invite(principal, body.email))


@router.put("/coaching/{coach_id}", responses=errors(404))
async def respond(
    coach_id: uuid.UUID, body: AnswerIn, principal: CurrentPrincipal, svc: ServicesDep
) -> Json:
    """The athlete accepts or refuses a coach's invitation."""
    return slot_fields(await svc.coaching.respond(principal, coach_id, accept=body.accept))


@router.delete("/coaching/{coach_id}", responses=errors(404))
async def revoke(coach_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """The athlete ends a coach's read access at once."""
    return slot_fields(await svc.coaching.revoke(principal, coach_id))
