"""Laps of real FIT files against the files' own lap times (start and end, nothing else)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import fitdecode
import pytest

from fitconnect.analytics.activity import file_sessions
from fitconnect.analytics.params import AthleteParams

# Manual laps with power (Edge 810); manual laps (indoor trainer); 5-mile auto-laps (Edge).
FILES = (
    "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit",
    "fitparse__sample-activity-indoor-trainer.fit",
    "garminsdk_via_muktihari__activity_lowbattery.fit",
)


def _file_laps(path: Path) -> list[tuple[datetime, datetime]]:
    """(start_time, timestamp) of every lap message, in order."""
    laps: list[tuple[datetime, datetime]] = []
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "lap":
                laps.append((frame.get_value("start_time"), frame.get_value("timestamp")))
    return laps


@pytest.mark.parametrize("name", FILES)
def test_laps_follow_the_files_lap_times(shared_data: Path, name: str) -> None:
    path = shared_data / "fit" / name
    (session,) = file_sessions(path, AthleteParams(ftp_w=250.0))
    expected = _file_laps(path)
    laps = session["laps"]
    assert len(laps) == len(expected) > 1
    assert [lap["lap"] for lap in laps] == list(range(1, len(laps) + 1))
    for lap, (start, _end) in zip(laps[1:], expected[1:], strict=True):
        assert datetime.fromisoformat(lap["start_ts"]) == start
    for lap, (start, end) in zip(laps[:-1], expected[:-1], strict=True):
        # Our lap runs to the next lap's start; the file's may stop a second before it.
        assert abs(lap["duration_s"] - (end - start).total_seconds()) <= 1
    # The last lap ends with the last record (the file's runs on to the summary's write).
    assert laps[-1]["end_ts"] == session["end_ts"]
    assert sum(lap["duration_s"] for lap in laps) == session["duration_s"]
    assert sum(lap["distance_m"] for lap in laps) == pytest.approx(session["distance_m"], abs=0.01)


def test_edge810_lap_durations(shared_data: Path) -> None:
    path = shared_data / "fit" / FILES[0]
    (session,) = file_sessions(path, AthleteParams(ftp_w=250.0))
    durations = [lap["duration_s"] for lap in session["laps"]]
    assert durations == [1207, 304, 266, 130, 1202, 132, 1203, 256]
    assert all(lap["normalized_power_w"] >= lap["avg_power_w"] for lap in session["laps"])


def test_auto_laps_by_distance_are_five_miles(shared_data: Path) -> None:
    (session,) = file_sessions(shared_data / "fit" / FILES[2], AthleteParams())
    full = session["laps"][:-1]
    assert all(abs(lap["distance_m"] - 8046.72) <= 0.001 * 8046.72 for lap in full)


def test_a_file_with_one_lap_has_one_lap(shared_data: Path) -> None:
    name = "sweatpy__4078723797_edge1000.fit"
    (session,) = file_sessions(shared_data / "fit" / name, AthleteParams())
    (lap,) = session["laps"]
    assert lap["duration_s"] == session["duration_s"]
    assert lap["start_ts"] == session["start_ts"]
    assert timedelta(seconds=lap["duration_s"]) > timedelta(hours=2)
