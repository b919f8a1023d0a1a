"""The one sample frame every analytics path builds: database rows and FIT records alike.

Keeping a single schema is what lets ``fitconnect analytics fit`` vouch for the numbers the
jobs compute from PostgreSQL: both readers end here and the same Polars code takes over.
"""

from __future__ import annotations

import polars as pl

SAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "ts": pl.Datetime("us", "UTC"),
    "heart_rate_bpm": pl.Int16(),
    "power_w": pl.Int32(),
    "cadence_rpm": pl.Float32(),
    "speed_kmh": pl.Float32(),
    "distance_m": pl.Float64(),
    "altitude_m": pl.Float32(),
}
"""Column names and types, those of ``telemetry.samples`` minus the device."""

SESSION_KEY = "session_id"


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Cast ``frame`` to the sample schema, adding missing columns as nulls.

    Extra columns (such as ``session_id``) are kept, after the sample columns.
    """
    present = set(frame.columns)
    sample_cols = [
        (pl.col(name) if name in present else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in SAMPLE_SCHEMA.items()
    ]
    extra = [pl.col(c) for c in frame.columns if c not in SAMPLE_SCHEMA]
    return frame.select([*extra, *sample_cols])
