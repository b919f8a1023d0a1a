"""Every shared FIT file against its device's own summary, at the issue's tolerances.

Our numbers come from the records only; ``fit_truth.json`` holds what the head unit wrote in
its session message. Two device values cannot be reached from any record and are checked
against the values recomputed from the records instead (see ``RECORDS_ONLY``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from fitconnect.analytics.activity import file_sessions
from fitconnect.analytics.params import AthleteParams
from tests.truth_data import SHARED_DATA

TRUTH_FILE = SHARED_DATA / "fit" / "fit_truth.json"

# (file, device key) -> why the device's value is not derivable from the records.
RECORDS_ONLY: dict[tuple[str, str], str] = {
    ("fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit", "max_power"): (
        "Wahoo reports 668 W; the largest power in any record is 648 W"
    ),
    ("tormoder__bpg_garmin_edge530.fit", "avg_power"): (
        "Edge 530 divides the meter's accumulated_power (which runs on during auto-pause) by"
        " timer time; the records' power averages 194.4 W"
    ),
}


def _truth() -> list[dict[str, Any]]:
    if not TRUTH_FILE.is_file():
        return []
    return list(json.loads(TRUTH_FILE.read_text()))


@cache
def _computed(name: str, ftp: float | None) -> dict[str, Any]:
    reports = file_sessions(TRUTH_FILE.with_name(name), AthleteParams(ftp_w=ftp))
    assert len(reports) == 1, "each shared file holds one recorded session"
    return reports[0]


def _expected(entry: dict[str, Any], key: str) -> float | None:
    if (entry["file"], key) in RECORDS_ONLY:
        value = entry["recomputed_from_records"].get(key)
    else:
        value = entry["sessions_device"][0].get(key)
    return None if value is None else float(value)


CHECKS: tuple[tuple[str, str, str, float], ...] = (
    # (our key, device key, kind, tolerance)
    ("avg_power_w", "avg_power", "abs", 1.0),
    ("max_power_w", "max_power", "abs", 1.0),
    ("avg_heart_rate_bpm", "avg_heart_rate", "abs", 1.0),
    ("max_heart_rate_bpm", "max_heart_rate", "abs", 1.0),
    ("intensity_factor", "intensity_factor", "abs", 0.01),
    ("tss", "training_stress_score", "rel", 0.03),
    ("work_kj", "total_work", "rel", 0.01),
)

CASES = [
    pytest.param(entry, ours, device, kind, tol, id=f"{entry['file'][:28]}-{ours}")
    for entry in _truth()
    for ours, device, kind, tol in CHECKS
    if entry["sessions_device"][0].get(device) is not None
]


@pytest.mark.parametrize(("entry", "ours", "device", "kind", "tol"), CASES)
def test_session_metric_matches_device(
    entry: dict[str, Any], ours: str, device: str, kind: str, tol: float
) -> None:
    session = entry["sessions_device"][0]
    got = _computed(entry["file"], session.get("threshold_power"))[ours]
    want = _expected(entry, device)
    assert want is not None
    if device == "total_work":
        want /= 1000.0  # J -> kJ
    assert got is not None, f"{ours} missing"
    if kind == "abs":
        assert abs(got - want) <= tol, f"{ours}: {got} vs device {want}"
    else:
        assert abs(got - want) <= tol * want, f"{ours}: {got} vs device {want}"


NP_CASES = [
    pytest.param(entry, id=entry["file"][:28])
    for entry in _truth()
    if entry["sessions_device"][0].get("normalized_power") is not None
]


@pytest.mark.parametrize("entry", NP_CASES)
def test_normalized_power_matches_device(entry: dict[str, Any]) -> None:
    session = entry["sessions_device"][0]
    paused = entry["recomputed_from_records"]["n_timestamp_gaps_gt1s"] > 0
    tolerance = 0.02 if paused else 0.01
    got = _computed(entry["file"], session.get("threshold_power"))["normalized_power_w"]
    assert abs(got - session["normalized_power"]) <= tolerance * session["normalized_power"]


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["file"][:28]) for e in _truth()])
def test_duration_and_distance_follow_the_records(entry: dict[str, Any]) -> None:
    session = entry["sessions_device"][0]
    got = _computed(entry["file"], session.get("threshold_power"))
    # Elapsed time: first to last record (+ the last second), within a few seconds of the unit.
    assert abs(got["duration_s"] - session["total_elapsed_time"]) <= 50
    assert got["moving_time_s"] <= got["duration_s"]
    # The timer stops in pauses: moving time tracks it within 2 % (smart recording drifts).
    assert abs(got["moving_time_s"] - session["total_timer_time"]) <= 0.02 * got["duration_s"]
    assert abs(got["distance_m"] - session["total_distance"]) <= 5.0


def test_no_ftp_means_no_intensity_or_tss(shared_data: Path) -> None:
    report = file_sessions(
        shared_data / "fit/fitparse__Edge810-Vector-2013-08-16-15-35-10.fit", AthleteParams()
    )[0]
    assert report["normalized_power_w"] == pytest.approx(301.05, abs=0.05)
    assert report["intensity_factor"] is None
    assert report["tss"] is None
    assert report["power_curve_w"]["1"] == 619.0  # the 1-s best is the max power
