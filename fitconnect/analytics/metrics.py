"""Per-session workout metrics, for any number of sessions at once.

Input: samples carrying a ``session_id`` and a params frame (``params.params_frame``).
Output: one row per session. Device conventions followed (``training_metrics_reference.json``):
averages include zeros; NP is the 4th-power mean of a 30-s rolling mean restarted after each
pause; TSS uses the number of 30-s rolling samples the device would hold (seconds on the
grid minus the 29-s warm-up), which lands within ~1 % of Garmin/Wahoo values. Moving time is
the device timer's running time when it sent timer events (``timer``), else the grid's seconds.

Speed: row-level work is plain vectorised columns over the sorted grid (no per-group
windows); heart-rate and power formulas that need the athlete's parameters (TRIMP, zones)
run on per-session histograms of values, a few hundred rows per session.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from fitconnect.analytics.best_efforts import distance_efforts
from fitconnect.analytics.frame import SESSION_KEY
from fitconnect.analytics.grid import PAUSE_GAP_S, to_grid
from fitconnect.analytics.load import keytel_kcal, trimp_hour_at_threshold, trimp_per_second
from fitconnect.analytics.ordering import position_in_run, run_length, run_starts
from fitconnect.analytics.power_curve import cumulative_power, power_curves, windowed_mean
from fitconnect.analytics.timer import empty_timer
from fitconnect.analytics.zones import hr_zone, power_zone

NP_WINDOW_S = 30
METRICS_VERSION = 2
"""Bumped whenever a formula changes: stored results of older versions get recomputed."""


def _row_columns() -> list[pl.Expr]:
    """Helper columns over the whole grid, computed once."""
    hr = pl.col("heart_rate_bpm").cast(pl.Float64)
    output = pl.coalesce(pl.col("power_w").cast(pl.Float64), pl.col("speed_kmh").cast(pl.Float64))
    starts = run_starts(SESSION_KEY)
    second = position_in_run(starts) * 2 >= run_length(starts)
    usable = output.is_not_null() & (hr > 0)
    climb = pl.col("altitude_m").cast(pl.Float64).diff().clip(lower_bound=0.0)
    return [
        windowed_mean(cumulative_power(), NP_WINDOW_S).pow(4).alias("_r4"),
        pl.when(pl.col("cadence_rpm") > 0).then(pl.col("cadence_rpm")).alias("_cad"),
        pl.when(pl.col("seg_pos") > 0).then(climb).alias("_climb"),
        pl.when(usable & ~second).then(output).alias("_o1"),
        pl.when(usable & ~second).then(hr).alias("_h1"),
        pl.when(usable & second).then(output).alias("_o2"),
        pl.when(usable & second).then(hr).alias("_h2"),
    ]


def _aggregations() -> list[pl.Expr]:
    hr, power, distance = pl.col("heart_rate_bpm"), pl.col("power_w"), pl.col("distance_m")
    has_power = power.count() > 0
    first_ef = pl.col("_o1").mean() / pl.col("_h1").mean()
    second_ef = pl.col("_o2").mean() / pl.col("_h2").mean()
    return [
        pl.col("ts").min().alias("start_ts"),
        pl.col("ts").max().alias("end_ts"),
        pl.len().cast(pl.Int64).alias("grid_s"),
        pl.coalesce(
            distance.max() - distance.min(), (pl.col("speed_kmh").cast(pl.Float64) / 3.6).sum()
        ).alias("distance_m"),
        power.mean().alias("avg_power_w"),
        power.max().cast(pl.Float64).alias("max_power_w"),
        pl.when(has_power).then(power.cast(pl.Float64).sum() / 1000.0).alias("work_kj"),
        pl.when(has_power).then(pl.col("_r4").mean().pow(0.25)).alias("normalized_power_w"),
        hr.mean().alias("avg_heart_rate_bpm"),
        hr.max().cast(pl.Float64).alias("max_heart_rate_bpm"),
        hr.count().alias("hr_samples"),
        pl.col("_cad").mean().cast(pl.Float64).alias("avg_cadence_rpm"),
        pl.col("speed_kmh").max().cast(pl.Float64).alias("max_speed_kmh"),
        pl.col("_climb").sum().alias("ascent_m"),
        pl.when(first_ef > 0)
        .then((first_ef - second_ef) / first_ef * 100.0)
        .alias("decoupling_pct"),
    ]


def _with_params(
    frame: pl.DataFrame, params: pl.DataFrame, how: Literal["inner", "left"]
) -> pl.DataFrame:
    """``frame`` joined to its sessions' ``params``, every column materialized.

    An eager join with a one-row ``params`` (an incremental run of one session) gives
    broadcast constant columns, and Polars divides by a constant as a multiplication by its
    reciprocal: 152 / 190 came out below 0.8 for one session and equal with two, so one
    session's zones, TRIMP and stress differed from a full recompute's. The lazy join
    materializes its columns, so a session's metrics never depend on its company.
    """
    return frame.lazy().join(params.lazy(), on=SESSION_KEY, how=how).collect()


def _zone_list(hist: pl.DataFrame, zone: pl.Expr, zones: int, name: str) -> pl.DataFrame:
    """Seconds per zone 1..``zones`` from a (session, value, n) histogram joined to params."""
    counted = (
        hist.with_columns(zone.alias("_z"))
        .filter(pl.col("_z").is_not_null())
        .group_by(SESSION_KEY)
        .agg(
            pl.concat_list(
                [pl.col("n").filter(pl.col("_z") == z).sum() for z in range(1, zones + 1)]
            ).alias(name)
        )
    )
    return counted.with_columns(pl.col(name).list.eval(pl.element().cast(pl.Int64)))


def _heart_rate_metrics(grid: pl.DataFrame, params: pl.DataFrame) -> pl.DataFrame:
    """TRIMP and time in heart-rate zones per session."""
    hist = (
        grid.filter(pl.col("heart_rate_bpm").is_not_null())
        .group_by(SESSION_KEY, "heart_rate_bpm")
        .agg(pl.len().alias("n"))
        .pipe(_with_params, params, "inner")
        # TRIMP sums floats: in a fixed order (group_by and join order rows at random), or
        # a session's TRIMP varies in its last bit from run to run.
        .sort(SESSION_KEY, "heart_rate_bpm")
    )
    trimp = (
        hist.with_columns((trimp_per_second() * pl.col("n")).alias("_t"))
        .group_by(SESSION_KEY)
        .agg(pl.when(pl.col("_t").count() > 0).then(pl.col("_t").sum()).alias("trimp"))
    )
    zones = _zone_list(hist, hr_zone(), 5, "hr_zone_s")
    return trimp.join(zones, on=SESSION_KEY, how="full", coalesce=True)


def _power_zones(grid: pl.DataFrame, params: pl.DataFrame) -> pl.DataFrame:
    hist = (
        grid.filter(pl.col("power_w").is_not_null())
        .group_by(SESSION_KEY, "power_w")
        .agg(pl.len().alias("n"))
        .pipe(_with_params, params, "inner")
    )
    return _zone_list(hist, power_zone(), 7, "power_zone_s")


def _derived() -> list[pl.Expr]:
    np_w, ftp = pl.col("normalized_power_w"), pl.col("ftp_w")
    intensity = np_w / ftp
    tss_seconds = (pl.col("grid_s") - (NP_WINDOW_S - 1)).clip(lower_bound=0)
    hr_tss = pl.col("trimp") / trimp_hour_at_threshold() * 100.0
    minutes_hr = pl.col("hr_samples") / 60.0
    calories = pl.coalesce(pl.col("work_kj"), keytel_kcal(pl.col("avg_heart_rate_bpm"), minutes_hr))
    return [
        ((pl.col("end_ts") - pl.col("start_ts")).dt.total_seconds() + 1).alias("duration_s"),
        intensity.alias("intensity_factor"),
        (tss_seconds * np_w * intensity / (ftp * 3600.0) * 100.0).alias("tss"),
        pl.when(pl.col("hr_samples") > 0).then(hr_tss).alias("hr_tss"),
        calories.alias("calories_kcal"),
        pl.when(pl.col("moving_time_s") > 0)
        .then(pl.col("distance_m") / pl.col("moving_time_s") * 3.6)
        .alias("avg_speed_kmh"),
    ]


def session_metrics(
    samples: pl.DataFrame,
    params: pl.DataFrame,
    pause_gap_s: int = PAUSE_GAP_S,
    timer: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row of metrics per ``session_id`` of ``samples`` (see the module docstring).

    ``timer`` (``timer.session_timer``) gives the moving time of the sessions with timer
    events; the others count their seconds on the grid.
    """
    grid = to_grid(samples, pause_gap_s)
    helpers = grid.with_columns(_row_columns())
    timed = timer if timer is not None else empty_timer()
    per_session = (
        helpers.group_by(SESSION_KEY)
        .agg(_aggregations())
        .join(timed, on=SESSION_KEY, how="left")
        .with_columns(
            pl.coalesce("timer_moving_s", "grid_s").alias("moving_time_s"),
        )
        .drop("timer_moving_s")
        .join(_heart_rate_metrics(grid, params), on=SESSION_KEY, how="left")
        .join(_power_zones(grid, params), on=SESSION_KEY, how="left")
        .join(power_curves(grid), on=SESSION_KEY, how="left")
        .join(distance_efforts(grid), on=SESSION_KEY, how="left")
        .pipe(_with_params, params, "left")
        .sort(SESSION_KEY)
    )
    out = per_session.with_columns(_derived())
    stress = pl.coalesce(pl.col("tss"), pl.col("hr_tss")).alias("stress_score")
    dropped = [c for c in params.columns if c != SESSION_KEY]
    return out.with_columns(stress).drop([*dropped, "grid_s"])
