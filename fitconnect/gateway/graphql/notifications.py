"""The in-app inbox: ``notifications``; ``markNotificationRead``."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry

from fitconnect.gateway.graphql.context import Info
from fitconnect.platform.notifications import service as domain


@strawberry.type
class Notification:
    id: int
    kind: domain.NotificationKind
    title: str
    body: str
    created_at: datetime
    read: bool

    @classmethod
    def from_domain(cls, n: domain.Notification) -> Self:
        return cls(
            id=n.id,
            kind=domain.NotificationKind(n.kind),
            title=n.title,
            body=n.body,
            created_at=n.created_at,
            read=n.read_at is not None,
        )


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="The caller's in-app notifications, newest first.")
    async def notifications(self, info: Info, limit: int = 50) -> list[Notification]:
        ctx = info.context
        items = await ctx.services.notifications.inbox(ctx.principal().account_id, limit)
        return [Notification.from_domain(n) for n in items]


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation
    async def mark_notification_read(self, info: Info, notification_id: int) -> bool:
        ctx = info.context
        return await ctx.services.notifications.mark_read(
            ctx.principal().account_id, notification_id
        )
