"""Read a FIT activity's per-second records into the sample frame, and its lap marks.

Only ``record`` messages give values: the file's own ``session``/``lap`` summaries are what
our numbers are checked against, so using them would prove nothing. Of a ``lap`` message
only its ``start_time`` is read: where the athlete (or the auto-lap) began a lap. Of the
``event`` messages only the timer's: where it stopped (pause, auto-pause) and started again.
The records' positions and the file's sport are read in the same pass for whoever stores the
file (uploads); no metric uses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fitdecode
import polars as pl

from fitconnect.analytics.errors import ActivityFileError
from fitconnect.analytics.frame import conform
from fitconnect.analytics.timer import PAUSE_EVENT, RESUME_EVENT

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


_TIMER_KINDS = {
    "start": RESUME_EVENT,
    "stop": PAUSE_EVENT,
    "stop_all": PAUSE_EVENT,
    "stop_disable": PAUSE_EVENT,
    "stop_disable_all": PAUSE_EVENT,
}
"""FIT ``event_type`` of a ``timer`` event -> our timer event kind."""


@dataclass(frozen=True, slots=True)
class FitActivity:
    """A FIT file's samples (sample frame, sorted by time), its laps' start instants and its
    timer's stops and starts (instant, ``pause`` or ``resume``), in file order."""

    samples: pl.DataFrame
    lap_starts: list[datetime]
    timer: list[tuple[datetime, str]]
    positions: dict[datetime, tuple[float, float]] = field(default_factory=dict)
    """Record instant (UTC) -> (latitude, longitude) in degrees, where the unit had a fix."""
    sport: str | None = None


def _timer_event(message: fitdecode.FitDataMessage) -> tuple[datetime, str] | None:
    if message.get_value("event", fallback=None) != "timer":
        return None
    kind = _TIMER_KINDS.get(str(message.get_value("event_type", fallback="")))
    ts = message.get_value("timestamp", fallback=None)
    if kind is None or not isinstance(ts, datetime):
        return None
    return ts.astimezone(UTC), kind


_SEMICIRCLE_DEG = 180.0 / 2**31


def _position(message: fitdecode.FitDataMessage) -> tuple[float, float] | None:
    lat = message.get_value("position_lat", fallback=None)
    lon = message.get_value("position_long", fallback=None)
    if isinstance(lat, int) and isinstance(lon, int):
        return lat * _SEMICIRCLE_DEG, lon * _SEMICIRCLE_DEG
    return None


def read_fit(path: Path) -> FitActivity:
    """The records, lap start times and timer events of the FIT file at ``path``."""
    rows: list[dict[str, Any]] = []
    lap_starts: list[datetime] = []
    timer: list[tuple[datetime, str]] = []
    positions: dict[datetime, tuple[float, float]] = {}
    sport: str | None = None
    try:
        with fitdecode.FitReader(str(path)) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "record":
                    row = _row(frame)
                    if row is not None:
                        rows.append(row)
                        if (where := _position(frame)) is not None:
                            positions.setdefault(row["ts"].astimezone(UTC), where)
                elif frame.name == "lap":
                    start = frame.get_value("start_time", fallback=None)
                    if isinstance(start, datetime):
                        lap_starts.append(start.astimezone(UTC))
                elif frame.name == "event" and (event := _timer_event(frame)) is not None:
                    timer.append(event)
                elif frame.name in {"sport", "session"} and sport is None:
                    named = frame.get_value("sport", fallback=None)
                    sport = named if isinstance(named, str) else None
    except (fitdecode.FitError, OSError) as exc:
        raise ActivityFileError(f"{path.name}: cannot read as FIT ({exc})") from exc
    if not rows:
        raise ActivityFileError(f"{path.name}: no timestamped records")
    raw = pl.DataFrame(rows, infer_schema_length=None)
    samples = conform(raw.with_columns(pl.col("ts").dt.convert_time_zone("UTC"))).sort("ts")
    return FitActivity(samples, sorted(lap_starts), timer, positions, sport)
