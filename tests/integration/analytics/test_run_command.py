"""``fitconnect analytics run`` as a process against the real PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from fitconnect.runtime.ports import free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FITCONNECT_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "fitconnect", "analytics", "run", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _seed(database_url: str, hours_ago: int) -> str:
    """A heart-rate strap's 15-minute session; returns the athlete id."""
    device, athlete, tenant = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours_ago)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 3)", (start.date(),))
        conn.execute(
            "INSERT INTO users.tenants (id, slug, name) VALUES (%s, %s, 'run')",
            (tenant, f"t-{tenant[:8]}"),
        )
        conn.execute(
            "INSERT INTO users.accounts (id, tenant_id, email, password_hash, role, display_name)"
            " VALUES (%s, %s, %s, 'x', 'athlete', 'runner')",
            (athlete, tenant, f"{athlete}@example.com"),
        )
        conn.execute(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash) VALUES (%s, %s, %s, 'hr strap', 'hrs', %s, 'x')",
            (device, tenant, athlete, f"dev-{device}"),
        )
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm) FROM STDIN"
        ) as copy:
            for i in range(900):
                copy.write_row((device, start + timedelta(seconds=i), 120 + i % 20))
    return athlete


def test_run_computes_then_has_nothing_to_do(database_url: str) -> None:
    athlete = _seed(database_url, hours_ago=3)
    first = _run(database_url)
    assert first.returncode == 0, first.stderr
    assert "1 devices, 900 samples, 1 sessions, 1 athletes" in first.stdout
    second = _run(database_url)
    assert second.returncode == 0, second.stderr
    assert "0 devices" in second.stdout
    assert "0 rows written" in second.stdout
    other = _run(database_url, "--since", "2020-01-01", "--athlete", str(uuid.uuid4()))
    assert other.returncode == 2  # an athlete without an account is a usage error
    assert "no account" in other.stderr
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT moving_time_s, avg_heart_rate_bpm, tss, calories_kcal > 0"
            " FROM analytics.sessions WHERE athlete_id = %s",
            (athlete,),
        ).fetchone()
    assert row == (900, pytest.approx(129.5), None, True)


def test_params_then_recompute_since(database_url: str) -> None:
    """Setting a heart-rate maximum (the athlete's profile) makes the next run recompute the
    past sessions with it: they get their TRIMP."""
    athlete = _seed(database_url, hours_ago=6)
    assert _run(database_url).returncode == 0
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT trimp FROM analytics.sessions WHERE athlete_id = %s", (athlete,)
        ).fetchone()
    assert row == (None,)  # no maximum heart rate known yet
    env = {**os.environ, "FITCONNECT_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "fitconnect", "analytics", "params", athlete, "--hr-max", "180"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    again = _run(database_url)
    assert "1 devices" in again.stdout
    with psycopg.connect(database_url) as conn:
        trimp, zones = conn.execute(
            "SELECT trimp, hr_zone_s FROM analytics.sessions WHERE athlete_id = %s", (athlete,)
        ).fetchone() or (None, None)
    assert trimp is not None
    assert trimp > 0
    assert sum(zones) == 900


def _sessions(database_url: str, athlete: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM analytics.sessions WHERE athlete_id = %s", (athlete,)
        ).fetchone()
    return int(row[0]) if row else 0


def test_the_scheduler_up_starts_picks_up_new_data_until_stopped(database_url: str) -> None:
    """``fitconnect analytics run --every N`` (the scheduler ``fitconnect up`` starts) computes
    what is there, then what arrives later, by itself; SIGTERM ends it cleanly."""
    first = _seed(database_url, hours_ago=9)
    env = {
        **os.environ,
        "FITCONNECT_DATABASE_URL": database_url,
        "FITCONNECT_ANALYTICS_METRICS_PORT": str(free_port()),
    }
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "fitconnect", "analytics", "run", "--every", "1"], env=env
    )
    try:
        wait_until(lambda: _sessions(database_url, first) == 1, 60, "the first pass")
        later = _seed(database_url, hours_ago=5)  # arrives while the scheduler runs
        wait_until(lambda: _sessions(database_url, later) == 1, 60, "a later pass")
        assert scheduler.poll() is None
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(30)
    assert scheduler.returncode == 0
    assert _sessions(database_url, first) == 1
