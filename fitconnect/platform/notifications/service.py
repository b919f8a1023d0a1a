"""Notifications: queue an event in the caller's transaction (outbox), read the inbox.

Every context raises its notifications with ``enqueue`` (``enqueue_sync`` on the analytics
job's synchronous connection) inside the transaction of the change that causes them: the
notification exists iff the change commits. The notification worker renders it later in the
recipient's locale and delivers it on each channel (``dispatch``, ``delivery``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.db.pages import Page, PageRequest, keyset, page_of
from fitconnect.platform.db.rows import fetch_all
from fitconnect.platform.notifications.errors import NotificationDataError
from fitconnect.platform.notifications.kinds import NotificationKind

Conn = AsyncConnection[tuple[object, ...]]
SyncConn = psycopg.Connection[tuple[object, ...]]
TemplateValue = str | int | float | bool | None
"""What a template variable holds: the event's facts, already in words or numbers."""

_MAX_DATA_BYTES = 4096
_MAX_KEY_CHARS = 200
_INSERT = (
    "INSERT INTO notifications.outbox (account_id, kind, data, event_key)"
    " VALUES (%s, %s, %s, %s) ON CONFLICT (account_id, kind, event_key) DO NOTHING"
)

__all__ = ["NotificationKind", "enqueue", "enqueue_sync"]


async def enqueue(
    conn: Conn,
    account_id: uuid.UUID,
    kind: NotificationKind,
    data: Mapping[str, TemplateValue],
    *,
    event_key: str,
) -> bool:
    """Queue one notification of ``kind`` to ``account_id`` in the caller's transaction.

    ``data`` holds the variables of the kind's templates (``docs/notifications.md``);
    ``event_key`` names the event, stable across retries of the cause (an id, or a kind of
    thing and its id): the same (account, kind, key) twice is one notification. True if
    queued now, False if the event was already queued.
    """
    cur = await conn.execute(_INSERT, _params(account_id, kind, data, event_key))
    return cur.rowcount == 1


def enqueue_sync(
    conn: SyncConn,
    account_id: uuid.UUID,
    kind: NotificationKind,
    data: Mapping[str, TemplateValue],
    *,
    event_key: str,
) -> bool:
    """``enqueue`` on a synchronous connection (the analytics job's transaction)."""
    cur = conn.execute(_INSERT, _params(account_id, kind, data, event_key))
    return cur.rowcount == 1


def _params(
    account_id: uuid.UUID,
    kind: NotificationKind,
    data: Mapping[str, TemplateValue],
    event_key: str,
) -> tuple[uuid.UUID, str, Jsonb, str]:
    """Checked here, in the caller's transaction: a bad event fails the caller's test."""
    if not isinstance(kind, NotificationKind):
        raise NotificationDataError(f"{kind!r} is not a notification kind")
    if not event_key or len(event_key) > _MAX_KEY_CHARS:
        raise NotificationDataError(f"event_key must be 1 to {_MAX_KEY_CHARS} characters")
    values = dict(data)
    for name, value in values.items():
        if not isinstance(name, str) or not isinstance(value, TemplateValue):
            raise NotificationDataError(f"{kind}: {name!r} must be a string, number or bool")
    if len(json.dumps(values)) > _MAX_DATA_BYTES:
        raise NotificationDataError(f"{kind}: data over {_MAX_DATA_BYTES} bytes")
    return account_id, kind.value, Jsonb(values), event_key


@dataclass(frozen=True, slots=True)
class Notification:
    id: uuid.UUID
    kind: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


_COLUMNS = "SELECT uuid AS id, kind, title, body, created_at, read_at FROM notifications.inbox"


class NotificationService:
    """The caller's in-app inbox: read it, mark what was read."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def inbox(
        self, account_id: uuid.UUID, page: PageRequest | None = None
    ) -> Page[Notification]:
        """A page of the account's notifications, newest first by (created_at, id)."""
        page = page or PageRequest()
        where, order, params = keyset(("created_at", "uuid"), page, descending=True)
        rows = await fetch_all(
            self._pool,
            Notification,
            _COLUMNS + " WHERE account_id = %(account)s AND " + where + order,
            {"account": account_id, **params},
        )
        return page_of(rows, page)

    async def by_ids(
        self, account_id: uuid.UUID, ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, Notification]:
        """The account's notifications among ``ids`` (others are absent)."""
        found = await fetch_all(
            self._pool,
            Notification,
            _COLUMNS + " WHERE account_id = %s AND uuid = ANY(%s)",
            (account_id, ids),
        )
        return {n.id: n for n in found}

    async def created_after(
        self, account_id: uuid.UUID, after: datetime, limit: int = 200
    ) -> list[Notification]:
        """The account's notifications created after ``after``, oldest first (what a live
        inbox looks through for the ones it has not shown)."""
        return await fetch_all(
            self._pool,
            Notification,
            _COLUMNS + " WHERE account_id = %s AND created_at > %s"
            " ORDER BY created_at, uuid LIMIT %s",
            (account_id, after, limit),
        )

    async def mark_read(self, account_id: uuid.UUID, notification_id: uuid.UUID) -> bool:
        """True if the notification is the account's (read now, or already)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "UPDATE notifications.inbox SET read_at = coalesce(read_at, now())"
                " WHERE uuid = %s AND account_id = %s",
                (notification_id, account_id),
            )
            return cur.rowcount == 1
