"""`fitconnect gateway --worker`: the background worker runs on the settings it was given."""

import os
import signal
import subprocess
import sys

import psycopg
import pytest

from tests.keys import SECRET_KEY
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def _connections_of_others(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_the_worker_sizes_its_pool_from_the_environment_settings(database_url: str) -> None:
    env = {
        **os.environ,
        "FITCONNECT_DATABASE_URL": database_url,
        "FITCONNECT_DATABASE__POOL_MIN_SIZE": "3",
        "FITCONNECT_ENVIRONMENT": "test",
        "FITCONNECT_SECRET_KEY": SECRET_KEY,
        "FITCONNECT_LOG_LEVEL": "WARNING",
    }
    env.pop("FITCONNECT_MQTT_URL", None)
    worker = subprocess.Popen([sys.executable, "-m", "fitconnect", "gateway", "--worker"], env=env)
    try:
        wait_until(
            lambda: worker.poll() is not None or _connections_of_others(database_url) >= 3,
            60,
            "the worker's pool opened",
        )
        assert worker.poll() is None, "the worker exited"
        seen = _connections_of_others(database_url)
        # The pool's 3, and at times the upload worker's own short connection of each poll.
        assert seen in {3, 4}, f"the worker holds {seen} connections, its settings say 3"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
