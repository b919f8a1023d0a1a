"""Moving time from timer events (a device's pause/resume), on small hand-checked rides."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from fitconnect.analytics.laps import LAP_EVENT, lap_metrics
from fitconnect.analytics.metrics import session_metrics
from fitconnect.analytics.params import AthleteParams, params_frame
from fitconnect.analytics.sessions import EVENT_SCHEMA, assign_sessions
from fitconnect.analytics.timer import PAUSE_EVENT, RESUME_EVENT, session_timer
from tests.unit.analytics.series import T0, after, series

DEVICE = "dev-1"
ATHLETE = "ath-1"


def _at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def _events(*marks: tuple[float, str], athlete: str = ATHLETE) -> pl.DataFrame:
    return pl.DataFrame(
        {"device_id": DEVICE, "ts": [_at(s) for s, _ in marks], "kind": [k for _, k in marks]},
        schema=EVENT_SCHEMA,
    ).with_columns(athlete_id=pl.lit(athlete))


def _cut(ride: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    return assign_sessions(
        ride.with_columns(device_id=pl.lit(DEVICE), athlete_id=pl.lit(ATHLETE)), events
    )


def _moving(ride: pl.DataFrame, events: pl.DataFrame) -> list[int]:
    cut = _cut(ride, events)
    ids = cut.get_column("session_id").unique().to_list()
    metrics = session_metrics(
        cut, params_frame(dict.fromkeys(ids, AthleteParams())), timer=session_timer(cut, events)
    )
    return metrics.sort("session_id").get_column("moving_time_s").to_list()


def test_a_watch_recording_through_a_pause_does_not_count_it() -> None:
    """600 s of samples without a gap; the timer paused from 200.5 s to 290.5 s."""
    ride = series([200] * 600)
    assert _moving(ride, _events()) == [600]
    assert _moving(ride, _events((200.5, PAUSE_EVENT), (290.5, RESUME_EVENT))) == [510]


def test_the_timer_runs_from_its_first_resume_and_stops_at_its_last_pause() -> None:
    """Started 45 s before the first sample, stopped 4 s after the last second."""
    ride = series([200] * 300)
    events = _events(
        (-45, RESUME_EVENT), (100, PAUSE_EVENT), (130, RESUME_EVENT), (304, PAUSE_EVENT)
    )
    assert _moving(ride, events) == [45 + 100 + 174]


def test_timer_events_far_from_a_session_or_of_another_athlete_are_not_its() -> None:
    ride = after(series([200] * 300), 7200, series([200] * 300))
    events = pl.concat(
        [
            _events((150, PAUSE_EVENT), (160, RESUME_EVENT)),  # the first ride's
            _events((2000, PAUSE_EVENT), (3000, RESUME_EVENT)),  # in the silence between
            _events((7700, PAUSE_EVENT), (7800, RESUME_EVENT), athlete="ath-2"),
        ]
    )
    assert _moving(ride, events) == [290, 300]


def test_lap_moving_times_split_the_session_timer() -> None:
    ride = series([200] * 600)
    events = pl.concat(
        [
            _events((-30, RESUME_EVENT), (250, PAUSE_EVENT), (310, RESUME_EVENT)),
            _events((300, LAP_EVENT)),
        ]
    )
    cut = _cut(ride, events)
    laps = lap_metrics(cut, events).sort("lap")
    assert laps.get_column("moving_time_s").to_list() == [30 + 250, 600 - 310]
    assert laps.get_column("duration_s").to_list() == [300, 300]


def test_events_at_the_same_instant_count_in_their_order() -> None:
    """A stop and a start in one second: paused for under a second (the timer runs on), or
    started and at once auto-paused (it stays stopped until the next start)."""
    ride = series([200] * 300)
    blip = _events((0, RESUME_EVENT), (100, PAUSE_EVENT), (100, RESUME_EVENT), (300, PAUSE_EVENT))
    assert _moving(ride, blip) == [300]
    held = _events((0, RESUME_EVENT), (100, RESUME_EVENT), (100, PAUSE_EVENT), (200, RESUME_EVENT))
    assert _moving(ride, held) == [200]
