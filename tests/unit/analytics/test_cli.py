"""The analytics commands as a user runs them (real processes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EDGE_810 = "fit/fitparse__Edge810-Vector-2013-08-16-15-35-10.fit"
REQUIRED = (
    "avg_power_w",
    "max_power_w",
    "normalized_power_w",
    "intensity_factor",
    "tss",
    "work_kj",
    "avg_heart_rate_bpm",
    "max_heart_rate_bpm",
    "duration_s",
    "moving_time_s",
    "distance_m",
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fitconnect", *args], capture_output=True, text=True, check=False
    )


def test_fit_json_prints_one_object_per_session(shared_data: Path) -> None:
    result = _run("analytics", "fit", str(shared_data / EDGE_810), "--ftp", "315", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    session = json.loads(lines[0])
    assert all(session[k] is not None for k in REQUIRED)
    assert session["normalized_power_w"] == pytest.approx(301, abs=1)
    assert session["intensity_factor"] == pytest.approx(0.956, abs=0.01)
    assert session["max_power_w"] == 619
    assert session["power_curve_w"]["1"] == 619
    assert set(session["power_zone_s"]) == {f"z{i}" for i in range(1, 8)}
    assert [lap["lap"] for lap in session["laps"]] == list(range(1, 9))
    first = session["laps"][0]
    assert first["start_ts"] == session["start_ts"]
    assert all(first[k] is not None for k in ("duration_s", "distance_m", "normalized_power_w"))


def test_fit_human_output(shared_data: Path) -> None:
    result = _run("analytics", "fit", str(shared_data / EDGE_810), "--hr-max", "190")
    assert result.returncode == 0, result.stderr
    assert "normalized power" in result.stdout
    assert "TRIMP" in result.stdout
    assert "\n  TSS " not in result.stdout  # no FTP given: no TSS invented (hrTSS only)
    assert "  lap 8 " in result.stdout


def test_unreadable_file_is_a_readable_error(tmp_path: Path) -> None:
    bogus = tmp_path / "ride.fit"
    bogus.write_bytes(b"this is not a FIT file at all" * 10)
    result = _run("analytics", "fit", str(bogus))
    assert result.returncode == 2
    assert "cannot read as FIT" in result.stderr
    assert "Traceback" not in result.stderr


def test_bench_json_reports_the_figures() -> None:
    result = _run("bench", "analytics", "--athletes", "3", "--hours", "0.05", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["samples"] == (2 + 3 + 2) * 180  # each athlete rides with 2 or 3 devices
    for key in ("full_recompute_s", "incremental_s", "baseline_s"):
        assert figures[key] > 0
