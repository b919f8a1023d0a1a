"""Asynchronous reports: ``report``; ``requestReport``; the ``reportReady`` subscription."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from datetime import date, datetime
from typing import Annotated, Any, Self

import strawberry

from fitconnect.gateway.graphql.arguments import AthleteId
from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.training import CurvePoint, WeekVolume
from fitconnect.platform.training import reports as domain
from fitconnect.platform.training.reports import ReportKind, ReportStatus

JobId = Annotated[uuid.UUID, strawberry.argument(name="id", description="The report's id.")]


@strawberry.type(description="The best average power for each duration over the sessions.")
class PowerCurveReport:
    sessions: int
    points: list[CurvePoint]


@strawberry.type
class TrainingSummaryTotals:
    sessions: int
    moving_time_s: int
    distance_m: float
    work_kj: float
    tss: float


@strawberry.type(description="Sessions, moving time, distance, work and TSS per week, summed.")
class TrainingSummaryReport:
    weeks: list[WeekVolume]
    totals: TrainingSummaryTotals


ReportResult = Annotated[PowerCurveReport | TrainingSummaryReport, strawberry.union("ReportResult")]


@strawberry.type(description="An asynchronous report: queued, running, done or failed.")
class ReportJob:
    id: uuid.UUID
    athlete_id: uuid.UUID
    kind: ReportKind
    status: ReportStatus
    result: ReportResult | None = strawberry.field(description="Once the status is DONE.")
    error: str | None = strawberry.field(description="Once the status is FAILED.")
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_domain(cls, job: domain.ReportJob) -> Self:
        kind = ReportKind(job.kind)
        return cls(
            id=job.id,
            athlete_id=job.athlete_id,
            kind=kind,
            status=ReportStatus(job.status),
            result=_result(kind, job.result) if job.result is not None else None,
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )


def _result(kind: ReportKind, result: dict[str, Any]) -> PowerCurveReport | TrainingSummaryReport:
    """The stored JSON result as its GraphQL type."""
    if kind is ReportKind.POWER_CURVE:
        points = [
            CurvePoint(duration_s=p["duration_s"], power_w=p["power_w"]) for p in result["points"]
        ]
        return PowerCurveReport(sessions=result["sessions"], points=points)
    weeks = [
        WeekVolume(
            week_start=date.fromisoformat(w["week_start"]),
            sessions=w["sessions"],
            moving_time_s=w["moving_time_s"],
            distance_m=w["distance_m"],
            work_kj=w["work_kj"],
            tss=w["tss"],
        )
        for w in result["weeks"]
    ]
    t = result["totals"]
    totals = TrainingSummaryTotals(
        sessions=int(t["sessions"]),
        moving_time_s=int(t["moving_time_s"]),
        distance_m=t["distance_m"],
        work_kj=t["work_kj"],
        tss=t["tss"],
    )
    return TrainingSummaryReport(weeks=weeks, totals=totals)


@strawberry.type
class ReportsQuery:
    @strawberry.field(description="A report the caller requested, finished or not.")
    async def report(self, info: Info, job_id: JobId) -> ReportJob:
        ctx = info.context
        return ReportJob.from_domain(await ctx.services.reports.get(ctx.principal(), job_id))


@strawberry.type
class ReportsMutation:
    @strawberry.mutation(
        description="Start a heavy report over [since, until); it returns at once: poll"
        " `report(id)` or subscribe to `reportReady(id)`."
    )
    async def request_report(
        self,
        info: Info,
        kind: ReportKind,
        since: date,
        until: date,
        athlete_id: AthleteId = None,
    ) -> ReportJob:
        ctx = info.context
        job = await ctx.services.reports.request(
            ctx.principal(), await ctx.subject(athlete_id), kind, since, until
        )
        return ReportJob.from_domain(job)


@strawberry.type
class ReportsSubscription:
    @strawberry.subscription(description="The report once it is done or failed.")
    async def report_ready(
        self,
        info: Info,
        job_id: JobId,
    ) -> AsyncGenerator[ReportJob, None]:
        ctx = info.context
        yield ReportJob.from_domain(await ctx.services.reports.wait(ctx.principal(), job_id))
