"""Asynchronous reports: ``report``; ``requestReport``; the ``reportReady`` subscription."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.same_fields import SameFields

JobId = Annotated[uuid.UUID, strawberry.argument(name="id", description="The report's id.")]


@strawberry.type(description="An asynchronous report: queued, running, done or failed.")
class ReportJob(SameFields):
    id: uuid.UUID
    athlete_id: uuid.UUID
    kind: str
    status: str
    result: JSON | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


@strawberry.type
class ReportsQuery:
    @strawberry.field(description="A report the caller requested, finished or not.")
    async def report(self, info: Info, job_id: JobId) -> ReportJob:
        ctx = info.context
        return ReportJob.from_domain(await ctx.services.reports.get(ctx.principal(), job_id))


@strawberry.type
class ReportsMutation:
    @strawberry.mutation(
        description="Start a heavy report (power_curve, training_summary) over [since, until);"
        " it returns at once: poll `report(id)` or subscribe to `reportReady(id)`."
    )
    async def request_report(
        self,
        info: Info,
        kind: str,
        since: date,
        until: date,
        athlete_id: uuid.UUID | None = None,
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
