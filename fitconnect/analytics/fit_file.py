"""Read a FIT activity's per-second records into the sample frame.

Only ``record`` messages are read: the file's own ``session``/``lap`` summaries are what our
numbers are checked against, so using them would prove nothing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import fitdecode
import polars as pl

from fitconnect.analytics.errors import ActivityFileError
from fitconnect.analytics.frame import conform

# FIT field -> (sample column, scale); the first field present wins.
_FIELDS: dict[str, tuple[tuple[str, float], ...]] = {
    "heart_rate_bpm": (("heart_rate", 1.0),),
    "power_w": (("power", 1.0),),
    "cadence_rpm": (("cadence", 1.0),),
    "speed_kmh": (("enhanced_speed", 3.6), ("speed", 3.6)),
    "distance_m": (("distance", 1.0),),
    "altitude_m": (("enhanced_altitude", 1.0), ("altitude", 1.0)),
}


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _row(message: fitdecode.FitDataMessage) -> dict[str, Any] | None:
    ts = message.get_value("timestamp", fallback=None)
    if not isinstance(ts, datetime):
        return None
    row: dict[str, Any] = {"ts": ts}
    for column, candidates in _FIELDS.items():
        row[column] = None
        for name, scale in candidates:
            value = _number(message.get_value(name, fallback=None))
            if value is not None:
                row[column] = value * scale
                break
    return row


def read_fit_samples(path: Path) -> pl.DataFrame:
    """The records of the FIT file at ``path`` as a sample frame (sorted by time)."""
    rows: list[dict[str, Any]] = []
    try:
        with fitdecode.FitReader(str(path)) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                    row = _row(frame)
                    if row is not None:
                        rows.append(row)
    except (fitdecode.FitError, OSError) as exc:
        raise ActivityFileError(f"{path.name}: cannot read as FIT ({exc})") from exc
    if not rows:
        raise ActivityFileError(f"{path.name}: no timestamped records")
    raw = pl.DataFrame(rows, infer_schema_length=None)
    return conform(raw.with_columns(pl.col("ts").dt.convert_time_zone("UTC"))).sort("ts")
