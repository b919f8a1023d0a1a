"""Notifications: queue in the caller's transaction (outbox), deliver later, read the inbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

Conn = AsyncConnection[tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    kind: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


async def enqueue(conn: Conn, account_id: uuid.UUID, kind: str, title: str, body: str) -> None:
    """Queue a notification in the caller's transaction: it exists iff the change commits."""
    await conn.execute(
        "INSERT INTO notifications.outbox (account_id, kind, title, body) VALUES (%s, %s, %s, %s)",
        (account_id, kind, title, body),
    )


async def deliver_pending(pool: AsyncConnectionPool, limit: int = 500) -> int:
    """Move pending outbox rows into the inbox (once each, even with several workers)."""
    async with pool.connection() as conn, conn.transaction():
        cur = await conn.execute(
            "WITH picked AS ("
            "  SELECT id FROM notifications.outbox WHERE delivered_at IS NULL"
            "  ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED),"
            " done AS ("
            "  UPDATE notifications.outbox o SET delivered_at = now() FROM picked"
            "  WHERE o.id = picked.id RETURNING o.*)"
            " INSERT INTO notifications.inbox (id, account_id, kind, title, body, created_at)"
            " SELECT id, account_id, kind, title, body, created_at FROM done"
            " ON CONFLICT (id) DO NOTHING",
            (limit,),
        )
        return max(cur.rowcount, 0)


async def inbox(
    pool: AsyncConnectionPool, account_id: uuid.UUID, limit: int = 50
) -> list[Notification]:
    async with pool.connection() as conn, conn.cursor(row_factory=class_row(Notification)) as cur:
        await cur.execute(
            "SELECT id, kind, title, body, created_at, read_at FROM notifications.inbox"
            " WHERE account_id = %s ORDER BY id DESC LIMIT %s",
            (account_id, limit),
        )
        return await cur.fetchall()


async def mark_read(pool: AsyncConnectionPool, account_id: uuid.UUID, notification_id: int) -> bool:
    async with pool.connection() as conn:
        cur = await conn.execute(
            "UPDATE notifications.inbox SET read_at = coalesce(read_at, now())"
            " WHERE id = %s AND account_id = %s",
            (notification_id, account_id),
        )
        return cur.rowcount == 1
