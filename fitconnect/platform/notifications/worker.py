"""The notification worker: the outbox into the inbox, and out by e-mail, off the request path.

The two deliveries run as separate loops, so a slow or failing mail server never holds up
the in-app inbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.notifications.email import SmtpMailer, send_deadline_s
from fitconnect.platform.notifications.service import deliver_pending, deliver_pending_emails
from fitconnect.platform.polling import every
from fitconnect.settings import SmtpSettings

log = logging.getLogger(__name__)
_INBOX_BATCH = 500


async def run_notification_worker(
    pool: AsyncConnectionPool,
    stop: asyncio.Event,
    smtp: SmtpSettings | None = None,
    poll_s: float = 1.0,
) -> None:
    """Deliver pending notifications every ``poll_s`` until ``stop`` is set.

    E-mail goes out too when ``smtp`` names a host.
    """
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(every(poll_s, stop, lambda: _inbox_round(pool)))
        if smtp is not None and smtp.host is not None:
            tasks.create_task(every(poll_s, stop, _email_rounds(pool, smtp)))
        else:
            log.info("no SMTP host configured: notifications are not e-mailed")


async def _inbox_round(pool: AsyncConnectionPool) -> bool:
    delivered = await deliver_pending(pool, _INBOX_BATCH)
    if delivered:
        log.info("delivered %d notification(s)", delivered)
    return delivered == _INBOX_BATCH


def _email_rounds(pool: AsyncConnectionPool, smtp: SmtpSettings) -> Callable[[], Awaitable[bool]]:
    mailer = SmtpMailer(smtp)
    # Claimed rows stay leased longer than the slowest round takes.
    lease_s = smtp.batch_size * send_deadline_s(smtp) + 60

    async def email_round() -> bool:
        done = await deliver_pending_emails(pool, mailer, smtp, lease_s)
        if done.sent:
            log.info("e-mailed %d notification(s)", done.sent)
        return done.sent + done.failed + done.given_up == smtp.batch_size

    return email_round
