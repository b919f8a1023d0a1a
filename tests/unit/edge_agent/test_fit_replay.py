from pathlib import Path

import pytest

from fitconnect.edge_agent.sources.fit_replay import fit_lap_starts, fit_records


def test_replay_reads_the_records_of_a_real_file(shared_data: Path) -> None:
    path = shared_data / "fit" / "fitparse__sample-activity-indoor-trainer.fit"
    if not path.exists():
        pytest.skip("sample file missing")
    records = list(fit_records(path))
    assert len(records) > 1000
    offsets = [r.offset_s for r in records]
    assert offsets[0] == 0
    assert offsets == sorted(offsets)
    assert any("power_w" in r.samples for r in records)
    assert any("heart_rate_bpm" in r.samples for r in records)
    assert all(0 <= r.samples.get("heart_rate_bpm", 60) < 250 for r in records)


def test_replay_marks_the_laps_where_the_file_starts_them(shared_data: Path) -> None:
    path = shared_data / "fit" / "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit"
    if not path.exists():
        pytest.skip("sample file missing")
    records = list(fit_records(path))
    laps = fit_lap_starts(path)
    assert laps, "the Edge 810 ride has manual laps"
    assert laps == sorted(laps)
    assert laps[0] > 0
    assert laps[-1] < records[-1].offset_s
