"""Notifications: queue in the caller's transaction (outbox), deliver later, read the inbox.

Each outbox row is delivered twice, independently: into the in-app inbox, and by e-mail.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from psycopg import AsyncConnection
from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.db.pages import Page, PageRequest, keyset, page_of
from fitconnect.platform.db.rows import fetch_all
from fitconnect.platform.notifications.errors import (
    EmailError,
    EmailRefusedError,
    MailServerUnavailableError,
)
from fitconnect.platform.users.service import email_addresses
from fitconnect.settings import SmtpSettings

Conn = AsyncConnection[tuple[object, ...]]
log = logging.getLogger(__name__)


class NotificationKind(StrEnum):
    """What a notification is about."""

    WELCOME = "welcome"


@dataclass(frozen=True, slots=True)
class Notification:
    id: uuid.UUID
    kind: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


async def enqueue(
    conn: Conn, account_id: uuid.UUID, kind: NotificationKind, title: str, body: str
) -> None:
    """Queue a notification in the caller's transaction: it exists iff the change commits."""
    await conn.execute(
        "INSERT INTO notifications.outbox (account_id, kind, title, body) VALUES (%s, %s, %s, %s)",
        (account_id, kind.value, title, body),
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


class Mailer(Protocol):
    async def send(self, to: str, notification_id: int, subject: str, body: str) -> None: ...


@dataclass(frozen=True, slots=True)
class PendingEmail:
    id: int
    account_id: uuid.UUID
    title: str
    body: str
    email_attempts: int


@dataclass(frozen=True, slots=True)
class EmailRound:
    sent: int = 0
    failed: int = 0
    given_up: int = 0


async def deliver_pending_emails(
    pool: AsyncConnectionPool, mailer: Mailer, smtp: SmtpSettings, lease_s: float
) -> EmailRound:
    """E-mail up to ``smtp.batch_size`` due outbox rows; a failure is retried with backoff.

    Claimed rows are leased for ``lease_s`` (longer than sending them all takes), so another
    worker never sends them at the same time. When the server is unavailable the round stops
    and the rows not tried wait as long as the one that failed.
    """
    claimed = await _claim_emails(pool, smtp.batch_size, smtp.max_attempts, lease_s)
    if not claimed:
        return EmailRound()
    addresses = await email_addresses(pool, {item.account_id for item in claimed})
    sent = failed = given_up = 0
    for i, item in enumerate(claimed):
        to = addresses.get(item.account_id)
        try:
            if to is None:
                raise EmailRefusedError("the account has no e-mail address")
            await mailer.send(to, item.id, item.title, item.body)
        except EmailError as exc:
            final = to is None or item.email_attempts + 1 >= smtp.max_attempts
            retry_in_s = min(smtp.backoff_base_s * 2**item.email_attempts, smtp.backoff_max_s)
            await _email_failed(pool, item.id, str(exc), retry_in_s, final=final)
            if final:
                given_up += 1
                log.warning(
                    "gave up e-mailing notification %d after %d attempt(s): %s",
                    item.id,
                    item.email_attempts + 1,
                    exc,
                )
            else:
                failed += 1
                log.info(
                    "e-mail of notification %d failed, retry in %.0f s: %s",
                    item.id,
                    retry_in_s,
                    exc,
                )
            if isinstance(exc, MailServerUnavailableError):
                await _postpone(pool, [rest.id for rest in claimed[i + 1 :]], retry_in_s)
                break
        else:
            await _email_sent(pool, item.id)
            sent += 1
    return EmailRound(sent, failed, given_up)


async def _claim_emails(
    pool: AsyncConnectionPool, limit: int, max_attempts: int, lease_s: float
) -> list[PendingEmail]:
    async with (
        pool.connection() as conn,
        conn.transaction(),
        conn.cursor(row_factory=class_row(PendingEmail)) as cur,
    ):
        await cur.execute(
            "WITH picked AS ("
            "  SELECT id FROM notifications.outbox"
            "  WHERE emailed_at IS NULL AND email_next_try_at <= now() AND email_attempts < %s"
            "  ORDER BY email_next_try_at, id LIMIT %s FOR UPDATE SKIP LOCKED)"
            " UPDATE notifications.outbox o"
            " SET email_next_try_at = now() + make_interval(secs => %s) FROM picked"
            " WHERE o.id = picked.id"
            " RETURNING o.id, o.account_id, o.title, o.body, o.email_attempts",
            (max_attempts, limit, lease_s),
        )
        return sorted(await cur.fetchall(), key=lambda item: item.id)


async def _email_sent(pool: AsyncConnectionPool, outbox_id: int) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE notifications.outbox SET emailed_at = now(), email_error = NULL,"
            " email_attempts = email_attempts + 1 WHERE id = %s",
            (outbox_id,),
        )


async def _email_failed(
    pool: AsyncConnectionPool, outbox_id: int, error: str, retry_in_s: float, *, final: bool
) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE notifications.outbox SET email_attempts = email_attempts + 1,"
            " email_error = %s, email_next_try_at = CASE WHEN %s THEN 'infinity'::timestamptz"
            " ELSE now() + make_interval(secs => %s) END WHERE id = %s",
            (error, final, retry_in_s, outbox_id),
        )


async def _postpone(pool: AsyncConnectionPool, outbox_ids: list[int], delay_s: float) -> None:
    """Rows claimed but not tried: due again after ``delay_s``, no attempt counted."""
    if outbox_ids:
        async with pool.connection() as conn:
            await conn.execute(
                "UPDATE notifications.outbox SET email_next_try_at = now()"
                " + make_interval(secs => %s) WHERE id = ANY(%s)",
                (delay_s, outbox_ids),
            )


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
            "SELECT uuid AS id, kind, title, body, created_at, read_at FROM notifications.inbox"  # noqa: S608 - keyset fragments, no input
            " WHERE account_id = %(account)s AND " + where + order,
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
            "SELECT uuid AS id, kind, title, body, created_at, read_at FROM notifications.inbox"
            " WHERE account_id = %s AND uuid = ANY(%s)",
            (account_id, ids),
        )
        return {n.id: n for n in found}

    async def mark_read(self, account_id: uuid.UUID, notification_id: uuid.UUID) -> bool:
        """True if the notification is the account's (read now, or already)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "UPDATE notifications.inbox SET read_at = coalesce(read_at, now())"
                " WHERE uuid = %s AND account_id = %s",
                (notification_id, account_id),
            )
            return cur.rowcount == 1
