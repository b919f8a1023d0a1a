"""Put samples on a 1 Hz grid split into pause-free segments.

Devices differ on pauses (see ``training_metrics_reference.json``): Wahoo restarts the 30-s
NP window after every pause; a window run over consecutive samples across a stop
underestimates NP. We restart at gaps longer than ``PAUSE_GAP_S`` and fill shorter gaps
(sensor drop-outs, a second lost on the radio) with empty seconds so rolling windows stay
1 s apart. Filled seconds carry nulls; ``sampled`` tells the real ones.

Segment ids are global and increase along the frame (sorted by session, then time), so a
window of rows lies inside one segment exactly when ``seg_pos`` (the row's position in its
segment) is at least the window length minus one.
"""

from __future__ import annotations

import polars as pl

from fitconnect.analytics.frame import SESSION_KEY
from fitconnect.analytics.ordering import is_sorted_by, position_in_run, run_starts

PAUSE_GAP_S = 10
"""A gap longer than this between two samples is a pause: rolling windows restart after it."""

_US = 1_000_000


def _whole_seconds(samples: pl.DataFrame) -> pl.DataFrame:
    """Truncate to the second, sort, and keep the first sample of each second."""
    dtype = samples.schema["ts"]
    whole = samples.select((pl.col("ts").cast(pl.Int64) % _US == 0).all()).item()
    frame = (
        samples
        if whole
        else samples.with_columns((pl.col("ts").cast(pl.Int64) // _US * _US).cast(dtype))
    )
    if is_sorted_by(frame, SESSION_KEY):
        return frame
    same = (pl.col(SESSION_KEY) == pl.col(SESSION_KEY).shift(1)) & (
        pl.col("ts") == pl.col("ts").shift(1)
    )
    return frame.sort([SESSION_KEY, "ts"], maintain_order=True).filter(~same.fill_null(value=False))


def to_grid(samples: pl.DataFrame, pause_gap_s: int = PAUSE_GAP_S) -> pl.DataFrame:
    """``samples`` (with ``session_id``) on a 1 Hz grid with ``segment`` and ``seg_pos``.

    Duplicate seconds keep their first sample. Gaps of at most ``pause_gap_s`` are filled
    with null rows (``sampled`` false); longer gaps start a new segment.
    """
    frame = _whole_seconds(samples)
    same_session = pl.col(SESSION_KEY) == pl.col(SESSION_KEY).shift(1)
    gap = (pl.col("ts").cast(pl.Int64) - pl.col("ts").cast(pl.Int64).shift(1)) // _US
    frame = frame.with_columns(
        _gap=pl.when(same_session).then(gap),
        sampled=pl.lit(value=True),
    ).with_columns(
        segment=(pl.col("_gap").is_null() | (pl.col("_gap") > pause_gap_s)).cum_sum().cast(pl.Int64)
    )
    missing = frame.select(
        (pl.col("_gap") - 1).filter(pl.col("_gap") <= pause_gap_s).clip(lower_bound=0).sum()
    ).item()
    if missing:
        frame = _fill(frame)
    return frame.drop("_gap").with_columns(seg_pos=position_in_run(run_starts("segment")))


def _fill(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the missing seconds inside each segment as null rows."""
    spans = frame.group_by("segment").agg(
        pl.col(SESSION_KEY).first(),
        pl.col("ts").min().alias("first"),
        pl.col("ts").max().alias("last"),
    )
    full = (
        spans.select(
            SESSION_KEY,
            "segment",
            pl.datetime_ranges("first", "last", "1s", time_zone="UTC").alias("ts"),
        )
        .explode("ts")
        .with_columns(pl.col("ts").cast(frame.schema["ts"]))
    )
    return (
        full.join(frame.drop(SESSION_KEY), on=["segment", "ts"], how="left")
        .with_columns(pl.col("sampled").fill_null(value=False))
        .sort([SESSION_KEY, "ts"])
    )
