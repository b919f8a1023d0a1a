"""The calendar's types: a planned workout and a projected day of fitness."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from fitconnect.schemas.workouts import Workout


class PlanStatus(StrEnum):
    PLANNED = "planned"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class PlannedWorkout:
    id: uuid.UUID
    athlete_id: uuid.UUID
    planned_by: uuid.UUID
    day: date
    status: PlanStatus
    workout: Workout
    estimated_tss: float
    duration_s: float
    updated_at: datetime

    @property
    def name(self) -> str:
        return self.workout.name


@dataclass(frozen=True, slots=True)
class ProjectedDay:
    """A day of the fitness chart ahead: the planned TSS (skipped workouts count nothing)
    and the CTL, ATL and TSB it leads to from the last day analytics computed."""

    day: date
    planned_tss: float
    ctl: float
    atl: float

    @property
    def tsb(self) -> float:
        return self.ctl - self.atl
