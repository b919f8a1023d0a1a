"""One read, typed: a statement on a pooled connection whose rows become dataclasses."""

from __future__ import annotations

from typing import LiteralString, TypeVar

from psycopg.abc import Params
from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

T = TypeVar("T")


async def fetch_all(
    pool: AsyncConnectionPool,
    row: type[T],
    sql: LiteralString,
    params: Params | None = None,
    *,
    binary: bool = False,
) -> list[T]:
    """Every row of ``sql`` as a ``row`` (its columns named as the dataclass's fields);
    ``binary`` as in ``fetch_one``."""
    async with pool.connection() as conn, conn.cursor(row_factory=class_row(row)) as cur:
        await cur.execute(sql, params, binary=binary)
        return await cur.fetchall()


async def fetch_one(
    pool: AsyncConnectionPool,
    row: type[T],
    sql: LiteralString,
    params: Params | None = None,
    *,
    binary: bool = False,
) -> T | None:
    """The first row of ``sql`` as a ``row``, or None; ``binary`` asks for binary results
    (arrays and timestamps decoded in C: worth it for large values)."""
    async with pool.connection() as conn, conn.cursor(row_factory=class_row(row)) as cur:
        await cur.execute(sql, params, binary=binary)
        return await cur.fetchone()
