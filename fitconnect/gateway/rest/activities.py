"""Activities and privacy: an activity, an athlete's activities, the feed; editing an activity,
the privacy settings, blocks and follow requests (the same services and visibility as GraphQL)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.pages import PageInfo, PageOut, PageQuery, page_out
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.db.pages import MAX_PAGE, Page
from fitconnect.platform.social.activities import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    Activity,
    ActivityChange,
    activity_cursor,
)
from fitconnect.platform.social.privacy import MAX_ZONE_RADIUS_M, PrivacyChange
from fitconnect.platform.social.reactions import MAX_COMMENT
from fitconnect.platform.social.visibility import AccountVisibility, ActivityVisibility
from fitconnect.platform.users.directory import summaries

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["social"])
Json = dict[str, Any]
First = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items after `after`")]
After = Annotated[str | None, Query(description="A cursor from an earlier page")]


class ActivityIn(BaseModel):
    """The fields to change (the others stay)."""

    title: str | None = Field(None, min_length=1, max_length=MAX_TITLE)
    description: str | None = Field(None, max_length=MAX_DESCRIPTION)
    visibility: ActivityVisibility | None = None


class PrivacyIn(BaseModel):
    """The settings to change (the others stay); ``clear_zone`` removes the privacy zone."""

    visibility: AccountVisibility | None = None
    hide_heart_rate: bool | None = None
    hide_power: bool | None = None
    hide_start_time: bool | None = None
    home_lat: float | None = Field(None, ge=-90, le=90)
    home_lon: float | None = Field(None, ge=-180, le=180)
    zone_radius_m: float | None = Field(None, ge=0, le=MAX_ZONE_RADIUS_M)
    clear_zone: bool = False


class CommentIn(BaseModel):
    """1 to 2,000 characters, not only spaces."""

    body: str = Field(min_length=1, max_length=MAX_COMMENT, pattern=r"\S")


_COMMENT_KEY = (datetime.fromisoformat, uuid.UUID)


def activity_page(page: Page[Activity]) -> PageOut[Json]:
    cursors = [activity_cursor(a.id) for a in page.items]
    return PageOut(
        items=[slot_fields(a) for a in page.items],
        cursors=cursors,
        page_info=PageInfo(
            has_next=page.has_next,
            has_previous=page.has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
    )


@router.get("/activities/{activity_id}", responses=errors(404))
async def activity(activity_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """One activity, if the caller may see it (hidden fields are null)."""
    return slot_fields(await svc.activities.activity(principal, activity_id))


@router.patch("/activities/{activity_id}", responses=errors(403, 404))
async def update_activity(
    activity_id: uuid.UUID, body: ActivityIn, principal: CurrentPrincipal, svc: ServicesDep
) -> Json:
    """Change the title, description or visibility of one of the caller's activities."""
    change = ActivityChange(**body.model_dump(exclude_unset=True))
    return slot_fields(await svc.activities.update(principal, activity_id, change))


@router.get("/athletes/{athlete_id}/activities")
async def athlete_activities(
    athlete_id: uuid.UUID,
    principal: CurrentPrincipal,
    svc: ServicesDep,
    first: First = 20,
    after: After = None,
) -> PageOut[Json]:
    """An athlete's activities the caller may see, newest first."""
    return activity_page(
        await svc.activities.athlete_activities(principal, athlete_id, first, after)
    )


@router.get("/feed")
async def feed(
    principal: CurrentPrincipal, svc: ServicesDep, first: First = 20, after: After = None
) -> PageOut[Json]:
    """The caller's and the followed athletes' activities, newest first."""
    return activity_page(await svc.activities.feed(principal, first, after))


@router.get("/privacy")
async def privacy(principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    return slot_fields(await svc.privacy.privacy(principal))


@router.patch("/privacy")
async def update_privacy(body: PrivacyIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Change the settings sent (the others stay)."""
    change = PrivacyChange(**body.model_dump(exclude_unset=True))
    return slot_fields(await svc.privacy.update(principal, change))


@router.get("/blocks")
async def blocks(principal: CurrentPrincipal, svc: ServicesDep) -> list[Json]:
    """The athletes the caller blocked, most recent first."""
    ids = await svc.privacy.blocked(principal)
    people = await summaries(svc.pool, principal.tenant_id, ids)
    return [slot_fields(people[i]) for i in ids if i in people]


@router.put("/blocks/{athlete_id}", status_code=204, responses=errors(404))
async def block(athlete_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> None:
    """Block an athlete of the caller's tenant: they see nothing of the caller's."""
    await svc.privacy.block(principal, athlete_id)


@router.delete("/blocks/{athlete_id}", status_code=204)
async def unblock(athlete_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> None:
    await svc.privacy.unblock(principal, athlete_id)


@router.get("/follow-requests")
async def follow_requests(principal: CurrentPrincipal, svc: ServicesDep) -> list[Json]:
    """Who asks to follow the caller (a private account), oldest first."""
    links = await svc.social.follow_requests(principal)
    people = await summaries(svc.pool, principal.tenant_id, [link.account_id for link in links])
    return [slot_fields(people[link.account_id]) for link in links if link.account_id in people]


@router.put("/follow-requests/{athlete_id}", status_code=204, responses=errors(404))
async def approve_follow_request(
    athlete_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> None:
    """Approve a request: the athlete follows the caller from now on."""
    await svc.social.answer_follow_request(principal, athlete_id, approve=True)


@router.delete("/follow-requests/{athlete_id}", status_code=204, responses=errors(404))
async def decline_follow_request(
    athlete_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> None:
    await svc.social.answer_follow_request(principal, athlete_id, approve=False)


@router.put("/activities/{activity_id}/kudos", responses=errors(404))
async def give_kudos(activity_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Give kudos to an activity the caller may see (once: again changes nothing)."""
    await svc.reactions.give_kudos(principal, activity_id)
    return slot_fields(await svc.activities.activity(principal, activity_id))


@router.delete("/activities/{activity_id}/kudos", responses=errors(404))
async def take_back_kudos(
    activity_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> Json:
    """Take back the caller's kudos (none: nothing changes)."""
    await svc.reactions.take_back_kudos(principal, activity_id)
    return slot_fields(await svc.activities.activity(principal, activity_id))


@router.get("/activities/{activity_id}/comments", responses=errors(404))
async def comments(
    activity_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep, page: PageQuery
) -> PageOut[Json]:
    """The comments of an activity the caller may see, oldest first."""
    found = await svc.reactions.comments(principal, activity_id, page.request(_COMMENT_KEY))
    return page_out(found, slot_fields, lambda c: (c.created_at, c.id))


@router.post("/activities/{activity_id}/comments", status_code=201, responses=errors(404))
async def add_comment(
    activity_id: uuid.UUID, body: CommentIn, principal: CurrentPrincipal, svc: ServicesDep
) -> Json:
    """Comment on an activity the caller may see; its athlete and the mentioned are told."""
    return slot_fields(await svc.reactions.add_comment(principal, activity_id, body.body))


@router.patch("/comments/{comment_id}", responses=errors(403, 404))
async def edit_comment(
    comment_id: uuid.UUID, body: CommentIn, principal: CurrentPrincipal, svc: ServicesDep
) -> Json:
    """Change the text of the caller's own comment."""
    return slot_fields(await svc.reactions.edit_comment(principal, comment_id, body.body))


@router.delete("/comments/{comment_id}", status_code=204, responses=errors(403, 404))
async def delete_comment(
    comment_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> None:
    """Delete a comment: the caller's own, or one on the caller's activity."""
    await svc.reactions.delete_comment(principal, comment_id)
