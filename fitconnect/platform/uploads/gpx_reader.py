"""A GPX file as a track (gpxpy): its track points' positions, elevations and times, and the
Garmin TrackPointExtension's heart rate, cadence and power where a unit recorded them.

Route and waypoint files carry no times: they are no activity (``NO_POINTS``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import gpxpy
import gpxpy.gpx

from fitconnect.platform.uploads.errors import UnreadableFileError
from fitconnect.platform.uploads.track import Point, Track, build_track, utc
from fitconnect.platform.uploads.xml_guard import refuse_dtd

# TrackPointExtension element (local name) -> sample column.
_EXTENSIONS = {"hr": "heart_rate_bpm", "cad": "cadence_rpm", "power": "power_w"}


def _extension_values(point: gpxpy.gpx.GPXTrackPoint) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for extension in point.extensions:
        for element in extension.iter():
            name = element.tag.rsplit("}", 1)[-1].lower()
            column = _EXTENSIONS.get(name)
            if column is None or element.text is None:
                continue
            try:
                values[column] = float(element.text)
            except ValueError:
                continue
    return values


def read_gpx_track(data: bytes) -> Track:
    refuse_dtd(data)
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace"))
    except (gpxpy.gpx.GPXException, ET.ParseError, ValueError) as exc:
        raise UnreadableFileError("CORRUPT_FILE", f"cannot read as GPX ({exc})") from exc
    points: list[Point] = []
    for track in gpx.tracks:
        for segment in track.segments:
            for p in segment.points:
                if p.time is None:
                    continue
                values = _extension_values(p)
                if p.elevation is not None:
                    values["altitude_m"] = p.elevation
                points.append(Point(utc(p.time), values, p.latitude, p.longitude))
    sport = next((t.type for t in gpx.tracks if t.type), None)
    return build_track(points, [], [], sport)
