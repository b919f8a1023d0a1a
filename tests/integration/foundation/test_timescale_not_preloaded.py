"""A server with TimescaleDB's files installed but not preloaded (the state right after
installing the package): ``fitconnect db upgrade`` goes on with plain PostgreSQL and says what
to set, instead of dying inside a migration (``CREATE EXTENSION`` there ends the connection)."""

import os
import subprocess
import sys

import psycopg
import pytest

from fitconnect.platform.db import timescale_status

pytestmark = pytest.mark.integration


def test_upgrade_falls_back_to_plain_postgresql_with_a_warning(empty_database_url: str) -> None:
    with psycopg.connect(empty_database_url) as conn:
        status = timescale_status(conn)
    if not status.available or status.preloaded:
        pytest.skip(
            "needs a server that offers TimescaleDB without preloading it (the machine's"
            " PostgreSQL 15 after ../shared/timescaledb/install)"
        )
    env = {**os.environ, "FITCONNECT_DATABASE_URL": empty_database_url}
    done = subprocess.run(
        [sys.executable, "-m", "fitconnect", "db", "upgrade"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "shared_preload_libraries = 'timescaledb'" in done.stderr + done.stdout
    assert "upgraded (empty) ->" in done.stdout
    with psycopg.connect(empty_database_url) as conn:
        after = timescale_status(conn)
        kind = conn.execute(
            "SELECT relkind FROM pg_class WHERE oid = 'telemetry.samples'::regclass"
        ).fetchone()
    assert not after.installed
    assert kind == ("p",)  # daily partitions: the plain-PostgreSQL storage
    assert "not preloaded" in after.describe()
