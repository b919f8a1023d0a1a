"""Search: ``GET /api/v1/search?query=&kinds=`` (the same service and visibility as GraphQL)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.pages import PageInfo, PageOut
from fitconnect.gateway.rest.responses import COMMON
from fitconnect.platform.db.pages import MAX_PAGE
from fitconnect.platform.social.search import MAX_QUERY, SearchKind, search_cursor

router = APIRouter(prefix="/api/v1", responses=COMMON, tags=["social"])


@router.get("/search")
async def search(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    *,
    query: Annotated[str, Query(min_length=1, max_length=MAX_QUERY, pattern=r"\S")],
    kinds: Annotated[list[SearchKind] | None, Query()] = None,
    first: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    after: Annotated[str | None, Query(description="A cursor from an earlier page")] = None,
) -> PageOut[dict[str, Any]]:
    """Athletes, clubs and activities matching ``query``, best first, only those the caller
    may see."""
    page, start = await svc.search.search(
        principal, query, frozenset(kinds) if kinds else None, first, after
    )
    cursors = [search_cursor(start + i + 1) for i in range(len(page.items))]
    return PageOut(
        items=[slot_fields(h) for h in page.items],
        cursors=cursors,
        page_info=PageInfo(
            has_next=page.has_next,
            has_previous=page.has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
    )
