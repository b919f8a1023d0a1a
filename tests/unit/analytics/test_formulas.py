"""Each formula pinned on a small series whose result is worked out by hand."""

from __future__ import annotations

import math

import polars as pl
import pytest

from fitconnect.analytics.params import AthleteParams
from tests.unit.analytics.series import after, metrics, series

FTP = AthleteParams(ftp_w=250.0)


def test_steady_power_gives_np_if_tss_and_work() -> None:
    m = metrics(series([200] * 600), FTP)
    assert m["avg_power_w"] == 200
    assert m["normalized_power_w"] == pytest.approx(200.0)
    assert m["intensity_factor"] == pytest.approx(0.8)
    # (600 s - 29 s of 30-s window warm-up) * NP * IF / (FTP * 3600) * 100
    assert m["tss"] == pytest.approx(571 * 200 * 0.8 / (250 * 3600) * 100)
    assert m["work_kj"] == pytest.approx(120.0)
    assert m["calories_kcal"] == pytest.approx(120.0)  # ~1 kcal per kJ at 24 % efficiency


def test_one_hour_at_ftp_is_about_100_tss() -> None:
    m = metrics(series([250] * 3600), FTP)
    assert m["tss"] == pytest.approx(100 * 3571 / 3600)


def test_np_window_restarts_after_a_pause() -> None:
    ride = after(series([300] * 300), 61, series([100] * 300))
    m = metrics(ride, FTP)
    # Both halves keep 271 full windows; no window mixes 300 W and 100 W.
    assert m["normalized_power_w"] == pytest.approx(((300**4 + 100**4) / 2) ** 0.25)
    assert m["moving_time_s"] == 600
    assert m["duration_s"] == 660  # 300 s, a 60-s stop, 300 s
    assert m["avg_power_w"] == pytest.approx(200.0)


def test_np_without_pause_mixes_the_transition() -> None:
    m = metrics(series([300] * 300 + [100] * 300), FTP)
    rolled = [sum(([300] * 300 + [100] * 300)[i : i + 30]) / 30 for i in range(571)]
    expected = (sum(r**4 for r in rolled) / len(rolled)) ** 0.25
    assert m["normalized_power_w"] == pytest.approx(expected)


def test_short_dropout_is_not_a_pause() -> None:
    ride = after(series([200] * 100), 4, series([200] * 100))
    m = metrics(ride, FTP)
    assert m["moving_time_s"] == m["duration_s"] == 203
    assert m["avg_power_w"] == 200  # the three lost seconds are not zeros in the average


def test_banister_trimp_and_hr_stress() -> None:
    athlete = AthleteParams(hr_max_bpm=180, hr_rest_bpm=60, lthr_bpm=162)
    m = metrics(series(hr=[150] * 600), athlete)
    per_min = 0.75 * 0.64 * math.exp(1.92 * 0.75)
    assert m["trimp"] == pytest.approx(10 * per_min)
    hour_at_lthr = 60 * 0.85 * 0.64 * math.exp(1.92 * 0.85)
    assert m["hr_tss"] == pytest.approx(10 * per_min / hour_at_lthr * 100)
    assert m["stress_score"] == pytest.approx(m["hr_tss"])  # no power: HR-based stress
    female = metrics(series(hr=[150] * 600), AthleteParams(hr_max_bpm=180, sex="female"))
    assert female["trimp"] == pytest.approx(10 * 0.75 * 0.86 * math.exp(1.67 * 0.75))


def test_keytel_calories_without_power() -> None:
    athlete = AthleteParams(hr_max_bpm=190, weight_kg=75, age_years=35)
    m = metrics(series(hr=[150] * 600), athlete)
    per_min = (-55.0969 + 0.6309 * 150 + 0.1988 * 75 + 0.2017 * 35) / 4.184
    assert m["calories_kcal"] == pytest.approx(10 * per_min)
    woman = metrics(series(hr=[150] * 600), AthleteParams(weight_kg=60, age_years=30, sex="female"))
    assert woman["calories_kcal"] == pytest.approx(
        10 * (-20.4022 + 0.4472 * 150 - 0.1263 * 60 + 0.074 * 30) / 4.184
    )


def test_power_zones_follow_coggan() -> None:
    # 40 %, 80 % and 160 % of FTP for a minute each.
    m = metrics(series([100] * 60 + [200] * 60 + [400] * 60), FTP)
    assert m["power_zone_s"] == [60, 0, 60, 0, 0, 0, 60]


def test_heart_rate_zones_by_max_and_by_karvonen() -> None:
    hr = [110] * 60 + [150] * 60 + [190] * 60
    by_max = metrics(series(hr=hr), AthleteParams(hr_max_bpm=200))
    assert by_max["hr_zone_s"] == [60, 0, 60, 0, 60]
    karvonen = AthleteParams(hr_max_bpm=200, hr_rest_bpm=60, hr_zones_karvonen=True)
    # 144 bpm is 60 % of reserve (zone 2) but 72 % of max (zone 3).
    m = metrics(series(hr=[144] * 60), karvonen)
    assert m["hr_zone_s"] == [0, 60, 0, 0, 0]


def test_power_curve_and_best_efforts() -> None:
    m = metrics(series([500] * 10 + [100] * 590), FTP)
    assert m["mmp_1s"] == 500
    assert m["mmp_10s"] == pytest.approx(500)
    assert m["mmp_15s"] == pytest.approx((10 * 500 + 5 * 100) / 15)
    assert m["mmp_60s"] == pytest.approx((10 * 500 + 50 * 100) / 60)
    assert m["mmp_600s"] == pytest.approx((10 * 500 + 590 * 100) / 600)
    assert m["mmp_1200s"] is None  # longer than the ride


def test_power_curve_never_spans_a_pause() -> None:
    ride = after(series([400] * 40), 30, series([400] * 40))
    m = metrics(ride, FTP)
    assert m["mmp_30s"] == pytest.approx(400)
    assert m["mmp_60s"] is None


def test_aerobic_decoupling() -> None:
    # Same power, heart rate drifts from 125 to 150 bpm: EF falls by 1 - 125/150.
    m = metrics(series([200] * 1200, hr=[125] * 600 + [150] * 600), FTP)
    assert m["decoupling_pct"] == pytest.approx((1 - 125 / 150) * 100)


def test_row_order_does_not_matter() -> None:
    ride = after(series([300] * 300, hr=[150] * 300), 61, series([100] * 300, hr=[120] * 300))
    shuffled = ride.sample(fraction=1.0, shuffle=True, seed=7)
    assert metrics(shuffled, FTP) == metrics(ride, FTP)


def test_duplicate_seconds_keep_one_sample() -> None:
    ride = series([200] * 120)
    doubled = ride.vstack(ride.with_columns(power_w=pl.lit(999, pl.Int32)))
    m = metrics(doubled, FTP)
    assert m["moving_time_s"] == 120
    assert m["max_power_w"] == 200  # the first sample of a second wins
    assert m["work_kj"] == pytest.approx(24.0)


def test_fastest_distance_efforts() -> None:
    # 300 s at 10 m/s, then 200 s at 20 m/s: 7 km in all.
    distance = [10.0 * i for i in range(300)] + [3000.0 + 20.0 * i for i in range(200)]
    ride = series([150] * 500).with_columns(distance_m=pl.Series(distance))
    m = metrics(ride, FTP)
    assert m["best_1km_s"] == 50  # all in the fast part
    assert m["best_5km_s"] == 301  # 1980 m (t=198 s) to 6980 m (t=499 s)
    assert m["best_10km_s"] is None
    assert m["distance_m"] == pytest.approx(6980.0)
