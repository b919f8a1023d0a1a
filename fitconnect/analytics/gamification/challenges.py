"""Time-boxed challenges: reach a target total of a metric between two instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import polars as pl

ChallengeMetric = Literal["distance_m", "moving_time_s", "xp", "sessions"]


@dataclass(frozen=True, slots=True)
class Challenge:
    """Total ``metric`` of ``target`` between ``starts_at`` (inclusive) and ``ends_at``."""

    id: str
    name: str
    metric: ChallengeMetric
    target: float
    starts_at: datetime
    ends_at: datetime
    tenant_id: str | None = None
    """Only this tenant's athletes take part (every tenant's when None)."""


PROGRESS_SCHEMA = pl.Schema(
    {
        "challenge_id": pl.String(),
        "athlete_id": pl.String(),
        "value": pl.Float64(),
        "completed_at": pl.Datetime("us", "UTC"),
    }
)


def challenge_progress(sessions: pl.DataFrame, challenge: Challenge) -> pl.DataFrame:
    """Each athlete's total in the window and when it crossed the target (null if not yet).

    ``sessions`` needs athlete_id, start_ts, plausible, xp and the challenge's metric.
    """
    # One per session (a column, so it is counted per row, not broadcast once).
    one = pl.col("start_ts").is_not_null().cast(pl.Float64)
    amount = one if challenge.metric == "sessions" else pl.col(challenge.metric)
    if challenge.tenant_id is not None:
        sessions = sessions.filter(pl.col("tenant_id") == challenge.tenant_id)
    inside = sessions.filter(
        pl.col("plausible")
        & (pl.col("start_ts") >= challenge.starts_at)
        & (pl.col("start_ts") < challenge.ends_at)
    ).sort("start_ts")
    running = inside.with_columns(
        amount.cast(pl.Float64).fill_null(0.0).cum_sum().over("athlete_id").alias("_total")
    )
    done = pl.col("start_ts").filter(pl.col("_total") >= challenge.target).min()
    return (
        running.group_by("athlete_id")
        .agg(
            pl.lit(challenge.id).alias("challenge_id"),
            pl.col("_total").max().alias("value"),
            done.alias("completed_at"),
        )
        .select(PROGRESS_SCHEMA.names())
        .cast(PROGRESS_SCHEMA)
    )
