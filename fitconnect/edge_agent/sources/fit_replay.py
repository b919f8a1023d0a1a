"""FIT replay: a real activity file's records as samples, re-timed to now."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import fitdecode

_FIELDS = {
    "heart_rate": ("heart_rate_bpm", 1.0),
    "power": ("power_w", 1.0),
    "cadence": ("cadence_rpm", 1.0),
    "enhanced_speed": ("speed_kmh", 3.6),
    "speed": ("speed_kmh", 3.6),
    "distance": ("distance_m", 1.0),
    "enhanced_altitude": ("altitude_m", 1.0),
}


@dataclass(frozen=True, slots=True)
class Record:
    offset_s: float  # seconds since the file's first record
    samples: dict[str, float]


def fit_records(path: Path) -> Iterator[Record]:
    """The file's ``record`` messages (never its summaries), with offsets from the first."""
    first: datetime | None = None
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage) or frame.name != "record":
                continue
            if not frame.has_field("timestamp"):
                continue
            ts = frame.get_value("timestamp")
            first = first or ts
            samples: dict[str, float] = {}
            for field_name, (metric, scale) in _FIELDS.items():
                if metric in samples or not frame.has_field(field_name):
                    continue
                value = frame.get_value(field_name)
                if isinstance(value, int | float):
                    samples[metric] = float(value) * scale
            if samples:
                yield Record((ts - first).total_seconds(), samples)


def fit_lap_starts(path: Path) -> list[float]:
    """Where the file's laps start, in seconds from its first record (``lap`` messages'
    ``start_time`` only, never their summaries); the first lap's start is left out, since the
    session's start already begins a lap."""
    first: datetime | None = None
    starts: list[datetime] = []
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "record" and first is None and frame.has_field("timestamp"):
                first = frame.get_value("timestamp")
            elif frame.name == "lap" and frame.has_field("start_time"):
                starts.append(frame.get_value("start_time"))
    if first is None:
        return []
    offsets = sorted({(s - first).total_seconds() for s in starts})
    return [o for o in offsets if o > 0]
