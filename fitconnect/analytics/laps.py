"""Laps inside a session, from explicit lap marks only, with their own metrics.

A lap mark is an instant where a new lap begins: a ``lap`` device event, or the start time of
a FIT ``lap`` message (never the message's summary values). A mark counts for the session of
its athlete (any of their devices may mark a lap) whose first and last second enclose it;
marks outside every session are ignored (so an incremental run, which reads events from a
session's start on, sees the same marks as a full one). A session with marks is cut at each
of them after its first second: lap 1 starts with the session, every later mark starts the
next lap, and the last lap ends with the session. Sessions without marks have no laps.

Per lap, on the same 1 Hz grid as the sessions (``grid``): duration (up to the next lap's
start, so the laps add up to the session's duration), moving time (the device timer's running
time in the lap when it sent timer events, ``timer``; else the lap's seconds on the grid),
distance (up to the next lap's first distance, so the laps add up to the session's distance),
average and maximum power and heart rate, NP (30-s windows restarted after a pause and at the
lap's start) and average cadence (non-zero, as for sessions).
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from fitconnect.analytics.frame import SAMPLE_SCHEMA, SESSION_KEY
from fitconnect.analytics.grid import PAUSE_GAP_S, to_grid
from fitconnect.analytics.metrics import NP_WINDOW_S
from fitconnect.analytics.ordering import position_in_run
from fitconnect.analytics.power_curve import cumulative_power, windowed_mean
from fitconnect.analytics.timer import running_seconds, timer_runs

LAP_EVENT = "lap"
"""``telemetry.device_events.kind`` of a lap mark."""

LAP_FIELDS: tuple[str, ...] = (
    "lap",
    "start_ts",
    "end_ts",
    "duration_s",
    "moving_time_s",
    "distance_m",
    "avg_power_w",
    "max_power_w",
    "normalized_power_w",
    "avg_heart_rate_bpm",
    "max_heart_rate_bpm",
    "avg_cadence_rpm",
)
"""The metrics of one lap, in the order reports and ``analytics.laps`` show them."""

_TS = SAMPLE_SCHEMA["ts"]
_SECOND = timedelta(seconds=1)
_LAP_SCHEMA: dict[str, pl.DataType] = {
    SESSION_KEY: pl.Int64(),
    "lap": pl.Int64(),
    "start_ts": _TS,
    "end_ts": _TS,
    "duration_s": pl.Int64(),
    "moving_time_s": pl.Int64(),
    "distance_m": pl.Float64(),
    "avg_power_w": pl.Float64(),
    "max_power_w": pl.Float64(),
    "normalized_power_w": pl.Float64(),
    "avg_heart_rate_bpm": pl.Float64(),
    "max_heart_rate_bpm": pl.Float64(),
    "avg_cadence_rpm": pl.Float64(),
}


def empty_laps() -> pl.DataFrame:
    """No laps (``session_id`` plus ``LAP_FIELDS``)."""
    return pl.DataFrame(schema=_LAP_SCHEMA)


def lap_starts(cut: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """(``session_id``, ``lap_start``) of every lap of the sessions of ``cut`` that have marks.

    ``cut`` is ``assign_sessions`` output; ``events`` holds the marks (kind ``lap``) among any
    others, with ``athlete_id``. Instants are whole seconds, as on the grid; two devices
    marking the same second make one lap.
    """
    marks = (
        events.filter(pl.col("kind") == LAP_EVENT)
        .select(pl.col("athlete_id").cast(pl.String), pl.col("ts").dt.truncate("1s").alias("mark"))
        .unique()
    )
    if marks.is_empty():
        return pl.DataFrame(schema={SESSION_KEY: pl.Int64(), "lap_start": _TS})
    spans = cut.group_by(SESSION_KEY).agg(
        pl.col("athlete_id").first(),
        pl.col("ts").min().dt.truncate("1s").alias("first"),
        pl.col("ts").max().dt.truncate("1s").alias("last"),
    )
    owned = (
        marks.sort("mark")
        .join_asof(
            spans.sort("first"),
            left_on="mark",
            right_on="first",
            by="athlete_id",
            strategy="backward",
            check_sortedness=False,
        )
        .filter(pl.col("mark") <= pl.col("last"))
    )
    firsts = spans.join(owned, on=SESSION_KEY, how="semi").select(
        SESSION_KEY, pl.col("first").alias("lap_start")
    )
    later = owned.filter(pl.col("mark") > pl.col("first")).select(
        SESSION_KEY, pl.col("mark").alias("lap_start")
    )
    return pl.concat([firsts, later]).unique().sort(SESSION_KEY, "lap_start")


def _per_lap(grid: pl.DataFrame) -> pl.DataFrame:
    """Aggregates of each (``session_id``, ``lap_start``) run of a grid carrying ``lap_start``."""
    new_run = pl.col("segment").ne_missing(pl.col("segment").shift(1)) | pl.col(
        "lap_start"
    ).ne_missing(pl.col("lap_start").shift(1))
    r4 = windowed_mean(cumulative_power(), NP_WINDOW_S, position_in_run(new_run)).pow(4)
    power, hr, distance = pl.col("power_w"), pl.col("heart_rate_bpm"), pl.col("distance_m")
    cadence = pl.when(pl.col("cadence_rpm") > 0).then(pl.col("cadence_rpm"))
    return (
        grid.with_columns(r4.alias("_r4"), cadence.alias("_cad"))
        .group_by(SESSION_KEY, "lap_start")
        .agg(
            pl.len().cast(pl.Int64).alias("moving_time_s"),
            distance.min().alias("_d0"),
            distance.max().alias("_d1"),
            (pl.col("speed_kmh").cast(pl.Float64) / 3.6).sum().alias("_speed_m"),
            power.mean().alias("avg_power_w"),
            power.max().cast(pl.Float64).alias("max_power_w"),
            pl.when(power.count() > 0)
            .then(pl.col("_r4").mean().pow(0.25))
            .alias("normalized_power_w"),
            hr.mean().alias("avg_heart_rate_bpm"),
            hr.max().cast(pl.Float64).alias("max_heart_rate_bpm"),
            pl.col("_cad").mean().cast(pl.Float64).alias("avg_cadence_rpm"),
        )
    )


def lap_metrics(
    cut: pl.DataFrame, events: pl.DataFrame, pause_gap_s: int = PAUSE_GAP_S
) -> pl.DataFrame:
    """One row per lap (``session_id`` plus ``LAP_FIELDS``) of the sessions of ``cut``."""
    starts = lap_starts(cut, events)
    if starts.is_empty():
        return empty_laps()
    samples = cut.join(starts, on=SESSION_KEY, how="semi").select(SESSION_KEY, *SAMPLE_SCHEMA)
    grid = to_grid(samples, pause_gap_s).join_asof(
        starts,
        left_on="ts",
        right_on="lap_start",
        by=SESSION_KEY,
        strategy="backward",
        check_sortedness=False,
    )
    ends = grid.group_by(SESSION_KEY).agg((pl.col("ts").max() + _SECOND).alias("_end"))
    laps = (
        starts.join(_per_lap(grid), on=[SESSION_KEY, "lap_start"], how="left")
        .join(ends, on=SESSION_KEY)
        .sort(SESSION_KEY, "lap_start")
    )
    next_start = pl.col("lap_start").shift(-1).over(SESSION_KEY)
    until = pl.coalesce(next_start, pl.col("_end"))
    to_distance = pl.coalesce(pl.col("_d0").shift(-1).over(SESSION_KEY), pl.col("_d1"))
    timed = running_seconds(
        timer_runs(cut, events),
        laps.select(  # the first and last laps open: they share the session's timed span
            SESSION_KEY,
            "lap_start",
            pl.when(pl.int_range(pl.len()).over(SESSION_KEY) > 0)
            .then(pl.col("lap_start"))
            .alias("span_start"),
            next_start.alias("span_end"),
        ),
    )
    return (
        laps.join(timed, on=[SESSION_KEY, "lap_start"], how="left")
        .with_columns(
            (pl.int_range(pl.len()).over(SESSION_KEY) + 1).alias("lap"),
            pl.col("lap_start").alias("start_ts"),
            (until - _SECOND).alias("end_ts"),
            (until - pl.col("lap_start")).dt.total_seconds().alias("duration_s"),
            pl.coalesce("timer_moving_s", "moving_time_s", pl.lit(0)).alias("moving_time_s"),
            pl.coalesce(to_distance - pl.col("_d0"), pl.col("_speed_m")).alias("distance_m"),
        )
        .select(pl.col(c).cast(t) for c, t in _LAP_SCHEMA.items())
    )
