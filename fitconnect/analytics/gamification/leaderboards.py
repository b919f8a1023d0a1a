"""Leaderboards with DuckDB over the session table (Arrow in, Arrow out; no Python rows).

Weekly or monthly; by XP, distance or moving time; over every athlete of a tenant, a club's
members or the athletes someone follows (the caller passes the member list). Every board of
every period comes out of one query, on a cursor of the process's one in-memory DuckDB: starting
an instance costs 15-40 ms, more than the boards of one new session take to compute, so it is
started on first use and kept; a cursor per call keeps concurrent callers apart.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import Literal

import duckdb
import polars as pl

from fitconnect.platform.gamification.errors import UnknownLeaderboardError

Period = Literal["week", "month"]
BoardMetric = Literal["xp", "distance_m", "moving_time_s"]
PERIODS: tuple[Period, ...] = ("week", "month")
METRICS: tuple[BoardMetric, ...] = ("xp", "distance_m", "moving_time_s")

_SQL = """
WITH base AS (
    SELECT tenant_id, athlete_id, start_ts AT TIME ZONE 'UTC' AS ts_utc,
           xp::DOUBLE AS xp, distance_m::DOUBLE AS distance_m,
           moving_time_s::DOUBLE AS moving_time_s
    FROM board_sessions WHERE plausible
),
long AS (UNPIVOT base ON xp, distance_m, moving_time_s INTO NAME metric VALUE value),
periods AS (
    SELECT tenant_id, athlete_id, metric, value, 'week' AS period,
           date_trunc('week', ts_utc)::DATE AS period_start FROM long
    UNION ALL
    SELECT tenant_id, athlete_id, metric, value, 'month' AS period,
           date_trunc('month', ts_utc)::DATE AS period_start FROM long
),
totals AS (
    SELECT tenant_id, period, metric, period_start, athlete_id, sum(value) AS value
    FROM periods GROUP BY ALL
)
SELECT tenant_id, period, metric, period_start, athlete_id, value,
       rank() OVER (PARTITION BY tenant_id, period, metric, period_start
                    ORDER BY value DESC)::INTEGER AS rank
FROM totals
ORDER BY tenant_id, period, metric, period_start, rank, athlete_id
"""


@cache
def _engine() -> duckdb.DuckDBPyConnection:
    """The process's in-memory DuckDB (started on first use; see the module docstring)."""
    return duckdb.connect()


def all_leaderboards(sessions: pl.DataFrame, among: Collection[str] | None = None) -> pl.DataFrame:
    """Every (period, metric) board per tenant and period; ties share a rank.

    ``sessions`` needs tenant_id, athlete_id, start_ts, plausible, xp, distance_m and
    moving_time_s. ``among`` restricts the boards to those athlete ids.
    """
    board_sessions = sessions.select(
        "tenant_id", "athlete_id", "start_ts", "plausible", *METRICS
    ).with_columns(pl.col(m).fill_null(0).cast(pl.Float64) for m in METRICS)
    if among is not None:
        board_sessions = board_sessions.filter(pl.col("athlete_id").is_in(list(among)))
    with _engine().cursor() as con:
        con.register("board_sessions", board_sessions.to_arrow())
        boards: pl.DataFrame = con.sql(_SQL).pl()
    return boards


def leaderboard(
    sessions: pl.DataFrame,
    period: Period,
    metric: BoardMetric,
    among: Collection[str] | None = None,
) -> pl.DataFrame:
    """One board: tenant_id, period_start, athlete_id, value, rank."""
    if period not in PERIODS or metric not in METRICS:
        raise UnknownLeaderboardError(f"unknown leaderboard {period}/{metric}")
    boards = all_leaderboards(sessions, among)
    return boards.filter((pl.col("period") == period) & (pl.col("metric") == metric)).select(
        "tenant_id", "period_start", "athlete_id", "value", "rank"
    )
