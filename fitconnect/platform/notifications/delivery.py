"""Deliver on one channel: claim due deliveries, hand them to the channel, keep the outcome.

At least once per channel: a claimed delivery is leased, so another worker never sends it
at the same time, and one whose worker died is due again when the lease ends. A failure is
retried with exponential backoff up to ``max_attempts``; a refusal for good (a bounce, a
push subscription the provider says is gone) is ``dead`` at once with the provider's reason,
so a bad address never becomes a retry storm.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.notifications.kinds import Channel

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One notification to deliver on a channel, rendered."""

    outbox_id: int
    account_id: uuid.UUID
    kind: str
    title: str
    body: str
    attempts: int
    """Attempts made before this one."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a channel did with one ``Outgoing``."""

    outbox_id: int
    error: str | None = None
    """None: delivered."""
    final: bool = False
    """Refused for good (the address bounces, the device is gone): no retry."""
    tried: bool = True
    """False: not attempted (the provider was down before its turn); no attempt counted."""


class ChannelSender(Protocol):
    """A channel's adapter: delivers a batch, says what became of each one."""

    @property
    def channel(self) -> Channel: ...

    async def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    batch_size: int = 50
    max_attempts: int = 8
    backoff_base_s: float = 30.0
    backoff_max_s: float = 3600.0
    lease_s: float = 600.0
    """Longer than one round of ``batch_size`` takes."""

    def delay_s(self, attempts_before: int) -> float:
        return float(min(self.backoff_base_s * 2**attempts_before, self.backoff_max_s))


@dataclass(frozen=True, slots=True)
class Round:
    sent: int = 0
    failed: int = 0
    given_up: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.given_up


async def deliver_due(
    pool: AsyncConnectionPool, sender: ChannelSender, policy: RetryPolicy
) -> Round:
    """One round on ``sender``'s channel: up to ``policy.batch_size`` due deliveries."""
    claimed = await _claim(pool, sender.channel, policy)
    if not claimed:
        return Round()
    outcomes = await sender.deliver(claimed)
    by_id = {item.outbox_id: item for item in claimed}
    sent: list[int] = []
    retry: list[tuple[str, float, int]] = []
    dead: list[tuple[str, int]] = []
    untried: list[tuple[float, int]] = []
    slowest = 0.0
    for outcome in outcomes:
        item = by_id[outcome.outbox_id]
        if outcome.error is None:
            sent.append(item.outbox_id)
        elif not outcome.tried:
            untried.append((0.0, item.outbox_id))
        elif outcome.final or item.attempts + 1 >= policy.max_attempts:
            dead.append((outcome.error, item.outbox_id))
            log.warning(
                "gave up delivering notification %d by %s after %d attempt(s): %s",
                item.outbox_id,
                sender.channel,
                item.attempts + 1,
                outcome.error,
            )
        else:
            delay = policy.delay_s(item.attempts)
            slowest = max(slowest, delay)
            retry.append((outcome.error, delay, item.outbox_id))
            log.info(
                "%s delivery of notification %d failed, retry in %.0f s: %s",
                sender.channel,
                item.outbox_id,
                delay,
                outcome.error,
            )
    # What the channel did not try waits as long as the longest failure before it.
    untried = [(slowest, i) for _, i in untried]
    await _record(pool, sender.channel, sent=sent, retry=retry, dead=dead, untried=untried)
    return Round(len(sent), len(retry), len(dead))


async def _claim(
    pool: AsyncConnectionPool, channel: Channel, policy: RetryPolicy
) -> list[Outgoing]:
    async with (
        pool.connection() as conn,
        conn.transaction(),
        conn.cursor(row_factory=class_row(Outgoing)) as cur,
    ):
        await cur.execute(
            "WITH picked AS ("
            "  SELECT outbox_id FROM notifications.deliveries"
            "  WHERE channel = %(channel)s AND status = 'pending' AND next_try_at <= now()"
            "  ORDER BY next_try_at, outbox_id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
            " UPDATE notifications.deliveries d"
            " SET next_try_at = now() + make_interval(secs => %(lease)s)"
            " FROM picked JOIN notifications.outbox o ON o.id = picked.outbox_id"
            " WHERE d.outbox_id = picked.outbox_id AND d.channel = %(channel)s"
            " RETURNING o.id AS outbox_id, o.account_id, o.kind, o.title, o.body, d.attempts",
            {"channel": channel.value, "limit": policy.batch_size, "lease": policy.lease_s},
        )
        return sorted(await cur.fetchall(), key=lambda item: item.outbox_id)


async def _record(
    pool: AsyncConnectionPool,
    channel: Channel,
    *,
    sent: list[int],
    retry: list[tuple[str, float, int]],
    dead: list[tuple[str, int]],
    untried: list[tuple[float, int]],
) -> None:
    c = channel.value
    async with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        if sent:
            await cur.execute(
                "UPDATE notifications.deliveries SET status = 'sent', sent_at = now(),"
                " error = NULL, attempts = attempts + 1"
                " WHERE channel = %s AND outbox_id = ANY(%s)",
                (c, sent),
            )
        if retry:
            await cur.executemany(
                "UPDATE notifications.deliveries SET attempts = attempts + 1, error = %s,"
                " next_try_at = now() + make_interval(secs => %s)"
                " WHERE channel = %s AND outbox_id = %s",
                [(error, delay, c, i) for error, delay, i in retry],
            )
        if dead:
            await cur.executemany(
                "UPDATE notifications.deliveries SET status = 'dead', attempts = attempts + 1,"
                " error = %s WHERE channel = %s AND outbox_id = %s",
                [(error, c, i) for error, i in dead],
            )
        if untried:
            await cur.executemany(
                "UPDATE notifications.deliveries SET next_try_at = now()"
                " + make_interval(secs => %s) WHERE channel = %s AND outbox_id = %s",
                [(delay, c, i) for delay, i in untried],
            )
