"""Structured workouts and the calendar: ``workoutCalendar``, ``plannedWorkout``,
``workoutLibrary``, ``fitnessProjection``, ``exportWorkout``; ``planWorkout``,
``moveWorkout``, ``skipWorkout``, ``unplanWorkout``.

A workout arrives as a file (``file`` in ``format``: the text of a ZWO, ERG, MRC or JSON
file, a FIT file in base64) or as a library key, and leaves the same ways.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import strawberry

from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.users import AccountSummary, summary
from fitconnect.platform.workouts import models
from fitconnect.platform.workouts.formats import MEDIA_TYPES, WorkoutFormat, file_text, workout_of
from fitconnect.platform.workouts.library import CLASSICS
from fitconnect.platform.workouts.load import planned_load
from fitconnect.platform.workouts.models import PlanStatus
from fitconnect.schemas import workouts as wire
from fitconnect.schemas.workouts import StepKind, TargetKind, UntilKind, WorkoutSport

PlanId = Annotated[
    uuid.UUID, strawberry.argument(name="id", description="The planned workout's id.")
]


@strawberry.type
class WorkoutTarget:
    kind: TargetKind
    low: float
    high: float
    ramp: bool

    @classmethod
    def of(cls, target: wire.Target | None) -> WorkoutTarget | None:
        if target is None:
            return None
        return cls(kind=target.kind, low=target.low, high=target.high, ramp=target.ramp)


@strawberry.type(description="One step of the workout as it is done (repeats unrolled).")
class WorkoutStep:
    index: int
    kind: StepKind
    name: str
    start_s: float | None = strawberry.field(
        description="When the step starts; null after a step of a distance or a condition."
    )
    duration_s: float | None
    distance_m: float | None
    until: UntilKind | None
    until_bpm: float | None
    target: WorkoutTarget | None
    cadence: WorkoutTarget | None


def _steps(workout: wire.Workout) -> list[WorkoutStep]:
    out: list[WorkoutStep] = []
    at: float | None = 0.0
    for index, step in enumerate(workout.flat()):
        out.append(
            WorkoutStep(
                index=index,
                kind=step.kind,
                name=step.name,
                start_s=at,
                duration_s=step.duration_s,
                distance_m=step.distance_m,
                until=None if step.until is None else step.until.kind,
                until_bpm=None if step.until is None else step.until.value,
                target=WorkoutTarget.of(step.target),
                cadence=WorkoutTarget.of(step.cadence),
            )
        )
        at = None if at is None or step.duration_s is None else at + step.duration_s
    return out


@strawberry.type
class Workout:
    name: str
    description: str
    author: str
    sport: WorkoutSport
    duration_s: float = strawberry.field(description="The sum of the timed steps.")
    steps: list[WorkoutStep]
    json: str = strawberry.field(description="The workout as the wire contract's JSON.")

    @classmethod
    def of(cls, workout: wire.Workout) -> Workout:
        return cls(
            name=workout.name,
            description=workout.description,
            author=workout.author,
            sport=workout.sport,
            duration_s=workout.duration_s,
            steps=_steps(workout),
            json=wire.workout_to_json(workout).decode(),
        )


@strawberry.type
class LibraryWorkout:
    key: str
    workout: Workout
    estimated_tss: float = strawberry.field(description="At the caller's FTP (200 W if unset).")


@strawberry.type
class PlannedWorkout:
    id: uuid.UUID
    athlete_id: uuid.UUID
    planned_by_id: uuid.UUID
    day: date
    status: PlanStatus
    estimated_tss: float
    duration_s: float
    updated_at: datetime
    workout: Workout

    @strawberry.field(description="Who planned it: the athlete, or their coach.")
    async def planned_by(self, info: Info) -> AccountSummary | None:
        return summary(await info.context.loaders.accounts.load(self.planned_by_id))

    @classmethod
    def of(cls, p: models.PlannedWorkout) -> PlannedWorkout:
        return cls(
            id=p.id,
            athlete_id=p.athlete_id,
            planned_by_id=p.planned_by,
            day=p.day,
            status=p.status,
            estimated_tss=p.estimated_tss,
            duration_s=p.duration_s,
            updated_at=p.updated_at,
            workout=Workout.of(p.workout),
        )


@strawberry.type(description="A day ahead on the fitness chart if the plan is ridden.")
class ProjectedDay:
    day: date
    planned_tss: float
    ctl: float
    atl: float
    tsb: float


@strawberry.type
class WorkoutFile:
    format: WorkoutFormat
    media_type: str
    content: str = strawberry.field(description="The file's text; base64 for FIT.")


def file_of(workout: wire.Workout, fmt: WorkoutFormat, ftp_w: float) -> WorkoutFile:
    return WorkoutFile(
        format=fmt, media_type=MEDIA_TYPES[fmt], content=file_text(workout, fmt, ftp_w)
    )


@strawberry.type
class WorkoutsQuery:
    @strawberry.field(description="The athlete's planned workouts from since to until.")
    async def workout_calendar(
        self, info: Info, since: date, until: date, athlete_id: uuid.UUID | None = None
    ) -> list[PlannedWorkout]:
        ctx = info.context
        found = await ctx.services.workouts.calendar(ctx.principal(), since, until, athlete_id)
        return [PlannedWorkout.of(p) for p in found]

    @strawberry.field(description="One planned workout of the caller or their athlete.")
    async def planned_workout(self, info: Info, plan_id: PlanId) -> PlannedWorkout:
        ctx = info.context
        return PlannedWorkout.of(await ctx.services.workouts.planned(ctx.principal(), plan_id))

    @strawberry.field(description="The classic sessions a plan may name by key.")
    async def workout_library(self, info: Info) -> list[LibraryWorkout]:
        ctx = info.context
        principal = ctx.principal()
        ftp = await ctx.services.workouts.ftp_w(principal, principal.account_id)
        return [
            LibraryWorkout(
                key=key, workout=Workout.of(w), estimated_tss=planned_load(w, ftp_w=ftp).tss
            )
            for key, w in CLASSICS.items()
        ]

    @strawberry.field(description="CTL, ATL and TSB ahead if the planned workouts are ridden.")
    async def fitness_projection(
        self, info: Info, days: int = 28, athlete_id: uuid.UUID | None = None
    ) -> list[ProjectedDay]:
        ctx = info.context
        found = await ctx.services.workouts.projection(ctx.principal(), days, athlete_id)
        return [
            ProjectedDay(
                day=d.day, planned_tss=d.planned_tss, ctl=d.ctl, atl=d.atl, tsb=round(d.tsb, 2)
            )
            for d in found
        ]

    @strawberry.field(description="A planned workout as a file (ERG and MRC at the athlete's FTP).")
    async def export_workout(
        self,
        info: Info,
        plan_id: PlanId,
        file_format: Annotated[WorkoutFormat, strawberry.argument(name="format")],
    ) -> WorkoutFile:
        ctx = info.context
        principal = ctx.principal()
        planned = await ctx.services.workouts.planned(principal, plan_id)
        ftp = await ctx.services.workouts.ftp_w(principal, planned.athlete_id)
        return file_of(planned.workout, file_format, ftp)


@strawberry.type
class WorkoutsMutation:
    @strawberry.mutation(
        description="Plan a workout on a day for the caller or an athlete who accepted them"
        " as coach: a library key, or a file (text; base64 for FIT) in its format."
    )
    async def plan_workout(  # noqa: PLR0917 - GraphQL arguments
        self,
        info: Info,
        day: date,
        athlete_id: uuid.UUID | None = None,
        library_key: str | None = None,
        file: str | None = None,
        file_format: Annotated[WorkoutFormat | None, strawberry.argument(name="format")] = None,
    ) -> PlannedWorkout:
        ctx = info.context
        workout = workout_of(library_key, file, file_format)
        planned = await ctx.services.workouts.plan(ctx.principal(), day, workout, athlete_id)
        return PlannedWorkout.of(planned)

    @strawberry.mutation(description="Move a planned workout to another day.")
    async def move_workout(self, info: Info, plan_id: PlanId, day: date) -> PlannedWorkout:
        ctx = info.context
        return PlannedWorkout.of(await ctx.services.workouts.move(ctx.principal(), plan_id, day))

    @strawberry.mutation(description="Skip a planned workout (skipped: false plans it again).")
    async def skip_workout(
        self,
        info: Info,
        plan_id: PlanId,
        skipped: bool = True,
    ) -> PlannedWorkout:
        ctx = info.context
        changed = await ctx.services.workouts.set_skipped(ctx.principal(), plan_id, skipped=skipped)
        return PlannedWorkout.of(changed)

    @strawberry.mutation(description="Remove a planned workout from the calendar.")
    async def unplan_workout(self, info: Info, plan_id: PlanId) -> bool:
        ctx = info.context
        await ctx.services.workouts.unplan(ctx.principal(), plan_id)
        return True
