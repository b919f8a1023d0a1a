"""Laps from explicit marks, on small hand-checked series."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import polars as pl
import pytest

from fitconnect.analytics.laps import LAP_EVENT, lap_metrics
from fitconnect.analytics.sessions import EVENT_SCHEMA, assign_sessions
from tests.unit.analytics.series import T0, after, series

DEVICE = "dev-1"


def _marks(*at: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        {"device_id": DEVICE, "ts": list(at), "kind": LAP_EVENT}, schema=EVENT_SCHEMA
    ).with_columns(athlete_id=pl.lit("ath-1"))


def _laps(ride: pl.DataFrame, marks: pl.DataFrame) -> list[dict[str, Any]]:
    cut = assign_sessions(
        ride.with_columns(device_id=pl.lit(DEVICE), athlete_id=pl.lit("ath-1")), marks
    )
    return lap_metrics(cut, marks).sort("session_id", "lap").to_dicts()


def _two_efforts() -> pl.DataFrame:
    """120 s at 100 W, 120 bpm, 80 rpm; then 120 s at 300 W, 150 bpm, 0 rpm for 60 s then 90.

    Distance grows 10 m a second throughout (0 m at the first sample).
    """
    ride = series([100] * 120 + [300] * 120, [120] * 120 + [150] * 120)
    return ride.with_columns(
        cadence_rpm=pl.Series([80.0] * 120 + [0.0] * 60 + [90.0] * 60),
        distance_m=pl.Series([10.0 * i for i in range(240)]),
    )


def test_a_mark_splits_the_session_into_two_laps() -> None:
    easy, hard = _laps(_two_efforts(), _marks(T0 + timedelta(seconds=120)))
    assert (easy["lap"], hard["lap"]) == (1, 2)
    assert easy["start_ts"] == T0
    assert easy["end_ts"] == T0 + timedelta(seconds=119)
    assert hard["start_ts"] == T0 + timedelta(seconds=120)
    assert hard["end_ts"] == T0 + timedelta(seconds=239)
    assert (easy["duration_s"], hard["duration_s"]) == (120, 120)
    assert (easy["moving_time_s"], hard["moving_time_s"]) == (120, 120)
    # Each lap runs to the next lap's first distance: together they make the session's 2390 m.
    assert easy["distance_m"] == pytest.approx(1200.0)
    assert hard["distance_m"] == pytest.approx(1190.0)
    assert (easy["avg_power_w"], easy["max_power_w"]) == (100.0, 100.0)
    assert (hard["avg_power_w"], hard["max_power_w"]) == (300.0, 300.0)
    # NP restarts its 30-s window at the lap: no window of lap 2 holds a 100-W second.
    assert easy["normalized_power_w"] == pytest.approx(100.0)
    assert hard["normalized_power_w"] == pytest.approx(300.0)
    assert (easy["avg_heart_rate_bpm"], hard["max_heart_rate_bpm"]) == (120.0, 150.0)
    assert easy["avg_cadence_rpm"] == pytest.approx(80.0)
    assert hard["avg_cadence_rpm"] == pytest.approx(90.0)  # zeros are not pedalling


def test_np_of_a_lap_shorter_than_the_window_is_empty() -> None:
    laps = _laps(_two_efforts(), _marks(T0 + timedelta(seconds=220)))
    assert [lap["duration_s"] for lap in laps] == [220, 20]
    assert laps[1]["normalized_power_w"] is None
    assert laps[1]["avg_power_w"] == 300.0


def test_without_marks_there_are_no_laps() -> None:
    assert _laps(_two_efforts(), _marks()) == []


def test_marks_outside_the_session_are_ignored() -> None:
    before, beyond = T0 - timedelta(seconds=5), T0 + timedelta(seconds=600)
    assert _laps(_two_efforts(), _marks(before, beyond)) == []


def test_a_mark_on_the_first_second_gives_one_lap() -> None:
    (lap,) = _laps(_two_efforts(), _marks(T0))
    assert (lap["lap"], lap["duration_s"], lap["distance_m"]) == (1, 240, 2390.0)


def test_a_pause_stays_inside_its_lap() -> None:
    # 60 s, a 30-s pause, 60 s; the lap mark at the second block's first second.
    ride = after(series([200] * 60), 31, series([200] * 60))
    second_block = T0 + timedelta(seconds=90)
    first, second = _laps(ride, _marks(second_block))
    assert (first["duration_s"], first["moving_time_s"]) == (90, 60)
    assert (second["start_ts"], second["duration_s"], second["moving_time_s"]) == (
        second_block,
        60,
        60,
    )


def test_marks_go_to_the_session_they_fall_in() -> None:
    # Two sessions (more than an hour apart); the mark is inside the second one only.
    ride = after(series([150] * 100), 7200, series([250] * 100))
    second_start = T0 + timedelta(seconds=99 + 7200)
    laps = _laps(ride, _marks(second_start + timedelta(seconds=40, milliseconds=700)))
    assert [(lap["start_ts"], lap["duration_s"]) for lap in laps] == [
        (second_start, 40),  # the mark's fraction of a second is cut, as on the grid
        (second_start + timedelta(seconds=40), 60),
    ]
    assert {lap["avg_power_w"] for lap in laps} == {250.0}
