"""Per athlete per day and week: the performance chart and training volume."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from fitconnect.analytics.load import performance_chart

DAILY_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.String(),
    "day": pl.Date(),
    "tss": pl.Float64(),
    "ctl": pl.Float64(),
    "atl": pl.Float64(),
    "tsb": pl.Float64(),
}

MAX_CHART_DAYS = 3 * 366
"""Longest chart kept per athlete; older days add under 1e-11 of their load to today's CTL."""


def _day(ts_column: str) -> pl.Expr:
    return pl.col(ts_column).dt.date().alias("day")


def daily_load(sessions: pl.DataFrame, through: date | None = None) -> pl.DataFrame:
    """CTL/ATL/TSB per athlete for every day from the first session to ``through``.

    ``sessions`` needs ``athlete_id``, ``start_ts`` and ``stress_score`` (TSS, else hrTSS);
    days without training count as 0. ``through`` defaults to each athlete's last session.
    """
    per_day = (
        sessions.filter(pl.col("stress_score").is_not_null())
        .group_by("athlete_id", _day("start_ts"))
        .agg(pl.col("stress_score").sum().alias("tss"))
    )
    rows: list[dict[str, object]] = []
    for (athlete,), days in per_day.sort("day").group_by("athlete_id", maintain_order=True):
        by_day = dict(zip(days["day"].to_list(), days["tss"].to_list(), strict=True))
        last = max(by_day) if through is None else max(through, *by_day)
        first = max(min(by_day), last - timedelta(days=MAX_CHART_DAYS))
        count = (last - first).days + 1
        loads = [by_day.get(first + timedelta(days=i), 0.0) for i in range(count)]
        for point in performance_chart(first, loads):
            rows.append(
                {
                    "athlete_id": athlete,
                    "day": point.day,
                    "tss": point.tss,
                    "ctl": point.ctl,
                    "atl": point.atl,
                    "tsb": point.tsb,
                }
            )
    return pl.DataFrame(rows, schema=DAILY_SCHEMA)


def weekly_volume(sessions: pl.DataFrame) -> pl.DataFrame:
    """Sessions, time, distance, work and load per athlete per ISO week (Monday start)."""
    return (
        sessions.with_columns(pl.col("start_ts").dt.date().dt.truncate("1w").alias("week_start"))
        .group_by("athlete_id", "week_start")
        .agg(
            pl.len().cast(pl.Int64).alias("sessions"),
            pl.col("moving_time_s").sum().cast(pl.Int64).alias("moving_time_s"),
            pl.col("distance_m").fill_null(0.0).sum().alias("distance_m"),
            pl.col("work_kj").fill_null(0.0).sum().alias("work_kj"),
            pl.col("stress_score").fill_null(0.0).sum().alias("tss"),
        )
        .sort("athlete_id", "week_start")
    )
