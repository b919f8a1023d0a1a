"""One activity as the readers give it: samples by instant, positions, laps and the timer.

Every reader (FIT, TCX, GPX) ends here, so the worker stores each format the same way. Values
outside the plausible ranges ingest enforces (a GPS spike of 400 km/h) are dropped, not the
file: they are the athlete's own recording, and one glitch should not refuse a whole ride.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fitconnect.ingest.plausibility import PLAUSIBLE
from fitconnect.platform.uploads.errors import UnreadableFileError
from fitconnect.schemas import METRICS


@dataclass(slots=True)
class Point:
    """One instant of the file."""

    ts: datetime
    values: dict[str, float | None] = field(default_factory=dict)
    latitude_deg: float | None = None
    longitude_deg: float | None = None


@dataclass(frozen=True, slots=True)
class Track:
    """The file's points (sorted by time, one per instant), lap starts and timer events
    (instant, ``pause`` or ``resume``; those of one instant a millisecond apart in file
    order), and its sport when it names one."""

    points: list[Point]
    lap_starts: list[datetime]
    timer: list[tuple[datetime, str]]
    sport: str | None

    @property
    def start(self) -> datetime:
        return self.points[0].ts

    @property
    def end(self) -> datetime:
        return self.points[-1].ts

    def column(self, metric: str) -> list[float | None]:
        return [p.values.get(metric) for p in self.points]


def utc(ts: datetime) -> datetime:
    """An instant as aware UTC (files that omit the zone mean UTC)."""
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _plausible(metric: str, value: float | None) -> float | None:
    if value is None or math.isnan(value) or value not in PLAUSIBLE[metric]:
        return None
    return value


def _position(point: Point) -> tuple[float | None, float | None]:
    lat, lon = point.latitude_deg, point.longitude_deg
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def build_track(
    points: list[Point],
    lap_starts: list[datetime],
    timer: list[tuple[datetime, str]],
    sport: str | None,
) -> Track:
    """A track of ``points`` in time order, the first of two at the same instant kept;
    ``UnreadableFileError('NO_POINTS')`` when none has a time."""
    seen: set[datetime] = set()
    kept: list[Point] = []
    for point in sorted(points, key=lambda p: p.ts):
        if point.ts in seen:
            continue
        seen.add(point.ts)
        values = {m: _plausible(m, point.values.get(m)) for m in METRICS if m in point.values}
        lat, lon = _position(point)
        kept.append(Point(point.ts, values, lat, lon))
    if not kept:
        raise UnreadableFileError("NO_POINTS", "the file has no timestamped points")
    return Track(kept, sorted(lap_starts), _timer_in_order(timer), sport)


_MILLISECOND = timedelta(milliseconds=1)


def _timer_in_order(timer: list[tuple[datetime, str]]) -> list[tuple[datetime, str]]:
    """Timer events by time, those of one instant a millisecond apart in file order: a unit
    may start its timer and auto-pause it within one second (the Edge 530 does), and the
    database keeps no order among events of one instant."""
    out: list[tuple[datetime, str]] = []
    for ts, kind in sorted(timer, key=lambda event: event[0]):
        out.append((max(ts, out[-1][0] + _MILLISECOND) if out else ts, kind))
    return out
