"""``fitconnect-edge replay --keep-time`` into a device registered today: the whole ride is
stored, through the real broker, ingest worker and analytics job, and its session is what
``fitconnect analytics fit`` computes from the file (the Edge 530's moving time from its
timer's pauses and resumes, which the replay publishes as events)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from fitconnect.analytics.activity import file_sessions
from fitconnect.analytics.jobs import run_once
from fitconnect.analytics.params import AthleteParams
from fitconnect.edge_agent.sources.fit_replay import read_activity
from tests.integration.ingest.support import (
    Publisher,
    batch,
    count,
    register_device,
    running_worker,
    wait_for,
    worker_settings,
)

pytestmark = pytest.mark.integration

RIDES = (
    "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit",  # 4,700 records, 8 manual laps
    "tormoder__bpg_garmin_edge530.fit",  # 34 auto-pauses, its timer started before the records
)
COMPARED = (
    "duration_s",
    "moving_time_s",
    "distance_m",
    "avg_power_w",
    "max_power_w",
    "normalized_power_w",
    "work_kj",
    "avg_heart_rate_bpm",
    "max_heart_rate_bpm",
    "avg_cadence_rpm",
)
SAMPLES = "SELECT count(*) FROM telemetry.samples WHERE device_id = %s"
LAP_COMPARED = ("duration_s", "moving_time_s", "distance_m", "avg_power_w", "normalized_power_w")


def _replay(path: Path, mqtt_url: str, device: str, tenant: str, buffer: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "fitconnect.edge_agent",
            "replay",
            str(path),
            "--broker",
            mqtt_url,
            "--tenant",
            tenant,
            "--device",
            device,
            "--keep-time",
            "--speed",
            "0",
            "--buffer-path",
            str(buffer),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "0 still buffered" in done.stdout, done.stdout


@pytest.mark.parametrize("ride", RIDES)
def test_a_kept_time_replay_stores_the_whole_ride_and_its_session_is_the_files(
    shared_data: Path, database_url: str, mqtt_url: str, tmp_path: Path, ride: str
) -> None:
    path = shared_data / "fit" / ride
    activity = read_activity(path)
    assert activity is not None
    device = register_device(database_url, registered_s_ago=60)
    with running_worker(database_url, mqtt_url, worker_settings()):
        _replay(path, mqtt_url, str(device.id), str(device.tenant_id), tmp_path / "b.sqlite")
        wait_for(
            lambda: (
                count(
                    database_url,
                    "SELECT count(*) FROM telemetry.samples WHERE device_id = %s",
                    device.id,
                )
                == len(activity.records)
            ),
            timeout_s=60,
        )
    assert (
        count(
            database_url,
            "SELECT count(*) FROM telemetry.dead_letters WHERE topic LIKE %s",
            f"%{device.id}%",
        )
        == 0
    )
    run_once(database_url)
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        sessions = conn.execute(
            "SELECT * FROM analytics.sessions WHERE athlete_id ="
            " (SELECT athlete_id FROM devices.devices WHERE id = %s)",
            (device.id,),
        ).fetchall()
        laps = conn.execute(
            "SELECT * FROM analytics.laps WHERE session_id = %s ORDER BY lap",
            (sessions[0]["id"],),
        ).fetchall()
    (expected,) = file_sessions(path, AthleteParams())
    assert len(sessions) == 1
    stored = sessions[0]
    assert stored["first_sample_ts"] == activity.start
    assert {k: pytest.approx(stored[k], abs=1e-3) for k in COMPARED} == {
        k: expected[k] for k in COMPARED
    }
    assert len(laps) == len(expected["laps"]) == len(activity.lap_starts) + 1
    for lap, want in zip(laps, expected["laps"], strict=True):
        assert {k: pytest.approx(lap[k], abs=1e-3) for k in LAP_COMPARED} == {
            k: want[k] for k in LAP_COMPARED
        }


def test_a_ride_imported_after_live_ones_is_computed_too(
    shared_data: Path, database_url: str, mqtt_url: str, tmp_path: Path
) -> None:
    """The analytics job has computed the device's live session of today; a ride of 2013
    imported later (older than everything computed) still becomes a session: its timer
    events tell the job that the device's history changed."""
    path = shared_data / "fit" / RIDES[0]
    device = register_device(database_url, registered_s_ago=3600)
    today = batch(device, 1, start_ms=int(time.time() * 1000) - 600_000, n=600)
    with running_worker(database_url, mqtt_url, worker_settings()):
        publisher = Publisher(mqtt_url)
        publisher.send_batch(device, today)
        publisher.close()
        wait_for(lambda: count(database_url, SAMPLES, device.id) == 600)
        run_once(database_url)
        _replay(path, mqtt_url, str(device.id), str(device.tenant_id), tmp_path / "b.sqlite")
        wait_for(lambda: count(database_url, SAMPLES, device.id) == 600 + 4700, timeout_s=60)
    run_once(database_url)
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        starts = conn.execute(
            "SELECT first_sample_ts, moving_time_s FROM analytics.sessions WHERE athlete_id ="
            " (SELECT athlete_id FROM devices.devices WHERE id = %s) ORDER BY start_ts",
            (device.id,),
        ).fetchall()
    (expected,) = file_sessions(path, AthleteParams())
    assert [s["first_sample_ts"].year for s in starts] == [2013, datetime.now(UTC).year]
    assert starts[0]["moving_time_s"] == expected["moving_time_s"]
