"""Gamification awards on constructed histories, exact to the session."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
import pytest

from fitconnect.analytics.daily import daily_load, weekly_volume
from fitconnect.analytics.gamification.challenges import Challenge, challenge_progress
from fitconnect.analytics.gamification.leaderboards import leaderboard
from fitconnect.analytics.gamification.levels import level_for, xp_for_level
from fitconnect.analytics.gamification.progress import AthleteGame, athlete_games, with_xp
from fitconnect.analytics.plausibility import mark_plausible
from fitconnect.analytics.records import ftp_estimates, personal_records, record_events

DAY0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday


def ride(day: int, athlete: str = "a1", **values: Any) -> dict[str, Any]:
    """One hour, 30 km, TSS 50 on day ``day`` after DAY0 unless overridden."""
    row: dict[str, Any] = {
        "tenant_id": "t1",
        "athlete_id": athlete,
        "device_id": f"dev-{athlete}",
        "start_ts": DAY0 + timedelta(days=day),
        "moving_time_s": 3600,
        "distance_m": 30_000.0,
        "stress_score": 50.0,
        "work_kj": 700.0,
        "max_power_w": 600.0,
        "mmp_5s": 550.0,
        "mmp_300s": None,
        "mmp_1200s": None,
        "mmp_3600s": None,
    }
    row.update(values)
    return row


def sessions(rows: list[dict[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col(c).cast(pl.Float64) for c in ("mmp_300s", "mmp_1200s", "mmp_3600s")
    )
    return with_xp(mark_plausible(frame))


def game(rows: list[dict[str, Any]], as_of: date) -> AthleteGame:
    (one,) = athlete_games(sessions(rows), as_of)
    return one


def badge_days(g: AthleteGame) -> dict[str, int]:
    return {a.badge_id: (a.at - DAY0).days for a in g.awards}


def test_ten_day_streak() -> None:
    g = game([ride(d) for d in range(10)], as_of=(DAY0 + timedelta(days=9)).date())
    assert (g.daily.current, g.daily.longest) == (10, 10)
    assert (g.weekly.current, g.weekly.longest) == (2, 2)
    days = badge_days(g)
    assert days["first-workout"] == 0
    assert days["streak-3"] == 2
    assert days["streak-7"] == 6
    assert days["streak-10"] == 9
    assert "streak-30" not in days
    assert days["distance-100k"] == 3  # 4 x 30 km
    assert days["time-10h"] == 9
    assert days["sessions-10"] == 9
    assert g.xp == 10 * (60 + 50)
    assert g.level == 5  # 1,000 XP reached, 1,500 not


def test_broken_streak() -> None:
    days = [0, 1, 2, 3, 5, 6, 7]
    g = game([ride(d) for d in days], as_of=(DAY0 + timedelta(days=7)).date())
    assert (g.daily.current, g.daily.longest) == (3, 4)
    assert "streak-3" in badge_days(g)
    assert "streak-7" not in badge_days(g)
    later = game([ride(d) for d in days], as_of=(DAY0 + timedelta(days=9)).date())
    assert later.daily.current == 0  # day 8 was missed
    assert later.daily.longest == 4


def test_personal_record_and_ftp_rise() -> None:
    rows = [
        ride(0, mmp_300s=250.0, mmp_1200s=220.0),
        ride(2, mmp_300s=240.0, mmp_1200s=210.0),
        ride(4, mmp_300s=280.0, mmp_1200s=240.0, distance_m=50_000.0),
    ]
    frame = sessions(rows)
    events = record_events(frame).filter(pl.col("metric") == "mmp_300s")
    assert events["value"].to_list() == [250.0, 280.0]
    assert events["previous"].to_list() == [None, 250.0]
    best = personal_records(frame).filter(pl.col("metric").is_in(["mmp_300s", "distance_m"]))
    assert best.sort("metric")["value"].to_list() == [50_000.0, 280.0]
    ftp = ftp_estimates(frame)
    assert ftp["ftp_estimate_w"].to_list() == pytest.approx([209.0, 209.0, 228.0])
    assert ftp["rose"].to_list() == [False, False, True]
    days = badge_days(game(rows, as_of=date(2026, 3, 6)))
    assert days["first-pr"] == 4
    assert days["ftp-up"] == 4


def test_three_thousand_watt_hour_earns_nothing() -> None:
    fake = ride(1, max_power_w=3100.0, mmp_1200s=3000.0, mmp_3600s=3000.0, stress_score=1400.0)
    frame = sessions([ride(0, mmp_1200s=200.0), fake])
    assert frame["plausible"].to_list() == [True, False]
    assert frame["xp"].to_list() == [110, 0]
    assert record_events(frame).filter(pl.col("start_ts") == fake["start_ts"]).is_empty()
    g = game([ride(0, mmp_1200s=200.0), fake], as_of=date(2026, 3, 3))
    assert g.xp == 110
    assert "ftp-up" not in badge_days(g)
    board = leaderboard(frame, "week", "xp")
    assert board["value"].to_list() == [110.0]


def test_levels() -> None:
    assert [xp_for_level(n) for n in (1, 2, 3, 4)] == [0, 100, 300, 600]
    assert [level_for(x) for x in (0, 99, 100, 299, 300, 1499, 1500)] == [1, 1, 2, 2, 3, 5, 6]


def test_performance_chart_per_athlete_and_weekly_volume() -> None:
    frame = sessions([ride(0, stress_score=100.0), ride(0, stress_score=20.0), ride(8)])
    chart = daily_load(frame, through=date(2026, 3, 12))
    assert chart.height == 11
    first = chart.row(0, named=True)
    assert first["tss"] == 120.0
    assert first["ctl"] == pytest.approx(120 / 42)
    assert first["atl"] == pytest.approx(120 / 7)
    assert chart["tss"].to_list()[8] == 50.0
    assert chart["tsb"].to_list()[-1] == pytest.approx(chart["ctl"][-1] - chart["atl"][-1])
    weeks = weekly_volume(frame)
    assert weeks["week_start"].to_list() == [date(2026, 3, 2), date(2026, 3, 9)]
    assert weeks["sessions"].to_list() == [2, 1]
    assert weeks["distance_m"].to_list() == [60_000.0, 30_000.0]


def test_challenge_completes_at_the_crossing_session() -> None:
    march = Challenge(
        "march-100k", "100 km in March", "distance_m", 100_000, DAY0, DAY0 + timedelta(days=30)
    )
    rows = [ride(d, distance_m=40_000.0) for d in (0, 1, 2)] + [ride(0, "a2")]
    progress = challenge_progress(sessions(rows), march).sort("athlete_id")
    assert progress["value"].to_list() == [120_000.0, 30_000.0]
    assert progress["completed_at"].to_list() == [DAY0 + timedelta(days=2), None]


def test_session_count_challenge_for_one_tenant() -> None:
    three = Challenge(
        "three", "Three rides", "sessions", 3, DAY0, DAY0 + timedelta(days=7), tenant_id="t1"
    )
    rows = [ride(d) for d in (0, 2, 4, 5)] + [ride(0, "a2"), ride(1, "a3") | {"tenant_id": "t2"}]
    progress = challenge_progress(sessions(rows), three).sort("athlete_id")
    assert progress.select("athlete_id", "value", "completed_at").rows() == [
        ("a1", 4.0, DAY0 + timedelta(days=4)),
        ("a2", 1.0, None),
    ]


def test_leaderboards_weekly_monthly_and_among_followed() -> None:
    rows = [ride(0, "a1"), ride(1, "a1"), ride(0, "a2", distance_m=60_000.0), ride(7, "a3")]
    frame = sessions(rows)
    week = leaderboard(frame, "week", "distance_m")
    first_week = week.filter(pl.col("period_start") == date(2026, 3, 2))
    assert first_week.select("athlete_id", "value", "rank").rows() == [
        ("a1", 60_000.0, 1),
        ("a2", 60_000.0, 1),
    ]
    month = leaderboard(frame, "month", "moving_time_s")
    assert month.select("athlete_id", "rank").rows() == [("a1", 1), ("a2", 2), ("a3", 2)]
    followed = leaderboard(frame, "month", "xp", among={"a2", "a3"})
    assert set(followed["athlete_id"]) == {"a2", "a3"}
