"""The in-app inbox: a page of notifications, newest first; mark one read."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.pages import PageOut, PageQuery, page_out
from fitconnect.gateway.rest.responses import COMMON

router = APIRouter(
    prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["notifications"]
)
_KEY = (datetime.fromisoformat, uuid.UUID)


@router.get("/notifications")
async def list_notifications(
    principal: CurrentPrincipal, svc: ServicesDep, page: PageQuery
) -> PageOut[dict[str, Any]]:
    found = await svc.notifications.inbox(principal.account_id, page.request(_KEY))
    return page_out(found, slot_fields, lambda n: (n.created_at, n.id))


@router.post("/notifications/{notification_id}/read")
async def mark_read(
    notification_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> bool:
    """True if it is the caller's (read now, or already)."""
    return await svc.notifications.mark_read(principal.account_id, notification_id)
