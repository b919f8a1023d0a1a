"""Cut an athlete's fused samples into sessions.

A session belongs to the athlete, not to a device: the samples of all their devices (fused
per second, ``fusion``) form one timeline. Explicit ``session_start``/``session_stop`` events
of any of the athlete's devices win: a device's start opens a window that its stop closes
(the stop's instant included) or its next start ends, a start without either stays open,
and overlapping windows of the athlete's devices merge into one. Every sample in a window is
that session. Samples outside any window are split where the athlete was silent longer than
``SESSION_GAP_S``. A session is named by its athlete and first instant, so recomputing the
same data finds the same sessions (the jobs rely on it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from fitconnect.analytics.frame import SESSION_KEY
from fitconnect.analytics.ordering import sorted_by

SESSION_GAP_S = 3600
"""Silence longer than this (without events) ends a session; shorter silences are pauses."""

EVENT_SCHEMA: dict[str, pl.DataType] = {
    "device_id": pl.String(),
    "ts": pl.Datetime("us", "UTC"),
    "kind": pl.String(),
}

_OPEN = datetime(9999, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def empty_events() -> pl.DataFrame:
    """No session events (a FIT file, or a device that never sends them)."""
    return pl.DataFrame(schema=EVENT_SCHEMA)


def explicit_windows(events: pl.DataFrame) -> pl.DataFrame:
    """The athlete's explicit session windows: ``athlete_id``, ``w_start``, ``w_end``.

    ``events`` carries ``athlete_id``. Windows of different devices that overlap merge.
    """
    ts_type = EVENT_SCHEMA["ts"]
    schema = {"athlete_id": pl.String(), "w_start": ts_type, "w_end": ts_type}
    marks = events.filter(pl.col("kind").is_in(["session_start", "session_stop"]))
    if marks.is_empty():
        return pl.DataFrame(schema=schema)
    marks = marks.sort("device_id", "ts")
    same = pl.col("device_id") == pl.col("device_id").shift(-1)
    next_kind, next_ts = pl.col("kind").shift(-1), pl.col("ts").shift(-1)
    end = (
        pl.when(same & (next_kind == "session_stop"))
        .then(next_ts)
        .when(same)
        .then(next_ts - _MICRO)
        .otherwise(pl.lit(_OPEN).cast(ts_type))
    )
    windows = (
        marks.with_columns(end.alias("w_end"))
        .filter(pl.col("kind") == "session_start")
        .select("athlete_id", pl.col("ts").alias("w_start"), "w_end")
        .sort("athlete_id", "w_start")
    )
    reach = pl.col("w_end").cum_max().over("athlete_id")
    starts_new = (
        (pl.col("athlete_id") != pl.col("athlete_id").shift(1))
        | (pl.col("w_start") > reach.shift(1))
    ).fill_null(value=True)
    return (
        windows.with_columns(starts_new.cum_sum().alias("_w"))
        .group_by("_w")
        .agg(
            pl.col("athlete_id").first(),
            pl.col("w_start").min(),
            pl.col("w_end").max(),
        )
        .select(*schema)
        .sort("athlete_id", "w_start")
    )


def _explicit_start(samples: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Add ``explicit_start``: the start of the explicit window holding each sample.

    A window holds the whole second its start falls in: samples are fused per second, so the
    samples of a session's first second are stamped at that second, before its start event.
    """
    windows = explicit_windows(events)
    if windows.is_empty():
        return samples.with_columns(pl.lit(None, EVENT_SCHEMA["ts"]).alias("explicit_start"))
    windows = windows.with_columns(pl.col("w_start").dt.truncate("1s").alias("_from"))
    joined = samples.join_asof(
        windows,
        left_on="ts",
        right_on="_from",
        by="athlete_id",
        strategy="backward",
        check_sortedness=False,
    )
    inside = pl.col("ts") <= pl.col("w_end")
    return joined.with_columns(
        pl.when(inside).then(pl.col("w_start")).alias("explicit_start")
    ).drop(["w_start", "w_end", "_from"])


def assign_sessions(
    samples: pl.DataFrame, events: pl.DataFrame, gap_s: int = SESSION_GAP_S
) -> pl.DataFrame:
    """``samples`` (with ``athlete_id``) plus ``session_start``, ``explicit`` and ``session_id``.

    ``events`` carries ``athlete_id`` too. ``session_id`` numbers sessions 1, 2, ... in
    (athlete, start) order, for this frame only.
    """
    frame = sorted_by(samples.with_columns(pl.col("athlete_id").cast(pl.String)), "athlete_id")
    frame = _explicit_start(frame, events)
    same_athlete = pl.col("athlete_id") == pl.col("athlete_id").shift(1)
    silent = (pl.col("ts") - pl.col("ts").shift(1)).dt.total_seconds() > gap_s
    explicit = pl.col("explicit_start")
    new_session = (
        ~same_athlete.fill_null(value=False)
        | (explicit.is_null() & silent)
        | explicit.shift(1).ne_missing(explicit)
    )
    frame = frame.with_columns(_new=new_session)
    return frame.with_columns(
        pl.coalesce(explicit, pl.when(pl.col("_new")).then(pl.col("ts")).forward_fill()).alias(
            "session_start"
        ),
        explicit.is_not_null().alias("explicit"),
        pl.col("_new").cum_sum().cast(pl.Int64).alias(SESSION_KEY),
    ).drop(["_new", "explicit_start"])
