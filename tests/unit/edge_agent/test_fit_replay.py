from pathlib import Path

import pytest

from fitconnect.edge_agent.sources.fit_replay import fit_records


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
