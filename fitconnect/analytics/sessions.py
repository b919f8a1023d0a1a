"""Cut a device's samples into sessions.

Explicit ``session_start``/``session_stop`` events win: every sample between them (stop
inclusive) is that session. Samples outside any explicit session are split where the device
was silent longer than ``SESSION_GAP_S``. A session is named by its device and its first
instant, so recomputing the same data finds the same sessions (the jobs rely on it).
"""

from __future__ import annotations

from datetime import timedelta

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


def empty_events() -> pl.DataFrame:
    """No session events (a FIT file, or a device that never sends them)."""
    return pl.DataFrame(schema=EVENT_SCHEMA)


def _open_session(samples: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Add ``explicit_start``: the start of the explicit session holding each sample."""
    marks = events.filter(pl.col("kind").is_in(["session_start", "session_stop"]))
    if marks.is_empty():
        return samples.with_columns(pl.lit(None, EVENT_SCHEMA["ts"]).alias("explicit_start"))
    marks = (
        marks.with_columns(
            # A stop covers its own instant: move it just past so "at or before" finds it later.
            pl.when(pl.col("kind") == "session_stop")
            .then(pl.col("ts") + timedelta(microseconds=1))
            .otherwise(pl.col("ts"))
            .alias("mark_ts"),
        )
        .select("device_id", "mark_ts", "kind")
        .sort(["device_id", "mark_ts"])
    )
    joined = samples.join_asof(
        marks,
        left_on="ts",
        right_on="mark_ts",
        by="device_id",
        strategy="backward",
        check_sortedness=False,
    )
    return joined.with_columns(
        pl.when(pl.col("kind") == "session_start").then(pl.col("mark_ts")).alias("explicit_start")
    ).drop(["mark_ts", "kind"])


def assign_sessions(
    samples: pl.DataFrame, events: pl.DataFrame, gap_s: int = SESSION_GAP_S
) -> pl.DataFrame:
    """``samples`` (with ``device_id``) plus ``session_start``, ``explicit`` and ``session_id``.

    ``session_id`` numbers sessions 1, 2, ... in (device, start) order, for this frame only.
    """
    frame = sorted_by(samples.with_columns(pl.col("device_id").cast(pl.String)), "device_id")
    frame = _open_session(frame, events)
    same_device = pl.col("device_id") == pl.col("device_id").shift(1)
    silent = (pl.col("ts") - pl.col("ts").shift(1)).dt.total_seconds() > gap_s
    explicit = pl.col("explicit_start")
    new_session = (
        ~same_device.fill_null(value=False)
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
