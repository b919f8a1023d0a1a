"""Search: ``search(query, kinds, first, after)`` over athletes, clubs and activities, each hit
one the caller may see (the social context's visibility function decides)."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.pagination import Connection, Edge
from fitconnect.platform.social import search as domain
from fitconnect.platform.social.search import SearchKind


@strawberry.type(description="One thing a search found: its kind, id and name or title.")
class SearchHit:
    kind: SearchKind
    id: uuid.UUID
    title: str
    score: float


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Athletes, clubs and activities matching `query` (words, a prefix, or a"
        " near spelling), best first, only those the caller may see: `first` after a cursor."
    )
    async def search(
        self,
        info: Info,
        query: str,
        kinds: list[SearchKind] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[SearchHit]:
        ctx = info.context
        page, start = await ctx.services.search.search(
            ctx.principal(), query, frozenset(kinds) if kinds else None, first, after
        )
        edges = [
            Edge(
                cursor=domain.search_cursor(start + i + 1),
                node=SearchHit(kind=h.kind, id=h.id, title=h.title, score=h.score),
            )
            for i, h in enumerate(page.items)
        ]
        return Connection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
