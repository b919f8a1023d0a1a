"""Follows and clubs: who one follows and who follows one, clubs and their members."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.pages import PageOut, PageQuery, page_out
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.db.pages import Page
from fitconnect.platform.social.service import Link
from fitconnect.platform.users.directory import summaries

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["social"])
Json = dict[str, Any]
_KEY = (datetime.fromisoformat, uuid.UUID)


class ClubIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)


@router.get("/following")
async def following(
    principal: CurrentPrincipal, svc: ServicesDep, page: PageQuery
) -> PageOut[Json]:
    """The athletes the caller follows, in the order followed."""
    return await _people(
        svc, principal, await svc.social.following_page(principal, page.request(_KEY))
    )


@router.get("/followers")
async def followers(
    principal: CurrentPrincipal, svc: ServicesDep, page: PageQuery
) -> PageOut[Json]:
    """The athletes who follow the caller."""
    return await _people(
        svc, principal, await svc.social.followers_page(principal, page.request(_KEY))
    )


@router.put("/following/{athlete_id}", status_code=204, responses=errors(404))
async def follow(athlete_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> None:
    """Follow an athlete of the caller's tenant."""
    await svc.social.follow(principal, athlete_id)


@router.delete("/following/{athlete_id}", status_code=204)
async def unfollow(athlete_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> None:
    await svc.social.unfollow(principal, athlete_id)


@router.get("/clubs")
async def clubs(principal: CurrentPrincipal, svc: ServicesDep) -> list[Json]:
    """The clubs the caller belongs to."""
    return [slot_fields(c) for c in await svc.social.clubs(principal)]


@router.post("/clubs", status_code=201)
async def create_club(body: ClubIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Create a club of the caller's tenant and join it."""
    return slot_fields(await svc.social.create_club(principal, body.name))


@router.put("/clubs/{club_id}/membership", responses=errors(404))
async def join_club(club_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    return slot_fields(await svc.social.join(principal, club_id))


@router.delete("/clubs/{club_id}/membership", status_code=204)
async def leave_club(club_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> None:
    await svc.social.leave(principal, club_id)


@router.get("/clubs/{club_id}/members", responses=errors(403, 404))
async def members(
    club_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep, page: PageQuery
) -> PageOut[Json]:
    """The members of a club the caller belongs to, in the order they joined."""
    found = await svc.social.members_page(principal, club_id, page.request(_KEY))
    return await _people(svc, principal, found)


async def _people(svc: ServicesDep, principal: CurrentPrincipal, page: Page[Link]) -> PageOut[Json]:
    people = await summaries(svc.pool, principal.tenant_id, [p.account_id for p in page.items])
    present = Page(
        [p for p in page.items if p.account_id in people], page.has_next, page.has_previous
    )
    return page_out(
        present,
        lambda link: slot_fields(people[link.account_id]),
        lambda link: (link.since, link.account_id),
    )
