"""Training zones: heart rate (% of max or Karvonen) and Coggan's seven power zones."""

from __future__ import annotations

import polars as pl

HR_ZONE_FRACTIONS = (0.6, 0.7, 0.8, 0.9)
"""Lower edges of heart-rate zones 2-5 (zone 1 holds everything under 60 %)."""

POWER_ZONE_FRACTIONS = (0.55, 0.75, 0.90, 1.05, 1.20, 1.50)
"""Upper edges of Coggan's zones 1-6 as fractions of FTP (zone 7 is above 150 %)."""


def hr_zone() -> pl.Expr:
    """Zone 1-5 of each heart-rate sample; null without a sample or a maximum."""
    hr = pl.col("heart_rate_bpm").cast(pl.Float64)
    reserve = pl.col("hr_max_bpm") - pl.col("hr_rest_bpm")
    fraction = (
        pl.when(pl.col("hr_zones_karvonen"))
        .then((hr - pl.col("hr_rest_bpm")) / reserve)
        .otherwise(hr / pl.col("hr_max_bpm"))
    )
    zone = pl.lit(1, pl.Int8)
    for edge in HR_ZONE_FRACTIONS:
        zone = zone + (fraction >= edge).cast(pl.Int8)
    return pl.when(fraction.is_not_null()).then(zone)


def power_zone() -> pl.Expr:
    """Coggan zone 1-7 of each power sample; null without a sample or an FTP."""
    fraction = pl.col("power_w").cast(pl.Float64) / pl.col("ftp_w")
    zone = pl.lit(1, pl.Int8)
    for edge in POWER_ZONE_FRACTIONS:
        zone = zone + (fraction > edge).cast(pl.Int8)
    return pl.when(fraction.is_not_null()).then(zone)
