"""Coaching links: ``coaching``; ``inviteAthlete``, ``respondToCoach``, ``revokeCoach``."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.same_fields import SameFields
from fitconnect.gateway.graphql.users import AccountSummary, summary


@strawberry.type
class CoachingLink(SameFields):
    coach_id: uuid.UUID
    athlete_id: uuid.UUID
    status: str
    updated_at: datetime

    @strawberry.field
    async def coach(self, info: Info) -> AccountSummary | None:
        return summary(await info.context.loaders.accounts.load(self.coach_id))

    @strawberry.field
    async def athlete(self, info: Info) -> AccountSummary | None:
        return summary(await info.context.loaders.accounts.load(self.athlete_id))


@strawberry.type
class CoachingQuery:
    @strawberry.field(description="Coaching links of the caller, as coach or as athlete.")
    async def coaching(self, info: Info) -> list[CoachingLink]:
        ctx = info.context
        links = await ctx.services.coaching.links(ctx.principal())
        return [CoachingLink.from_domain(link) for link in links]


@strawberry.type
class CoachingMutation:
    @strawberry.mutation(description="A coach invites an athlete of the same tenant.")
    async def invite_athlete(self, info: Info, email: str) -> CoachingLink:
        ctx = info.context
        link = await ctx.services.coaching.invite(ctx.principal(), email)
        return CoachingLink.from_domain(link)

    @strawberry.mutation(description="The athlete accepts or refuses a coach's invitation.")
    async def respond_to_coach(self, info: Info, coach_id: uuid.UUID, accept: bool) -> CoachingLink:
        ctx = info.context
        link = await ctx.services.coaching.respond(ctx.principal(), coach_id, accept=accept)
        return CoachingLink.from_domain(link)

    @strawberry.mutation(description="The athlete ends a coach's read access at once.")
    async def revoke_coach(self, info: Info, coach_id: uuid.UUID) -> CoachingLink:
        ctx = info.context
        link = await ctx.services.coaching.revoke(ctx.principal(), coach_id)
        return CoachingLink.from_domain(link)
