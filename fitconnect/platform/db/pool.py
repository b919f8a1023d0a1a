"""The psycopg 3 async connection pool every server process shares."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.db.statements import CountingCursor
from fitconnect.settings import DatabaseSettings


async def open_pool(url: str, settings: DatabaseSettings) -> AsyncConnectionPool:
    """Open a pool on ``url`` and wait until its first connections work.

    Connections are in autocommit mode: a lone read is one round trip, not three (BEGIN,
    query, COMMIT); whatever must be atomic says so with ``async with conn.transaction()``.

    ``settings`` are the process's (``Settings().database``): the pool never reads the
    environment itself, so every process sizes its pool from the settings it was given.
    Use it as ``async with await open_pool(url, settings) as pool`` or close it with
    ``await pool.close()``.
    """
    pool = AsyncConnectionPool(
        url,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        kwargs={"autocommit": True, "cursor_factory": CountingCursor},
        open=False,
        name="fitconnect",
    )
    await pool.open(wait=True, timeout=settings.connect_timeout_s)
    return pool
