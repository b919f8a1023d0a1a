"""Pytest plugin: a real PostgreSQL, and a fresh migrated database per test module.

The server is ``FITCONNECT_TEST_DATABASE_URL`` when set (CI points it at the machine's
PostgreSQL); else, with ``FITCONNECT_TEST_TIMESCALEDB=1``, a PostgreSQL 15 cluster of the
session's own with TimescaleDB preloaded and its scheduler on (``tests/timescaledb_server.py``);
else the embedded PostgreSQL in a temporary folder. Migrations run once into a template
database; each module gets ``CREATE DATABASE … TEMPLATE`` (a file copy, milliseconds).

TimescaleDB's scheduler connects to every database that allows connections, and ``CREATE
DATABASE … TEMPLATE`` restarts the template's scheduler (its loader's hook), whose new
connection then makes the copy fail (``source database … is being accessed by other users``).
So the migrated template stops its scheduler and refuses connections: PostgreSQL still copies
it, the hook leaves it alone, and each copy gets a scheduler of its own from the launcher.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.db import open_pool, upgrade
from fitconnect.platform.db.urls import with_database
from fitconnect.runtime.embedded_postgres import EmbeddedPostgres
from fitconnect.settings import DatabaseSettings
from tests import timescaledb_server
from tests.waiting import wait_until


@pytest.fixture(scope="session")
def pg_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a PostgreSQL server's maintenance database (``postgres``)."""
    configured = os.environ.get("FITCONNECT_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    if os.environ.get("FITCONNECT_TEST_TIMESCALEDB") == "1":
        with timescaledb_server.TimescaleServer.start() as tsdb:
            yield tsdb.url
        return
    root = tmp_path_factory.mktemp("embedded-pg")
    with EmbeddedPostgres.start(Path(root) / "data") as server:
        yield server.url


def _admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, autocommit=True)


@pytest.fixture(scope="session")
def pg_template(pg_server_url: str) -> Iterator[str]:
    """Name of a template database holding every migration."""
    name = f"fc_tmpl_{uuid.uuid4().hex[:10]}"
    with _admin(pg_server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    upgrade(with_database(pg_server_url, name))
    _seal_template(pg_server_url, name)
    yield name
    with _admin(pg_server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seal_template(server_url: str, name: str) -> None:
    """No connection on the template, ever again: TimescaleDB's scheduler stopped for good."""
    with _admin(with_database(server_url, name)) as conn:
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'").fetchone():
            conn.execute("SELECT _timescaledb_functions.stop_background_workers()")
    with _admin(server_url) as conn:
        conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        wait_until(
            lambda: (
                not conn.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = %s", (name,)
                ).fetchone()
            ),
            30,
            f"every connection to the template {name} closed",
        )


@pytest.fixture(scope="module")
def database_url(pg_server_url: str, pg_template: str) -> Iterator[str]:
    """A fresh, migrated database for this test module; dropped afterwards."""
    name = f"fc_test_{uuid.uuid4().hex[:10]}"
    with _admin(pg_server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield with_database(pg_server_url, name)
    with _admin(pg_server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database_url(pg_server_url: str) -> Iterator[str]:
    """A database with nothing in it (for migration tests)."""
    name = f"fc_empty_{uuid.uuid4().hex[:10]}"
    with _admin(pg_server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield with_database(pg_server_url, name)
    with _admin(pg_server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[AsyncConnectionPool]:
    """An async pool on the module's database."""
    p = await open_pool(database_url, DatabaseSettings())
    try:
        yield p
    finally:
        await p.close()
