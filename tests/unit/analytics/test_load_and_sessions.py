"""The performance-management chart against trainerday/cycling-metrics, and session cutting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from fitconnect.analytics.jobs import _first_period
from fitconnect.analytics.load import ewma_step, performance_chart
from fitconnect.analytics.sessions import EVENT_SCHEMA, assign_sessions, empty_events
from tests.unit.analytics.series import after, series

D0 = date(2026, 1, 1)


def test_ctl_after_four_weeks_of_70() -> None:
    chart = performance_chart(D0, [70.0] * 28 + [0.0] * 2)
    assert chart[20].ctl == pytest.approx(27.799, abs=0.001)
    assert chart[29].ctl == pytest.approx(32.733, abs=0.001)
    assert chart[29].tsb == pytest.approx(chart[29].ctl - chart[29].atl)


@pytest.mark.parametrize(
    ("week", "max_ctl", "ctl_20"),
    [
        ([100, 0, 100, 0, 100, 0, 0, 100, 0, 100, 0, 100, 0, 0], 12.567, 10.117),
        ([70, 0, 70, 0, 70, 0, 0, 130, 0, 130, 0, 130, 0, 0], 12.884, 10.372),
    ],
)
def test_ctl_of_one_fortnight_then_rest(week: list[int], max_ctl: float, ctl_20: float) -> None:
    chart = performance_chart(D0, [float(t) for t in week] + [0.0] * (80 - len(week)))
    assert max(d.ctl for d in chart) == pytest.approx(max_ctl, abs=0.001)
    assert chart[20].ctl == pytest.approx(ctl_20, abs=0.001)


def test_single_day_steps() -> None:
    assert round(ewma_step(0.0, 100.0, 42), 1) == 2.4
    assert round(ewma_step(50.0, 0.0, 42), 1) == 48.8
    assert ewma_step(0.0, 70.0, 7) == pytest.approx(10.0)


def _with_device(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(device_id=pl.lit("dev-1"), athlete_id=pl.lit("ath-1"))


def test_gap_longer_than_an_hour_starts_a_new_session() -> None:
    ride = after(series([200] * 60), 3601, series([150] * 60))
    ride = after(ride, 1800, series([150] * 60))
    cut = assign_sessions(_with_device(ride), empty_events())
    starts = cut.group_by("session_start").len().sort("session_start")
    assert starts["len"].to_list() == [60, 120]


def test_explicit_events_win_over_gaps() -> None:
    ride = _with_device(series([200] * 600))
    t0 = ride["ts"].min()
    events = pl.DataFrame(
        {
            "device_id": ["dev-1"] * 2,
            "ts": [t0 - timedelta(seconds=5), t0 + timedelta(seconds=299)],  # type: ignore[operator]
            "kind": ["session_start", "session_stop"],
        },
        schema=EVENT_SCHEMA,
    ).with_columns(athlete_id=pl.lit("ath-1"))
    cut = assign_sessions(ride, events)
    per = cut.group_by("session_start", "explicit").len().sort("session_start")
    # The stop's own second belongs to the explicit session; the rest is split by gaps.
    assert per.rows() == [
        (t0 - timedelta(seconds=5), True, 300),  # type: ignore[operator]
        (t0 + timedelta(seconds=300), False, 300),  # type: ignore[operator]
    ]
    assert cut["session_id"].n_unique() == 2


def test_a_start_event_within_the_first_second_holds_that_seconds_samples() -> None:
    """Samples are fused per second: those of the start event's own second are stamped at the
    whole second, before the event (the simulator's start at .748 split off a 1-s session)."""
    ride = _with_device(series([200] * 60))
    t0 = ride["ts"].min()
    events = pl.DataFrame(
        {
            "device_id": ["dev-1"],
            "ts": [t0 + timedelta(milliseconds=748)],
            "kind": ["session_start"],
        },  # type: ignore[operator]
        schema=EVENT_SCHEMA,
    ).with_columns(athlete_id=pl.lit("ath-1"))
    cut = assign_sessions(ride, events)
    assert cut["session_id"].n_unique() == 1
    assert cut["explicit"].all()


def test_session_names_are_stable_when_data_grows() -> None:
    first = assign_sessions(_with_device(series([200] * 60)), empty_events())
    more = assign_sessions(_with_device(series([200] * 120)), empty_events())
    assert first["session_start"].unique().to_list() == more["session_start"].unique().to_list()
    assert first["session_start"][0] == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def test_leaderboard_bound_covers_week_and_month() -> None:
    # Tuesday 3 March 2026: its week began Monday 2 March, its month on the 1st.
    assert _first_period(datetime(2026, 3, 3, 9, tzinfo=UTC)).date() == date(2026, 3, 1)
    # Wednesday 1 April 2026: its week began Monday 30 March, before the month.
    assert _first_period(datetime(2026, 4, 1, 9, tzinfo=UTC)).date() == date(2026, 3, 30)
