"""Moving time is the device's timer: the shared FIT files with pauses against their own
session and lap ``total_timer_time`` (within 1 s)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from fitconnect.analytics.activity import file_sessions
from fitconnect.analytics.params import AthleteParams
from tests.truth_data import SHARED_DATA

PAUSED = (
    "fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit",  # 56 manual and auto pauses
    "fitparse__garmin-edge-500-activity.fit",  # 47 auto-pauses, 10 laps
    "tormoder__bpg_garmin_edge530.fit",  # timer started (and auto-paused) before the records
)


@cache
def _truth() -> dict[str, dict[str, Any]]:
    path = SHARED_DATA / "fit" / "fit_truth.json"
    if not path.is_file():
        pytest.skip(f"no truth data at {path}")
    return {entry["file"]: entry for entry in json.loads(path.read_text())}


@pytest.mark.parametrize("name", PAUSED)
def test_session_moving_time_is_the_timer_time(name: str) -> None:
    (session,) = file_sessions(SHARED_DATA / "fit" / name, AthleteParams())
    device = _truth()[name]["sessions_device"][0]
    assert device["total_timer_time"] < device["total_elapsed_time"]  # it did pause
    assert session["moving_time_s"] == pytest.approx(device["total_timer_time"], abs=1)
    distance = session["distance_m"] / session["moving_time_s"] * 3.6
    assert session["avg_speed_kmh"] == pytest.approx(distance, abs=1e-3)


@pytest.mark.parametrize("name", PAUSED)
def test_lap_moving_time_is_the_timer_time(name: str) -> None:
    (session,) = file_sessions(SHARED_DATA / "fit" / name, AthleteParams())
    device_laps = _truth()[name]["laps_device"]
    laps = session["laps"] or [session]  # a file with one lap has no lap marks
    assert [lap["moving_time_s"] for lap in laps] == [
        pytest.approx(lap["total_timer_time"], abs=1) for lap in device_laps
    ]
    assert sum(lap["moving_time_s"] for lap in laps) == session["moving_time_s"]
