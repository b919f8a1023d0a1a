"""Follows and clubs: ``clubs``, ``following``; ``follow``, ``unfollow``, club membership."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

import strawberry

from fitconnect.gateway.cursors import page_request
from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.pagination import Connection, connection
from fitconnect.gateway.graphql.users import AccountSummary
from fitconnect.platform.db.pages import Page
from fitconnect.platform.social import service as domain

_KEY = (datetime.fromisoformat, uuid.UUID)


@strawberry.type
class Club:
    id: uuid.UUID
    name: str
    member_count: int
    created_at: datetime

    @strawberry.field(
        description="The club's members, in the order they joined (members only): pages of"
        " `first` after a cursor, or `last` before one."
    )
    async def members(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AccountSummary]:
        ctx = info.context
        request = page_request(first, after, last, before, _KEY)
        page = await ctx.services.social.members_page(ctx.principal(), self.id, request)
        return await _people(info, page)

    @classmethod
    def from_domain(cls, c: domain.Club) -> Self:
        return cls(id=c.id, name=c.name, member_count=c.members, created_at=c.created_at)


async def _people(info: Info, page: Page[domain.Link]) -> Connection[AccountSummary]:
    """A connection of people: their summaries read at once (accounts gone are left out)."""
    found = await info.context.loaders.accounts.load_many([link.account_id for link in page.items])
    people = {a.id: AccountSummary.from_domain(a) for a in found if a is not None}
    present = Page(
        [link for link in page.items if link.account_id in people],
        page.has_next,
        page.has_previous,
    )
    return connection(present, lambda link: people[link.account_id], _link_key)


def _link_key(link: domain.Link) -> tuple[datetime, uuid.UUID]:
    return link.since, link.account_id


@strawberry.type
class SocialQuery:
    @strawberry.field(description="The clubs the caller belongs to.")
    async def clubs(self, info: Info) -> list[Club]:
        ctx = info.context
        return [Club.from_domain(c) for c in await ctx.services.social.clubs(ctx.principal())]

    @strawberry.field(
        description="The athletes the caller follows, in the order followed: pages of `first`"
        " after a cursor, or `last` before one."
    )
    async def following(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AccountSummary]:
        ctx = info.context
        request = page_request(first, after, last, before, _KEY)
        return await _people(
            info, await ctx.services.social.following_page(ctx.principal(), request)
        )

    @strawberry.field(
        description="The athletes who follow the caller, in the order they did: pages of"
        " `first` after a cursor, or `last` before one."
    )
    async def followers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AccountSummary]:
        ctx = info.context
        request = page_request(first, after, last, before, _KEY)
        return await _people(
            info, await ctx.services.social.followers_page(ctx.principal(), request)
        )


@strawberry.type
class SocialMutation:
    @strawberry.mutation(
        description="Follow an athlete of the same tenant: true when following, false when"
        " their account is private and the request awaits their approval (BLOCKED when a"
        " block stands between the two)."
    )
    async def follow(self, info: Info, athlete_id: uuid.UUID) -> bool:
        ctx = info.context
        return await ctx.services.social.follow(ctx.principal(), athlete_id)

    @strawberry.mutation
    async def unfollow(self, info: Info, athlete_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.social.unfollow(ctx.principal(), athlete_id)
        return True

    @strawberry.mutation(description="Create a club of the caller's tenant and join it.")
    async def create_club(self, info: Info, name: str) -> Club:
        ctx = info.context
        return Club.from_domain(await ctx.services.social.create_club(ctx.principal(), name))

    @strawberry.mutation
    async def join_club(self, info: Info, club_id: uuid.UUID) -> Club:
        ctx = info.context
        return Club.from_domain(await ctx.services.social.join(ctx.principal(), club_id))

    @strawberry.mutation
    async def leave_club(self, info: Info, club_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.social.leave(ctx.principal(), club_id)
        return True
