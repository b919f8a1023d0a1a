"""Follows and clubs: ``clubs``, ``following``; ``follow``, ``unfollow``, club membership."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.same_fields import SameFields
from fitconnect.gateway.graphql.users import AccountSummary


@strawberry.type
class Club(SameFields):
    id: uuid.UUID
    name: str
    members: int
    created_at: datetime


@strawberry.type
class SocialQuery:
    @strawberry.field(description="The clubs the caller belongs to.")
    async def clubs(self, info: Info) -> list[Club]:
        ctx = info.context
        return [Club.from_domain(c) for c in await ctx.services.social.clubs(ctx.principal())]

    @strawberry.field(description="The athletes the caller follows.")
    async def following(self, info: Info) -> list[AccountSummary]:
        ctx = info.context
        ids = await ctx.services.social.following(ctx.principal())
        found = await ctx.loaders.accounts.load_many(ids)
        return [AccountSummary.from_domain(a) for a in found if a is not None]


@strawberry.type
class SocialMutation:
    @strawberry.mutation(description="Follow an athlete of the same tenant.")
    async def follow(self, info: Info, athlete_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.social.follow(ctx.principal(), athlete_id)
        return True

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
