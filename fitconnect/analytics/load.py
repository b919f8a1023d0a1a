"""Training load: Banister TRIMP, heart-rate stress, calories, and the performance chart.

CTL/ATL follow TrainingPeaks' PMC: ``CTL_d = CTL_{d-1} + (TSS_d - CTL_{d-1}) / 42`` (ATL with
7), ``TSB = CTL - ATL``; the trainerday/cycling-metrics vectors pin this form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

CTL_DAYS = 42
ATL_DAYS = 7

# Banister's sex-specific weighting: TRIMP/min = HRr * a * exp(b * HRr).
_TRIMP_MALE = (0.64, 1.92)
_TRIMP_FEMALE = (0.86, 1.67)


def heart_rate_reserve() -> pl.Expr:
    """Fraction of heart-rate reserve of each sample, clipped to [0, 1]."""
    hr = pl.col("heart_rate_bpm").cast(pl.Float64)
    reserve = pl.col("hr_max_bpm") - pl.col("hr_rest_bpm")
    return ((hr - pl.col("hr_rest_bpm")) / reserve).clip(0.0, 1.0)


def _trimp_per_minute(hrr: pl.Expr) -> pl.Expr:
    female = pl.col("sex") == "female"
    a = pl.when(female).then(_TRIMP_FEMALE[0]).otherwise(_TRIMP_MALE[0])
    b = pl.when(female).then(_TRIMP_FEMALE[1]).otherwise(_TRIMP_MALE[1])
    return hrr * a * (b * hrr).exp()


def trimp_per_second() -> pl.Expr:
    """Banister TRIMP contributed by one 1-s heart-rate sample."""
    return _trimp_per_minute(heart_rate_reserve()) / 60.0


def trimp_hour_at_threshold() -> pl.Expr:
    """TRIMP of one hour at lactate threshold (LTHR, else 90 % of reserve above rest)."""
    lthr = pl.coalesce(
        pl.col("lthr_bpm"),
        pl.col("hr_rest_bpm") + 0.9 * (pl.col("hr_max_bpm") - pl.col("hr_rest_bpm")),
    )
    hrr = ((lthr - pl.col("hr_rest_bpm")) / (pl.col("hr_max_bpm") - pl.col("hr_rest_bpm"))).clip(
        0.0, 1.0
    )
    return 60.0 * _trimp_per_minute(hrr)


def keytel_kcal(avg_hr: pl.Expr, minutes: pl.Expr) -> pl.Expr:
    """Keytel et al. (2005) energy expenditure from heart rate, weight, age and sex."""
    w, a = pl.col("weight_kg"), pl.col("age_years")
    male = -55.0969 + 0.6309 * avg_hr + 0.1988 * w + 0.2017 * a
    female = -20.4022 + 0.4472 * avg_hr - 0.1263 * w + 0.074 * a
    per_min = pl.when(pl.col("sex") == "female").then(female).otherwise(male) / 4.184
    return (per_min * minutes).clip(lower_bound=0.0)


@dataclass(frozen=True, slots=True)
class LoadDay:
    """One day of the performance-management chart."""

    day: date
    tss: float
    ctl: float
    atl: float

    @property
    def tsb(self) -> float:
        """Form: fitness minus fatigue (of the day's end)."""
        return self.ctl - self.atl


def ewma_step(previous: float, load: float, days: int) -> float:
    """One day of the PMC's exponentially weighted average with time constant ``days``."""
    return previous + (load - previous) / days


def performance_chart(
    first_day: date,
    daily_tss: Sequence[float],
    ctl_start: float = 0.0,
    atl_start: float = 0.0,
) -> list[LoadDay]:
    """CTL/ATL/TSB for consecutive days from ``first_day`` (missing training = 0 TSS)."""
    out: list[LoadDay] = []
    ctl, atl = ctl_start, atl_start
    for offset, tss in enumerate(daily_tss):
        ctl = ewma_step(ctl, tss, CTL_DAYS)
        atl = ewma_step(atl, tss, ATL_DAYS)
        out.append(LoadDay(first_day + timedelta(days=offset), tss, ctl, atl))
    return out
