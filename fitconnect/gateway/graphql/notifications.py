"""The in-app inbox: ``notifications``; ``markNotificationRead``; the live ``notifications``
subscription."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, Iterable
from datetime import UTC, datetime, timedelta
from typing import Self

import strawberry
from strawberry import relay

from fitconnect.gateway.cursors import page_request
from fitconnect.gateway.errors import InvalidCursorError
from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.pagination import Connection, connection
from fitconnect.platform.notifications import service as domain


@strawberry.type(description="An in-app notification; a node.")
class Notification(relay.Node):
    notification_id: relay.NodeID[str]
    kind: domain.NotificationKind
    title: str
    body: str
    created_at: datetime
    read: bool

    @classmethod
    def from_domain(cls, n: domain.Notification) -> Self:
        return cls(
            notification_id=str(n.id),
            kind=domain.NotificationKind(n.kind),
            title=n.title,
            body=n.body,
            created_at=n.created_at,
            read=n.read_at is not None,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        """The caller's notifications among the ids (the others: null; ``required`` is only
        for lists, which ``node`` never asks for)."""
        del required
        ids = [_uuid(i) for i in node_ids]
        ctx = info.context
        found = await ctx.services.notifications.by_ids(ctx.principal().account_id, ids)
        return [cls.from_domain(found[i]) if i in found else None for i in ids]


_KEY = (datetime.fromisoformat, uuid.UUID)


def _uuid(node_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(node_id)
    except ValueError as exc:
        raise InvalidCursorError(f"{node_id!r} is not a notification id") from exc


@strawberry.type
class NotificationsQuery:
    @strawberry.field(
        description="The caller's in-app notifications, newest first: pages of `first` after a"
        " cursor, or `last` before one (at most 100)."
    )
    async def notifications(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Notification]:
        ctx = info.context
        request = page_request(first, after, last, before, _KEY)
        page = await ctx.services.notifications.inbox(ctx.principal().account_id, request)
        return connection(page, Notification.from_domain, lambda n: (n.created_at, n.id))


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(description="Mark one of the caller's notifications read (its `id`).")
    async def mark_notification_read(self, info: Info, notification_id: relay.GlobalID) -> bool:
        ctx = info.context
        return await ctx.services.notifications.mark_read(
            ctx.principal().account_id, _uuid(notification_id.node_id)
        )


_LIVE_POLL_S = 1.0
"""How often a live inbox looks for new notifications (one indexed query per subscriber)."""
_LIVE_PAGE = 200
_LATE = timedelta(minutes=10)
"""A notification reaches the inbox when the worker renders it, a moment after it was
created: the live inbox looks this far back for ones it has not shown yet."""


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(
        description="The caller's notifications as they arrive: those created after `since`"
        " (default: now), then each new one within about a second."
    )
    async def notifications(
        self, info: Info, since: datetime | None = None
    ) -> AsyncGenerator[Notification, None]:
        ctx = info.context
        account = ctx.principal().account_id
        start = since or datetime.now(UTC)
        shown: dict[uuid.UUID, datetime] = {}
        while True:
            now = datetime.now(UTC)
            after = max(start, now - _LATE)
            fresh = await ctx.services.notifications.created_after(account, after, _LIVE_PAGE)
            for n in fresh:
                if n.id not in shown:
                    shown[n.id] = n.created_at
                    yield Notification.from_domain(n)
            shown = {i: at for i, at in shown.items() if at > after}
            if len(fresh) == _LIVE_PAGE:  # a burst: page on from the newest shown, at once
                start = fresh[-1].created_at
                continue
            await asyncio.sleep(_LIVE_POLL_S)  # the live inbox's polling interval
