from pathlib import Path

import pytest

from fitconnect.edge_agent.sources.fit_replay import FitActivity, read_activity
from fitconnect.schemas import EventKind


def _activity(shared_data: Path, name: str) -> FitActivity:
    path = shared_data / "fit" / name
    if not path.exists():
        pytest.skip(f"{name} missing")
    activity = read_activity(path)
    assert activity is not None
    return activity


def test_replay_reads_the_records_of_a_real_file(shared_data: Path) -> None:
    records = _activity(shared_data, "fitparse__sample-activity-indoor-trainer.fit").records
    assert len(records) > 1000
    offsets = [r.offset_s for r in records]
    assert offsets[0] == 0
    assert offsets == sorted(offsets)
    assert any("power_w" in r.samples for r in records)
    assert any("heart_rate_bpm" in r.samples for r in records)
    assert all(0 <= r.samples.get("heart_rate_bpm", 60) < 250 for r in records)


def test_replay_marks_the_laps_where_the_file_starts_them(shared_data: Path) -> None:
    activity = _activity(shared_data, "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit")
    laps = activity.lap_starts
    assert laps, "the Edge 810 ride has manual laps"
    assert laps == sorted(laps)
    assert laps[0] > 0
    assert laps[-1] < activity.records[-1].offset_s


def test_replay_pauses_and_resumes_where_the_file_stops_and_starts_its_timer(
    shared_data: Path,
) -> None:
    """The Edge 530 started its timer 45 s before its first record and auto-paused 34 times;
    the timer's running time is the device's total_timer_time (8789.1 s)."""
    timer = _activity(shared_data, "tormoder__bpg_garmin_edge530.fit").timer
    kinds = [t.kind for t in timer]
    assert kinds[0] is EventKind.RESUME
    assert kinds[-1] is EventKind.PAUSE
    assert timer[0].offset_s == -45
    running, since = 0.0, None
    for t in timer:
        if t.kind is EventKind.RESUME and since is None:
            since = t.offset_s
        elif t.kind is EventKind.PAUSE and since is not None:
            running, since = running + t.offset_s - since, None
    assert running == pytest.approx(8789.1, abs=1)
