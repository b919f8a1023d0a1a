"""The in-app inbox: /notifications."""

from __future__ import annotations

from fastapi import APIRouter

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.responses import COMMON

router = APIRouter(prefix="/api/v1", responses=COMMON)


@router.get("/notifications")
async def list_notifications(
    principal: CurrentPrincipal, svc: ServicesDep
) -> list[dict[str, object]]:
    page = await svc.notifications.inbox(principal.account_id)
    return [slot_fields(n) for n in page.items]
