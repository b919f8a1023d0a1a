"""FIT replay: a real activity file's records, lap starts and timer stops and starts.

Only ``record`` messages give values (never the file's summaries); of a ``lap`` message only
its ``start_time`` is read, and of the ``event`` messages only the timer's: a stop (the
athlete paused, or auto-pause) becomes a ``pause`` event, a start a ``resume``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import fitdecode

from fitconnect.schemas import EventKind

# FIT field -> (metric, scale); the first field present of a metric wins.
_FIELDS = {
    "heart_rate": ("heart_rate_bpm", 1.0),
    "power": ("power_w", 1.0),
    "cadence": ("cadence_rpm", 1.0),
    "enhanced_speed": ("speed_kmh", 3.6),
    "speed": ("speed_kmh", 3.6),
    "distance": ("distance_m", 1.0),
    "enhanced_altitude": ("altitude_m", 1.0),
    "altitude": ("altitude_m", 1.0),
}
_TIMER = {
    "start": EventKind.RESUME,
    "stop": EventKind.PAUSE,
    "stop_all": EventKind.PAUSE,
    "stop_disable": EventKind.PAUSE,
    "stop_disable_all": EventKind.PAUSE,
}


@dataclass(frozen=True, slots=True)
class Record:
    offset_s: float  # seconds since the file's first record
    samples: dict[str, float]


@dataclass(frozen=True, slots=True)
class TimerEvent:
    offset_s: float  # seconds since the file's first record (negative: before it)
    kind: EventKind  # PAUSE or RESUME


@dataclass(frozen=True, slots=True)
class FitActivity:
    """What a replay publishes of a file, timed from its first record (``start``)."""

    start: datetime
    records: list[Record]
    lap_starts: list[float]  # later laps only: the session's start already begins lap 1
    timer: list[TimerEvent]


def read_activity(path: Path) -> FitActivity | None:
    """The file's records, lap starts and timer events; None without timestamped records."""
    stamped: list[tuple[datetime, dict[str, float]]] = []
    laps: list[datetime] = []
    timer: list[tuple[datetime, EventKind]] = []
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "record" and frame.has_field("timestamp"):
                stamped.append((frame.get_value("timestamp"), _samples(frame)))
            elif frame.name == "lap" and frame.has_field("start_time"):
                laps.append(frame.get_value("start_time"))
            elif frame.name == "event" and frame.get_value("event", fallback=None) == "timer":
                kind = _TIMER.get(str(frame.get_value("event_type", fallback="")))
                if kind is not None and frame.has_field("timestamp"):
                    timer.append((frame.get_value("timestamp"), kind))
    if not stamped:
        return None
    first = stamped[0][0]

    def offset(ts: datetime) -> float:
        return (ts - first).total_seconds()

    return FitActivity(
        start=first,
        records=[Record(offset(ts), samples) for ts, samples in stamped if samples],
        lap_starts=sorted({offset(s) for s in laps if offset(s) > 0}),
        timer=_in_order(TimerEvent(offset(ts), kind) for ts, kind in timer),
    )


def _in_order(events: Iterable[TimerEvent]) -> list[TimerEvent]:
    """Timer events by time, those of one instant a millisecond apart in file order: a unit
    may start its timer and auto-pause it within a second, and the database keeps no order
    among events of one instant."""
    out: list[TimerEvent] = []
    for event in sorted(events, key=lambda e: e.offset_s):
        offset = max(event.offset_s, out[-1].offset_s + 0.001) if out else event.offset_s
        out.append(TimerEvent(offset, event.kind))
    return out


def _samples(frame: fitdecode.FitDataMessage) -> dict[str, float]:
    samples: dict[str, float] = {}
    for field_name, (metric, scale) in _FIELDS.items():
        if metric in samples or not frame.has_field(field_name):
            continue
        value = frame.get_value(field_name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            samples[metric] = float(value) * scale
    return samples
