"""The calendar: a coach plans a workout for an athlete who accepted them (the coaching link
grants it), or an athlete for themself; either moves, skips or removes it; the fitness chart
is projected ahead from the planned load.

Whoever may read an athlete's data (``CoachingService.readable_athlete``) may plan for them;
a planned workout of an athlete the caller may not read is not found, as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta

from psycopg_pool import AsyncConnectionPool

from fitconnect.analytics.load import performance_chart
from fitconnect.platform.auth.models import Principal
from fitconnect.platform.coaching.errors import ReadForbiddenError
from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.training.service import TrainingService
from fitconnect.platform.users import directory
from fitconnect.platform.workouts.errors import InvalidPlanError, PlannedWorkoutNotFoundError
from fitconnect.platform.workouts.load import planned_load
from fitconnect.platform.workouts.models import PlannedWorkout, PlanStatus, ProjectedDay
from fitconnect.platform.workouts.repository import PlanRepository
from fitconnect.schemas.workouts import Workout

DEFAULT_FTP_W = 200
"""The FTP a plan is computed with when the athlete stated none (watts targets' intensity)."""
MAX_DAYS_OFF = 366
"""How far from today a workout may be planned, either way."""
MAX_WINDOW_DAYS = 366
MAX_PROJECTION_DAYS = 120
HISTORY_DAYS = 42
"""How far back the projection looks for the last day analytics computed (else from 0)."""


class WorkoutService:
    def __init__(
        self, pool: AsyncConnectionPool, coaching: CoachingService, training: TrainingService
    ) -> None:
        self._pool = pool
        self._plans = PlanRepository(pool)
        self._coaching = coaching
        self._training = training

    async def ftp_w(self, principal: Principal, athlete_id: uuid.UUID) -> int:
        """The athlete's stated FTP, or ``DEFAULT_FTP_W``."""
        stated = await directory.ftp_of(self._pool, principal.tenant_id, athlete_id)
        return stated or DEFAULT_FTP_W

    async def plan(
        self,
        principal: Principal,
        day: date,
        workout: Workout,
        athlete_id: uuid.UUID | None = None,
        *,
        today: date | None = None,
    ) -> PlannedWorkout:
        """Plan ``workout`` on ``day`` for the athlete (default: the caller)."""
        athlete = await self._coaching.readable_athlete(principal, athlete_id)
        _check_day(day, today)
        load = planned_load(workout, ftp_w=await self.ftp_w(principal, athlete))
        return await self._plans.insert(
            tenant_id=principal.tenant_id,
            athlete_id=athlete,
            planned_by=principal.account_id,
            day=day,
            workout=workout,
            estimated_tss=load.tss,
            duration_s=load.duration_s,
        )

    async def calendar(
        self, principal: Principal, since: date, until: date, athlete_id: uuid.UUID | None = None
    ) -> list[PlannedWorkout]:
        """The athlete's planned workouts from ``since`` to ``until`` (both included)."""
        athlete = await self._coaching.readable_athlete(principal, athlete_id)
        if until < since or (until - since).days >= MAX_WINDOW_DAYS:
            raise InvalidPlanError(f"a calendar window is 1 to {MAX_WINDOW_DAYS} days")
        return await self._plans.between(athlete, since, until)

    async def planned(self, principal: Principal, planned_id: uuid.UUID) -> PlannedWorkout:
        """One planned workout the caller may see."""
        found = await self._plans.get(principal.tenant_id, planned_id)
        if found is None:
            raise PlannedWorkoutNotFoundError(f"no planned workout {planned_id}")
        try:
            await self._coaching.readable_athlete(principal, found.athlete_id)
        except ReadForbiddenError as exc:
            raise PlannedWorkoutNotFoundError(f"no planned workout {planned_id}") from exc
        return found

    async def move(
        self, principal: Principal, planned_id: uuid.UUID, day: date, *, today: date | None = None
    ) -> PlannedWorkout:
        await self.planned(principal, planned_id)
        _check_day(day, today)
        return await self._changed(planned_id, day=day)

    async def set_skipped(
        self, principal: Principal, planned_id: uuid.UUID, *, skipped: bool = True
    ) -> PlannedWorkout:
        """The athlete will not do it (or, ``skipped=False``, will after all)."""
        await self.planned(principal, planned_id)
        status = PlanStatus.SKIPPED if skipped else PlanStatus.PLANNED
        return await self._changed(planned_id, status=status)

    async def unplan(self, principal: Principal, planned_id: uuid.UUID) -> None:
        await self.planned(principal, planned_id)
        if not await self._plans.delete(planned_id):
            raise PlannedWorkoutNotFoundError(f"no planned workout {planned_id}")

    async def _changed(
        self, planned_id: uuid.UUID, *, day: date | None = None, status: PlanStatus | None = None
    ) -> PlannedWorkout:
        changed = await self._plans.update(planned_id, day=day, status=status)
        if changed is None:  # removed meanwhile
            raise PlannedWorkoutNotFoundError(f"no planned workout {planned_id}")
        return changed

    async def projection(
        self,
        principal: Principal,
        days: int,
        athlete_id: uuid.UUID | None = None,
        *,
        today: date | None = None,
    ) -> list[ProjectedDay]:
        """CTL, ATL and TSB of today and the ``days`` after it if the athlete rides what is
        planned, from the last day analytics computed (nothing done yet today counts as 0)."""
        if not 1 <= days <= MAX_PROJECTION_DAYS:
            raise InvalidPlanError(f"a projection is 1 to {MAX_PROJECTION_DAYS} days")
        subject = await self._training.subject(principal, athlete_id)
        start = today or date.today()  # noqa: DTZ011 - the server's calendar day
        history = await self._training.fitness(subject, HISTORY_DAYS)
        last = history[-1] if history else None
        ctl, atl = (last.ctl, last.atl) if last is not None else (0.0, 0.0)
        first = last.day + timedelta(days=1) if last is not None else start
        end = start + timedelta(days=days)
        planned: dict[date, float] = defaultdict(float)
        for p in await self._plans.between(subject.athlete_id, start, end):
            if p.status is PlanStatus.PLANNED:
                planned[p.day] += p.estimated_tss
        span = [first + timedelta(days=i) for i in range((end - first).days + 1)]
        chart = performance_chart(first, [planned.get(d, 0.0) for d in span], ctl, atl)
        return [
            ProjectedDay(day.day, day.tss, round(day.ctl, 2), round(day.atl, 2))
            for day in chart
            if day.day >= start
        ]


def _check_day(day: date, today: date | None) -> None:
    base = today or date.today()  # noqa: DTZ011 - the server's calendar day
    if abs((day - base).days) > MAX_DAYS_OFF:
        raise InvalidPlanError(f"a workout is planned within {MAX_DAYS_OFF} days of today")
