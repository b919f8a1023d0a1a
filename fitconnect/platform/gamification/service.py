"""XP, level, streaks and badges of an athlete; leaderboards of the tenant, a club or the
athletes the caller follows (ranked within that circle)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.db.rows import fetch_all, fetch_one
from fitconnect.platform.gamification.errors import UnknownLeaderboardError
from fitconnect.platform.social.service import SocialService
from fitconnect.platform.social.visibility import Audience, sees_athlete_sql, viewer_params
from fitconnect.platform.training.service import Subject


class LeaderboardPeriod(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


class LeaderboardMetric(enum.StrEnum):
    XP = "xp"
    DISTANCE_M = "distance_m"
    MOVING_TIME_S = "moving_time_s"


MAX_BOARD_ENTRIES = 100
"""The most entries one leaderboard read returns, whatever a client asks for."""


def utc_today() -> date:
    """Today in UTC: the analytics jobs cut weeks and months on UTC dates, so boards do too."""
    return datetime.now(UTC).date()


class Circle(enum.StrEnum):
    TENANT = "tenant"
    CLUB = "club"
    FOLLOWED = "followed"


@dataclass(frozen=True, slots=True)
class Progress:
    xp: int
    level: int
    daily_streak: int
    longest_daily_streak: int
    weekly_streak: int
    longest_weekly_streak: int
    as_of: date


@dataclass(frozen=True, slots=True)
class Badge:
    id: str
    name: str
    awarded_at: datetime


@dataclass(frozen=True, slots=True)
class BoardEntry:
    rank: int
    athlete_id: uuid.UUID
    value: float


class GamificationService:
    def __init__(self, pool: AsyncConnectionPool, social: SocialService) -> None:
        self._pool = pool
        self._social = social

    async def progress(self, subject: Subject) -> Progress | None:
        """None until the athlete's first session has been computed."""
        return await fetch_one(
            self._pool,
            Progress,
            "SELECT xp, level, daily_streak, longest_daily_streak, weekly_streak,"
            " longest_weekly_streak, as_of FROM gamification.published_athlete_progress"
            " WHERE athlete_id = %s",
            (subject.athlete_id,),
        )

    async def badges(self, subject: Subject) -> list[Badge]:
        return await fetch_all(
            self._pool,
            Badge,
            "SELECT badge_id AS id, name, awarded_at FROM gamification.published_badge_awards"
            " WHERE athlete_id = %s ORDER BY awarded_at",
            (subject.athlete_id,),
        )

    async def leaderboard(
        self,
        principal: Principal,
        *,
        period: LeaderboardPeriod | str,
        metric: LeaderboardMetric | str,
        circle: Circle = Circle.TENANT,
        club_id: uuid.UUID | None = None,
        first: int = 20,
        on: date | None = None,
    ) -> list[BoardEntry]:
        """The current (or ``on``'s) board, ranked among ``circle``; ties share a rank; the
        first ``first`` (1 … ``MAX_BOARD_ENTRIES``) entries. Athletes whose figures the caller
        may not see (social's visibility: a private account, a block) are left out, and the
        ranks counted without them."""
        try:
            period, metric = LeaderboardPeriod(period), LeaderboardMetric(metric)
        except ValueError as exc:
            periods = "/".join(p.value for p in LeaderboardPeriod)
            metrics = ", ".join(m.value for m in LeaderboardMetric)
            raise UnknownLeaderboardError(f"leaderboards are {periods} by {metrics}") from exc
        among: list[uuid.UUID] | None = None
        if circle is Circle.CLUB:
            if club_id is None:
                raise UnknownLeaderboardError("a club leaderboard needs clubId")
            among = await self._social.club_members(principal, club_id)
        elif circle is Circle.FOLLOWED:
            among = [principal.account_id, *await self._social.following(principal)]
        return await fetch_all(
            self._pool,
            BoardEntry,
            "SELECT rank() OVER (ORDER BY value DESC)::int AS rank, athlete_id, value"  # noqa: S608 - constants joined, no input
            " FROM gamification.published_leaderboards"
            " WHERE tenant_id = %(tenant)s AND period = %(period)s AND metric = %(metric)s"
            "   AND period_start = date_trunc(%(period)s, %(on)s::date)::date"
            "   AND (%(among)s::uuid[] IS NULL OR athlete_id = ANY(%(among)s))"
            "   AND "
            + sees_athlete_sql("athlete_id", "tenant_id", Audience.PUBLIC)
            + " ORDER BY rank, athlete_id LIMIT %(first)s",
            {
                "tenant": principal.tenant_id,
                **viewer_params(principal),
                "period": period.value,
                "metric": metric.value,
                "on": on or utc_today(),
                "among": among,
                "first": min(max(first, 1), MAX_BOARD_ENTRIES),
            },
        )
