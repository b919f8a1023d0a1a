"""Reject sessions no human could have ridden, so they earn no XP, badge or record.

Bounds sit well above world-class figures (hour record ~450 W, 5-min bests ~600 W, sprint
peaks ~2,300 W): a real athlete never hits them, a broken or spoofed sensor does.
"""

from __future__ import annotations

import polars as pl

LIMITS: dict[str, float] = {
    "max_power_w": 2500.0,
    "mmp_60s": 1200.0,
    "mmp_300s": 800.0,
    "mmp_1200s": 650.0,
    "mmp_3600s": 550.0,
    "max_heart_rate_bpm": 250.0,
    "avg_speed_kmh": 100.0,
}
"""Column -> the largest value a human session can show."""


def implausible_reasons() -> pl.Expr:
    """A list of the limits a session breaks (empty when it is plausible)."""
    flags = [
        pl.when(pl.col(column) > limit).then(pl.lit(column)) for column, limit in LIMITS.items()
    ]
    return pl.concat_list(flags).list.drop_nulls()


def mark_plausible(sessions: pl.DataFrame) -> pl.DataFrame:
    """``sessions`` with ``implausible`` (list of broken limits) and ``plausible`` (bool)."""
    missing = [c for c in LIMITS if c not in sessions.columns]
    frame = sessions.with_columns([pl.lit(None, pl.Float64).alias(c) for c in missing])
    frame = frame.with_columns(implausible_reasons().alias("implausible"))
    return frame.with_columns((pl.col("implausible").list.len() == 0).alias("plausible")).drop(
        missing
    )
