"""The psycopg 3 async connection pool every server process shares."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.db.statements import CountingCursor
from fitconnect.settings import DatabaseSettings


async def open_pool(url: str, settings: DatabaseSettings | None = None) -> AsyncConnectionPool:
    """Open a pool on ``url`` and wait until its first connections work.

    Connections are in autocommit mode: a lone read is one round trip, not three (BEGIN,
    query, COMMIT); whatever must be atomic says so with ``async with conn.transaction()``.

    Use it as ``async with await open_pool(url) as pool`` or close it with ``await pool.close()``.
    """
    cfg = settings or DatabaseSettings()
    pool = AsyncConnectionPool(
        url,
        min_size=cfg.pool_min_size,
        max_size=cfg.pool_max_size,
        kwargs={"autocommit": True, "cursor_factory": CountingCursor},
        open=False,
        name="fitconnect",
    )
    await pool.open(wait=True, timeout=cfg.connect_timeout_s)
    return pool
