"""The notification worker: moves the outbox into the inbox, so sending never slows a request."""

from __future__ import annotations

import asyncio
import logging

from fitconnect.platform.db import open_pool
from fitconnect.platform.notifications.service import deliver_pending

log = logging.getLogger(__name__)


async def run_notification_worker(
    database_url: str, stop: asyncio.Event, poll_s: float = 1.0
) -> None:
    """Deliver pending notifications every ``poll_s`` until ``stop`` is set."""
    pool = await open_pool(database_url)
    try:
        while not stop.is_set():
            delivered = await deliver_pending(pool)
            if delivered:
                log.info("delivered %d notification(s)", delivered)
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_s)
            except TimeoutError:
                continue
    finally:
        await pool.close()
