"""Heavy reports, asynchronously: the design's "fetch analytics data" process.

A request is a row in ``training.report_jobs`` (``queued``); a report worker claims it
(``FOR UPDATE SKIP LOCKED``, so several workers never take the same job), computes it from the
analytics tables, and stores the result (``done``) or the error (``failed``). The client gets
the id at once and polls the ``report`` query or subscribes to ``reportReady``. A job left
``running`` by a worker that died is queued again after ``STALE_AFTER``.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import class_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.db.rows import fetch_one
from fitconnect.platform.polling import every
from fitconnect.platform.training.errors import ReportNotFoundError, UnknownReportKindError
from fitconnect.platform.training.service import Subject

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)
MAX_RANGE = timedelta(days=3 * 365)


class ReportKind(enum.StrEnum):
    POWER_CURVE = "power_curve"
    """The best average power for each duration over the sessions of a period."""
    TRAINING_SUMMARY = "training_summary"
    """Per week of a period: sessions, moving time, distance, work, TSS."""


class ReportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ReportJob:
    id: uuid.UUID
    athlete_id: uuid.UUID
    kind: str
    params: dict[str, Any]
    status: str
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in {"done", "failed"}


_JOB = "id, athlete_id, kind, params, status, result, error, created_at, finished_at"
_SELECT_JOB = "SELECT " + _JOB + " FROM training.report_jobs"  # noqa: S608 - fixed columns


class ReportService:
    def __init__(self, pool: AsyncConnectionPool, coaching: CoachingService) -> None:
        self._pool = pool
        self._coaching = coaching

    async def request(
        self, principal: Principal, subject: Subject, kind: str, since: date, until: date
    ) -> ReportJob:
        """Queue a report on ``subject`` (authorized by the caller) and return at once."""
        try:
            parsed = ReportKind(kind)
        except ValueError as exc:
            known = ", ".join(k.value for k in ReportKind)
            raise UnknownReportKindError(f"unknown report {kind!r}; one of {known}") from exc
        if not since < until or until - since > MAX_RANGE:
            raise UnknownReportKindError("a report covers since < until, at most three years")
        params = {"since": since.isoformat(), "until": until.isoformat()}
        async with (
            self._pool.connection() as conn,
            conn.cursor(row_factory=class_row(ReportJob)) as cur,
        ):
            await cur.execute(
                f"INSERT INTO training.report_jobs (tenant_id, requested_by, athlete_id, kind,"  # noqa: S608
                f" params) VALUES (%s, %s, %s, %s, %s) RETURNING {_JOB}",
                (
                    principal.tenant_id,
                    principal.account_id,
                    subject.athlete_id,
                    parsed,
                    Jsonb(params),
                ),
            )
            job = await cur.fetchone()
        assert job is not None  # noqa: S101 - RETURNING
        return job

    async def get(self, principal: Principal, job_id: uuid.UUID) -> ReportJob:
        """A job the caller requested; ``ReportNotFoundError`` for anyone else's, and
        ``ReadForbiddenError`` once the caller may no longer read its athlete (a revoked
        coach): the right is checked at every read, not only when the report was asked for."""
        job = await fetch_one(
            self._pool,
            ReportJob,
            _SELECT_JOB + " WHERE id = %s AND requested_by = %s AND tenant_id = %s",
            (job_id, principal.account_id, principal.tenant_id),
        )
        if job is None:
            raise ReportNotFoundError(f"no report {job_id}")
        await self._coaching.readable_athlete(principal, job.athlete_id)
        return job

    async def wait(
        self, principal: Principal, job_id: uuid.UUID, poll_s: float = 0.25
    ) -> ReportJob:
        """The job once it is finished (polling, 0.25 s growing to 2 s)."""
        while not (job := await self.get(principal, job_id)).finished:
            await asyncio.sleep(poll_s)
            poll_s = min(poll_s * 1.5, 2.0)
        return job


async def run_one(pool: AsyncConnectionPool) -> bool:
    """Claim, compute and store one queued job; False when there was none."""
    async with pool.connection() as conn:
        async with conn.transaction():
            cur = await conn.execute(
                "UPDATE training.report_jobs SET status = 'queued', started_at = NULL"
                " WHERE status = 'running' AND started_at < now() - %s",
                (STALE_AFTER,),
            )
            if cur.rowcount:
                log.warning("re-queued %d report job(s) a dead worker left running", cur.rowcount)
            cur = await conn.execute(
                "UPDATE training.report_jobs SET status = 'running', started_at = now()"
                " WHERE id = (SELECT id FROM training.report_jobs WHERE status = 'queued'"
                "             ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)"
                " RETURNING id, athlete_id, kind, params"
            )
            claimed = await cur.fetchone()
        if claimed is None:
            return False
        job_id, athlete_id, kind, params = claimed
        try:
            result = await _COMPUTE[ReportKind(kind)](
                conn,
                athlete_id,
                date.fromisoformat(params["since"]),
                date.fromisoformat(params["until"]),
            )
        except Exception as exc:  # any failure is the job's result, not the worker's
            log.exception("report %s (%s) failed", job_id, kind)
            await conn.execute(
                "UPDATE training.report_jobs SET status = 'failed', error = %s,"
                " finished_at = now() WHERE id = %s",
                (str(exc) or type(exc).__name__, job_id),
            )
            return True
        await conn.execute(
            "UPDATE training.report_jobs SET status = 'done', result = %s, finished_at = now()"
            " WHERE id = %s",
            (Jsonb(result), job_id),
        )
        log.info("report %s (%s) done", job_id, kind)
        return True


async def _power_curve(
    conn: AsyncConnection[Any], athlete_id: uuid.UUID, since: date, until: date
) -> dict[str, Any]:
    cur = await conn.execute(
        "SELECT power_curve_w FROM analytics.published_sessions"
        " WHERE athlete_id = %s AND start_ts >= %s AND start_ts < %s AND plausible",
        (athlete_id, since, until),
    )
    best: dict[int, float] = {}
    sessions = 0
    for (curve,) in await cur.fetchall():
        sessions += 1
        for duration, watts in curve.items():  # jsonb arrives as a dict
            d = int(duration)
            best[d] = max(best.get(d, 0.0), float(watts))
    points = [{"duration_s": d, "power_w": round(best[d], 1)} for d in sorted(best)]
    return {"sessions": sessions, "points": points}


async def _training_summary(
    conn: AsyncConnection[Any], athlete_id: uuid.UUID, since: date, until: date
) -> dict[str, Any]:
    cur = await conn.execute(
        "SELECT week_start, sessions, moving_time_s, distance_m, work_kj, tss"
        " FROM analytics.published_weekly_volume"
        " WHERE athlete_id = %s AND week_start >= %s AND week_start < %s ORDER BY week_start",
        (athlete_id, since - timedelta(days=since.weekday()), until),
    )
    weeks = [
        {
            "week_start": w.isoformat(),
            "sessions": n,
            "moving_time_s": int(t),
            "distance_m": round(float(d), 1),
            "work_kj": round(float(kj), 1),
            "tss": round(float(tss), 1),
        }
        for w, n, t, d, kj, tss in await cur.fetchall()
    ]
    totals = {
        key: round(sum(float(w[key]) for w in weeks), 1)
        for key in ("sessions", "moving_time_s", "distance_m", "work_kj", "tss")
    }
    return {"weeks": weeks, "totals": totals}


_COMPUTE: dict[
    ReportKind,
    Callable[[AsyncConnection[Any], uuid.UUID, date, date], Awaitable[dict[str, Any]]],
] = {
    ReportKind.POWER_CURVE: _power_curve,
    ReportKind.TRAINING_SUMMARY: _training_summary,
}


async def run_report_worker(
    pool: AsyncConnectionPool, stop: asyncio.Event, poll_s: float = 0.5
) -> None:
    """Run queued report jobs until ``stop`` is set."""
    await every(poll_s, stop, lambda: run_one(pool))
