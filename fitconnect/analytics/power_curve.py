"""Mean-maximal power: the best average power over each duration, never across a pause."""

from __future__ import annotations

import polars as pl

from fitconnect.analytics.frame import SESSION_KEY

CURVE_DURATIONS_S: tuple[int, ...] = (
    1, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 1200, 1800, 3600,
)  # fmt: skip
"""Durations of the power curve, 1 s to 60 min."""

BEST_EFFORTS: dict[str, int] = {"5s": 5, "1min": 60, "5min": 300, "20min": 1200, "60min": 3600}
"""Named best efforts (a subset of the curve) shown to athletes and kept as records."""


def curve_column(duration_s: int) -> str:
    """The column holding the best ``duration_s`` power of a session."""
    return f"mmp_{duration_s}s"


def cumulative_power() -> pl.Expr:
    """Running sum of power over the grid (exact: integer watts stay far below 2**53)."""
    return pl.col("power_w").fill_null(0).cast(pl.Float64).cum_sum()


def windowed_mean(cumulative: pl.Expr, window: int, position: pl.Expr | None = None) -> pl.Expr:
    """Mean over the last ``window`` grid rows, null unless they all lie in one segment.

    ``cumulative`` is a running sum over the whole grid (see ``cumulative_power``); a window
    that would span a pause or two sessions is masked by ``position``, the row's position in
    its run of rows (``seg_pos`` by default, see ``grid``; laps pass their own).
    """
    total = cumulative - cumulative.shift(window, fill_value=0.0)
    at = pl.col("seg_pos") if position is None else position
    return pl.when(at >= window - 1).then(total / window)


def power_curves(grid: pl.DataFrame) -> pl.DataFrame:
    """Best mean power of every curve duration per session (null when shorter or no power)."""
    running = pl.col("_cum")
    columns = [curve_column(d) for d in CURVE_DURATIONS_S]
    return (
        grid.lazy()
        .with_columns(cumulative_power().alias("_cum"))
        .select(
            SESSION_KEY,
            pl.col("power_w"),
            *(windowed_mean(running, d).alias(curve_column(d)) for d in CURVE_DURATIONS_S),
        )
        .group_by(SESSION_KEY)
        .agg((pl.col("power_w").count() > 0).alias("_has"), *(pl.col(c).max() for c in columns))
        .select(SESSION_KEY, *(pl.when(pl.col("_has")).then(pl.col(c)).alias(c) for c in columns))
        .collect()
    )
