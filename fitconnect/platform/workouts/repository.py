"""SQL of the calendar (``workouts.planned``): the only module that writes it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.workouts.models import PlannedWorkout, PlanStatus
from fitconnect.schemas.workouts import Workout, workout_from_json, workout_to_json


@dataclass(frozen=True, slots=True)
class _Row:
    id: uuid.UUID
    tenant_id: uuid.UUID
    athlete_id: uuid.UUID
    planned_by: uuid.UUID
    day: date
    status: str
    workout: str  # selected as text: the wire contract's JSON, decoded by msgspec
    estimated_tss: float
    duration_s: float
    updated_at: datetime

    def planned(self) -> PlannedWorkout:
        return PlannedWorkout(
            id=self.id,
            athlete_id=self.athlete_id,
            planned_by=self.planned_by,
            day=self.day,
            status=PlanStatus(self.status),
            workout=workout_from_json(self.workout),
            estimated_tss=self.estimated_tss,
            duration_s=self.duration_s,
            updated_at=self.updated_at,
        )


_COLUMNS = (
    "id, tenant_id, athlete_id, planned_by, day, status, workout::text AS workout,"
    " estimated_tss, duration_s, updated_at"
)


class PlanRepository:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def insert(
        self,
        *,
        tenant_id: uuid.UUID,
        athlete_id: uuid.UUID,
        planned_by: uuid.UUID,
        day: date,
        workout: Workout,
        estimated_tss: float,
        duration_s: float,
    ) -> PlannedWorkout:
        async with self._pool.connection() as conn, conn.cursor(row_factory=class_row(_Row)) as cur:
            await cur.execute(
                "INSERT INTO workouts.planned (tenant_id, athlete_id, planned_by, day, name,"  # noqa: S608 - fixed columns
                " workout, estimated_tss, duration_s)"
                " VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s, %s)"
                f" RETURNING {_COLUMNS}",
                (
                    tenant_id,
                    athlete_id,
                    planned_by,
                    day,
                    workout.name,
                    workout_to_json(workout).decode(),
                    estimated_tss,
                    duration_s,
                ),
            )
            row = await cur.fetchone()
        assert row is not None  # noqa: S101 - INSERT … RETURNING returns its row
        return row.planned()

    async def get(self, tenant_id: uuid.UUID, planned_id: uuid.UUID) -> PlannedWorkout | None:
        async with self._pool.connection() as conn, conn.cursor(row_factory=class_row(_Row)) as cur:
            await cur.execute(
                f"SELECT {_COLUMNS} FROM workouts.planned WHERE tenant_id = %s AND id = %s",  # noqa: S608 - fixed columns
                (tenant_id, planned_id),
            )
            row = await cur.fetchone()
        return None if row is None else row.planned()

    async def between(
        self, athlete_id: uuid.UUID, since: date, until: date
    ) -> list[PlannedWorkout]:
        """The athlete's planned workouts of ``since`` … ``until`` (both included), by day."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=class_row(_Row)) as cur:
            await cur.execute(
                f"SELECT {_COLUMNS} FROM workouts.planned"  # noqa: S608 - fixed columns
                " WHERE athlete_id = %s AND day BETWEEN %s AND %s ORDER BY day, created_at, id",
                (athlete_id, since, until),
            )
            rows = await cur.fetchall()
        return [row.planned() for row in rows]

    async def update(
        self,
        planned_id: uuid.UUID,
        *,
        day: date | None = None,
        status: PlanStatus | None = None,
    ) -> PlannedWorkout | None:
        async with self._pool.connection() as conn, conn.cursor(row_factory=class_row(_Row)) as cur:
            await cur.execute(
                "UPDATE workouts.planned SET day = coalesce(%s, day),"  # noqa: S608 - fixed columns
                " status = coalesce(%s, status), updated_at = now()"
                f" WHERE id = %s RETURNING {_COLUMNS}",
                (day, None if status is None else status.value, planned_id),
            )
            row = await cur.fetchone()
        return None if row is None else row.planned()

    async def delete(self, planned_id: uuid.UUID) -> bool:
        async with self._pool.connection() as conn:
            cur = await conn.execute("DELETE FROM workouts.planned WHERE id = %s", (planned_id,))
            return cur.rowcount == 1
