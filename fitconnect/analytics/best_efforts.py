"""Fastest times over standard distances (1 km ... 40 km) within a session.

For every sample, the last sample at least the target distance earlier is found with an
as-of join on the running distance; the shortest time between the two is the best effort.
The running distance is made non-decreasing first (a device that resets its odometer never
makes an effort look faster).
"""

from __future__ import annotations

import polars as pl

from fitconnect.analytics.frame import SESSION_KEY

DISTANCE_EFFORTS_M: dict[str, float] = {
    "1km": 1_000.0,
    "5km": 5_000.0,
    "10km": 10_000.0,
    "20km": 20_000.0,
    "40km": 40_000.0,
}


def effort_column(name: str) -> str:
    """The column holding a session's fastest time (s) over the named distance."""
    return f"best_{name}_s"


def distance_efforts(grid: pl.DataFrame) -> pl.DataFrame:
    """Fastest time per named distance per session (null when the session is shorter)."""
    d = pl.col("d")
    points = grid.filter(pl.col("distance_m").is_not_null()).select(
        SESSION_KEY,
        pl.col("ts").dt.epoch("s").alias("t"),
        pl.col("distance_m").cum_max().over(SESSION_KEY).alias("d"),
    )
    points = points.with_columns((d.max() - d.min()).over(SESSION_KEY).alias("_len"))
    starts = points.select(SESSION_KEY, pl.col("t").alias("t0"), d.alias("d0"))
    out = points.select(SESSION_KEY).unique()
    for name, metres in DISTANCE_EFFORTS_M.items():
        best = (
            points.filter(pl.col("_len") >= metres)
            .select(SESSION_KEY, "t", (d - metres).alias("reach"))
            .filter(pl.col("reach") >= 0)
            .join_asof(
                starts,
                left_on="reach",
                right_on="d0",
                by=SESSION_KEY,
                strategy="backward",
                check_sortedness=False,
            )
            .group_by(SESSION_KEY)
            .agg((pl.col("t") - pl.col("t0")).min().cast(pl.Float64).alias(effort_column(name)))
        )
        out = out.join(best, on=SESSION_KEY, how="left")
    return out
