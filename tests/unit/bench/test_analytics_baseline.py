"""The benchmark's baseline computes the same numbers as the Polars path it is timed against."""

from __future__ import annotations

import polars as pl
import pytest

from fitconnect.analytics.session_rows import compute_sessions
from fitconnect.analytics.sessions import empty_events
from fitconnect.bench.analytics import _owners, plain_python_metrics, synthetic_samples


def test_baseline_agrees_with_polars() -> None:
    samples = synthetic_samples(3, 1800)
    owners, params, ranks = _owners(3)
    fast = compute_sessions(samples, empty_events(), owners, params, ranks).sessions.sort(
        "athlete_id"
    )
    slow = plain_python_metrics(samples)
    assert fast.height == len(slow) == 3
    for row, ref in zip(fast.iter_rows(named=True), slow, strict=True):
        for key in ("avg_power_w", "max_power_w", "normalized_power_w", "work_kj", "trimp"):
            assert row[key] == pytest.approx(ref[key]), key
        assert row["hr_zone_s"] == ref["hr_zone_s"]
        assert row["power_zone_s"] == ref["power_zone_s"]
        assert row["mmp_300s"] == pytest.approx(ref["power_curve_w"][300])
        assert row["mmp_3600s"] is None
        assert 3600 not in ref["power_curve_w"]


def test_synthetic_rides_are_one_session_per_athlete() -> None:
    samples = synthetic_samples(4, 600)
    assert samples.height == 10 * 600  # two athletes with two devices, two with three
    assert samples.get_column("device_id").n_unique() == 10
    owners, params, ranks = _owners(4)
    sessions = compute_sessions(samples, empty_events(), owners, params, ranks).sessions
    assert sessions.height == 4
    assert sorted(sessions.get_column("devices").list.len().to_list()) == [2, 2, 3, 3]
    assert samples.schema["power_w"] == pl.Int32()
