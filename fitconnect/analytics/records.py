"""Personal records and the FTP estimate, from an athlete's plausible sessions in order."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

RECORD_METRICS: tuple[str, ...] = (
    "mmp_5s",
    "mmp_60s",
    "mmp_300s",
    "mmp_1200s",
    "mmp_3600s",
    "distance_m",
    "moving_time_s",
    "work_kj",
)
"""What counts as a personal record: best efforts, longest ride, biggest day of work."""

FTP_FRACTION = 0.95
FTP_WINDOW = timedelta(days=90)
"""FTP estimate: 95 % of the best 20-min power of the trailing 90 days."""


def _long(sessions: pl.DataFrame) -> pl.DataFrame:
    present = [m for m in RECORD_METRICS if m in sessions.columns]
    return (
        sessions.filter(pl.col("plausible"))
        .select("athlete_id", "device_id", "start_ts", *present)
        .unpivot(index=["athlete_id", "device_id", "start_ts"], variable_name="metric")
        .filter(pl.col("value").is_not_null() & (pl.col("value") > 0))
        .with_columns(pl.col("value").cast(pl.Float64))
        .sort("athlete_id", "metric", "start_ts")
    )


def record_events(sessions: pl.DataFrame) -> pl.DataFrame:
    """Every session that beat the athlete's previous best of a metric.

    Columns: athlete_id, metric, device_id, start_ts, value, previous. The very first value
    of a metric is a record with ``previous`` null (a benchmark, not an improvement).
    """
    long = _long(sessions)
    prior = pl.col("value").cum_max().shift(1).over("athlete_id", "metric")
    return (
        long.with_columns(prior.alias("previous"))
        .filter(pl.col("previous").is_null() | (pl.col("value") > pl.col("previous")))
        .select("athlete_id", "metric", "device_id", "start_ts", "value", "previous")
    )


def personal_records(sessions: pl.DataFrame) -> pl.DataFrame:
    """The current best of each metric per athlete, with the session that set it."""
    return (
        record_events(sessions)
        .sort("start_ts")
        .group_by("athlete_id", "metric", maintain_order=True)
        .last()
        .rename({"start_ts": "achieved_at"})
        .drop("previous")
        .sort("athlete_id", "metric")
    )


def ftp_estimates(sessions: pl.DataFrame) -> pl.DataFrame:
    """FTP estimate after each session with a 20-min power, and whether it rose.

    Columns: athlete_id, start_ts, ftp_estimate_w, previous_w, rose. The first estimate of an
    athlete has ``previous_w`` null and ``rose`` false.
    """
    rows = (
        sessions.filter(pl.col("plausible") & pl.col("mmp_1200s").is_not_null())
        .select("athlete_id", "start_ts", "mmp_1200s")
        .sort("athlete_id", "start_ts")
    )
    best = (
        rows.rolling("start_ts", period=FTP_WINDOW, group_by="athlete_id")
        .agg(pl.col("mmp_1200s").max().alias("best_20min"))
        .unique(["athlete_id", "start_ts"], keep="last", maintain_order=True)
    )
    estimate = (pl.col("best_20min") * FTP_FRACTION).alias("ftp_estimate_w")
    previous = pl.col("ftp_estimate_w").shift(1).over("athlete_id")
    rose = pl.col("ftp_estimate_w") > pl.col("previous_w") + 1e-9
    return (
        best.with_columns(estimate)
        .with_columns(previous.alias("previous_w"))
        .with_columns(rose.fill_null(value=False).alias("rose"))
        .select("athlete_id", "start_ts", "ftp_estimate_w", "previous_w", "rose")
    )
