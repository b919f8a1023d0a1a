"""Gamification: ``progress``, ``badges``, ``leaderboard``."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from fitconnect.gateway.graphql.arguments import AthleteId
from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.same_fields import SameFields
from fitconnect.gateway.graphql.users import AccountSummary, summary
from fitconnect.platform.gamification.service import (
    Circle,
    LeaderboardMetric,
    LeaderboardPeriod,
)


@strawberry.type
class Progress(SameFields):
    xp: int
    level: int
    daily_streak: int
    longest_daily_streak: int
    weekly_streak: int
    longest_weekly_streak: int
    as_of: date


@strawberry.type
class Badge(SameFields):
    id: str
    name: str
    awarded_at: datetime


@strawberry.type
class BoardEntry(SameFields):
    rank: int
    athlete_id: uuid.UUID
    value: float

    @strawberry.field
    async def athlete(self, info: Info) -> AccountSummary | None:
        return summary(await info.context.loaders.accounts.load(self.athlete_id))


@strawberry.type
class GamificationQuery:
    @strawberry.field(description="XP, level and streaks (null before the first session).")
    async def progress(self, info: Info, athlete_id: AthleteId = None) -> Progress | None:
        ctx = info.context
        found = await ctx.services.gamification.progress(await ctx.subject(athlete_id))
        return Progress.from_domain(found) if found else None

    @strawberry.field(description="Badges earned, oldest first.")
    async def badges(self, info: Info, athlete_id: AthleteId = None) -> list[Badge]:
        ctx = info.context
        found = await ctx.services.gamification.badges(await ctx.subject(athlete_id))
        return [Badge.from_domain(b) for b in found]

    @strawberry.field(
        description="This week's or month's board by XP, distance or moving time, ranked"
        " within the tenant, a club the caller belongs to (clubId), or the athletes the caller"
        " follows; at most `first` (1 to 100) entries."
    )
    async def leaderboard(  # noqa: PLR0917 - GraphQL arguments
        self,
        info: Info,
        period: LeaderboardPeriod = LeaderboardPeriod.WEEK,
        metric: LeaderboardMetric = LeaderboardMetric.XP,
        circle: Circle = Circle.TENANT,
        club_id: uuid.UUID | None = None,
        first: int = 20,
    ) -> list[BoardEntry]:
        ctx = info.context
        board = await ctx.services.gamification.leaderboard(
            ctx.principal(),
            period=period,
            metric=metric,
            circle=circle,
            club_id=club_id,
            first=first,
        )
        return [BoardEntry.from_domain(e) for e in board]
