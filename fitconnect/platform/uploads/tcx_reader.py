"""A TCX file as a track (tcxreader): track points with position, altitude, distance, heart
rate, cadence and the ActivityExtension's speed and watts; a lap starts at each ``<Lap>``.

tcxreader reads a path, so the bytes go through a temporary file; it is told to keep points
without GPS (an indoor ride has none) and to fill no gaps (a missing value stays missing).
"""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from tcxreader.tcxreader import TCXReader

from fitconnect.platform.uploads.errors import UnreadableFileError
from fitconnect.platform.uploads.track import Point, Track, build_track, utc
from fitconnect.platform.uploads.xml_guard import refuse_dtd

_NO_FILLING = 0


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def read_tcx_track(data: bytes) -> Track:
    refuse_dtd(data)
    with tempfile.TemporaryDirectory(prefix="fitconnect-upload-") as folder:
        path = Path(folder) / "upload.tcx"
        path.write_bytes(data)
        try:
            exercise = TCXReader().read(str(path), only_gps=False, null_value_handling=_NO_FILLING)
        except (ET.ParseError, ValueError, TypeError, AttributeError, ZeroDivisionError) as exc:
            raise UnreadableFileError("CORRUPT_FILE", f"cannot read as TCX ({exc})") from exc
    points: list[Point] = []
    for tp in exercise.trackpoints or []:
        if tp.time is None:
            continue
        ext = tp.tpx_ext or {}
        speed = _number(ext.get("Speed"))
        values = {
            "heart_rate_bpm": _number(tp.hr_value),
            "cadence_rpm": _number(tp.cadence),
            "distance_m": _number(tp.distance),
            "altitude_m": _number(tp.elevation),
            "power_w": _number(ext.get("Watts")),
            "speed_kmh": speed * 3.6 if speed is not None else None,
        }
        points.append(Point(utc(tp.time), values, tp.latitude, tp.longitude))
    laps = [utc(lap.start_time) for lap in exercise.laps or [] if lap.start_time is not None]
    return build_track(points, laps, [], exercise.activity_type)
