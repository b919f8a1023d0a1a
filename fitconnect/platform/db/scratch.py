"""A throwaway, migrated database on a server, dropped afterwards (the benchmarks use it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from fitconnect.platform.db.migrations_runner import upgrade
from fitconnect.platform.db.urls import with_database


@contextmanager
def scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    """Create ``<prefix>_<random>`` on ``server_url``, migrate it, yield its URL, drop it."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = with_database(server_url, name)
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
