"""The notification worker: render and fan out the outbox, then deliver on each channel.

Each channel runs as a loop of its own, so a slow or failing provider never holds up the
in-app inbox or another channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.notifications.delivery import ChannelSender, RetryPolicy, deliver_due
from fitconnect.platform.notifications.dispatch import dispatch_pending
from fitconnect.platform.notifications.email import EmailChannel, SmtpMailer, email_policy
from fitconnect.platform.polling import every
from fitconnect.settings import SmtpSettings

log = logging.getLogger(__name__)
_DISPATCH_BATCH = 500


async def run_notification_worker(
    pool: AsyncConnectionPool,
    stop: asyncio.Event,
    smtp: SmtpSettings | None = None,
    poll_s: float = 1.0,
) -> None:
    """Dispatch and deliver pending notifications every ``poll_s`` until ``stop`` is set.

    E-mail goes out too when ``smtp`` names a host.
    """
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(every(poll_s, stop, lambda: _dispatch_round(pool)))
        if smtp is not None and smtp.host is not None:
            sender = EmailChannel(pool, SmtpMailer(smtp))
            tasks.create_task(
                every(poll_s, stop, _channel_rounds(pool, sender, email_policy(smtp)))
            )
        else:
            log.info("no SMTP host configured: notifications are not e-mailed")


async def _dispatch_round(pool: AsyncConnectionPool) -> bool:
    dispatched = await dispatch_pending(pool, _DISPATCH_BATCH)
    if dispatched:
        log.info("dispatched %d notification(s)", dispatched)
    return dispatched == _DISPATCH_BATCH


def _channel_rounds(
    pool: AsyncConnectionPool, sender: ChannelSender, policy: RetryPolicy
) -> Callable[[], Awaitable[bool]]:
    async def one_round() -> bool:
        done = await deliver_due(pool, sender, policy)
        if done.sent:
            log.info("delivered %d notification(s) by %s", done.sent, sender.channel)
        return done.handled == policy.batch_size

    return one_round
