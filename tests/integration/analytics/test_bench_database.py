"""``fitconnect bench analytics --database`` reports each new session's run beside the full
recompute of the same run, with the CPU and the machine's load it ran under."""

from __future__ import annotations

import statistics
import sys

import pytest

from fitconnect.bench.analytics_db import NEW_SESSIONS, run_database_bench

pytestmark = pytest.mark.integration


def test_the_new_sessions_are_reported_against_the_full_recompute(pg_server_url: str) -> None:
    result = run_database_bench(pg_server_url, athletes=3, hours=0.05)
    assert result.samples == (2 + 3 + 2) * 180
    assert len(result.incremental_runs_s) == NEW_SESSIONS
    assert result.incremental_s == statistics.median_low(result.incremental_runs_s)
    assert result.incremental_ratio == pytest.approx(
        result.incremental_s / result.full_recompute_s, rel=0.02
    )
    assert result.full_recompute_cpu_s >= 0
    assert result.incremental_cpu_s >= 0
    if sys.platform == "linux":
        assert len(result.load_average) == 6
