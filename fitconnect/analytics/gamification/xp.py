"""XP from training: one point per moving minute plus one per point of training stress.

Implausible sessions earn nothing (``analytics.plausibility``).
"""

from __future__ import annotations

import polars as pl


def session_xp() -> pl.Expr:
    """XP of each session row (needs ``moving_time_s``, ``stress_score``, ``plausible``)."""
    minutes = (pl.col("moving_time_s") // 60).cast(pl.Int64)
    stress = pl.col("stress_score").fill_null(0.0).fill_nan(0.0).round(0).cast(pl.Int64)
    return pl.when(pl.col("plausible")).then(minutes + stress).otherwise(0).alias("xp")
