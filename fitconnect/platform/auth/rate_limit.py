"""Failed-login limiting per account and per address: a sliding window kept in PostgreSQL,
so every gateway process (``--workers N``, several machines) enforces the same limit."""

from __future__ import annotations

from datetime import timedelta

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.errors import RateLimitedError


class LoginLimiter:
    """At most ``max_failures`` failed logins per key within ``window_s``."""

    def __init__(
        self, pool: AsyncConnectionPool, max_failures: int = 5, window_s: float = 300.0
    ) -> None:
        self._pool = pool
        self._max = max_failures
        self._window = timedelta(seconds=window_s)

    async def check(self, *keys: str) -> None:
        """``RateLimitedError`` (with the seconds to wait) when a key is over the limit."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT extract(epoch FROM min(at) + %s - now())::float"
                " FROM (SELECT key, at, row_number() OVER (PARTITION BY key ORDER BY at DESC) AS n"
                "       FROM users.login_failures WHERE key = ANY(%s) AND at > now() - %s) AS f"
                " WHERE n <= %s GROUP BY key HAVING count(*) >= %s",
                (self._window, list(keys), self._window, self._max, self._max),
            )
            over = await cur.fetchall()
        if over:
            raise RateLimitedError(max(1.0, *(row[0] for row in over)))

    async def failed(self, *keys: str) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO users.login_failures (key) SELECT unnest(%s::text[])", (list(keys),)
            )
            await conn.execute(
                "DELETE FROM users.login_failures WHERE key = ANY(%s) AND at < now() - %s",
                (list(keys), self._window),
            )

    async def succeeded(self, *keys: str) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM users.login_failures WHERE key = ANY(%s)", (list(keys),)
            )
