"""Build small hand-checkable sample frames for the formula tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import polars as pl

from fitconnect.analytics.frame import conform
from fitconnect.analytics.metrics import session_metrics
from fitconnect.analytics.params import AthleteParams, params_frame

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def series(
    power: Sequence[int | None] | None = None,
    hr: Sequence[int | None] | None = None,
    *,
    start: datetime = T0,
    speed_kmh: float | None = None,
) -> pl.DataFrame:
    """A 1 Hz sample frame from ``start`` with the given power and heart-rate values."""
    n = len(power if power is not None else hr or [])
    data: dict[str, object] = {"ts": [start + timedelta(seconds=i) for i in range(n)]}
    if power is not None:
        data["power_w"] = list(power)
    if hr is not None:
        data["heart_rate_bpm"] = list(hr)
    if speed_kmh is not None:
        data["speed_kmh"] = [speed_kmh] * n
    return conform(pl.DataFrame(data))


def after(frame: pl.DataFrame, gap_s: int, later: pl.DataFrame) -> pl.DataFrame:
    """``frame`` followed by ``later`` shifted to start ``gap_s`` seconds after its end."""
    shift = frame["ts"].max() + timedelta(seconds=gap_s) - later["ts"].min()  # type: ignore[operator]
    return pl.concat([frame, later.with_columns(pl.col("ts") + shift)])


def metrics(frame: pl.DataFrame, params: AthleteParams) -> dict[str, object]:
    """The metrics row of ``frame`` as one session."""
    out = session_metrics(
        frame.with_columns(session_id=pl.lit(1, pl.Int64)), params_frame({1: params})
    )
    assert out.height == 1
    return out.row(0, named=True)
