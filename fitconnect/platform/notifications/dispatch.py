"""Fan queued events out: render each once, into the inbox, and a delivery per channel.

A notification the templates cannot render (a variable missing, a kind unknown) is kept
with the reason (``render_error``) and delivered nowhere; the others of the round go on.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.notifications.errors import TemplateError
from fitconnect.platform.notifications.kinds import RULES, Channel, NotificationKind
from fitconnect.platform.notifications.templates import DEFAULT_LOCALE, Rendered, render

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Queued:
    id: int
    account_id: uuid.UUID
    kind: str
    data: dict[str, object]
    title: str | None
    body: str | None


def _rendered(item: _Queued) -> Rendered:
    if item.title is not None and item.body is not None:
        return Rendered(item.title, item.body)  # queued rendered, before templates
    try:
        kind = NotificationKind(item.kind)
    except ValueError as exc:
        raise TemplateError(f"no templates for kind {item.kind!r}") from exc
    return render(kind, DEFAULT_LOCALE, item.data)


async def dispatch_pending(pool: AsyncConnectionPool, limit: int = 500) -> int:
    """Render and fan out up to ``limit`` queued notifications (once each, even with several
    workers); the number dispatched."""
    async with (
        pool.connection() as conn,
        conn.transaction(),
        conn.cursor(row_factory=class_row(_Queued)) as cur,
    ):
        await cur.execute(
            "SELECT id, account_id, kind, data, title, body FROM notifications.outbox"
            " WHERE dispatched_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (limit,),
        )
        queued = await cur.fetchall()
        if not queued:
            return 0
        done: list[tuple[int, str, str]] = []
        failed: list[tuple[str, int]] = []
        for item in queued:
            try:
                text = _rendered(item)
            except TemplateError as exc:
                log.warning("notification %d not rendered: %s", item.id, exc)
                failed.append((str(exc), item.id))
            else:
                done.append((item.id, text.title, text.body))
        if failed:
            await cur.executemany(
                "UPDATE notifications.outbox SET dispatched_at = now(), render_error = %s"
                " WHERE id = %s",
                failed,
            )
        if done:
            await cur.executemany(
                "UPDATE notifications.outbox SET dispatched_at = now(), title = %s, body = %s"
                " WHERE id = %s",
                [(title, body, i) for i, title, body in done],
            )
            ids = [i for i, _, _ in done]
            await cur.execute(
                "INSERT INTO notifications.inbox (id, account_id, kind, title, body, created_at)"
                " SELECT id, account_id, kind, title, body, created_at FROM notifications.outbox"
                " WHERE id = ANY(%s) ON CONFLICT (id) DO NOTHING",
                (ids,),
            )
            by_id = {item.id: item for item in queued}
            emailed = [i for i in ids if _emailed(by_id[i].kind)]
            await cur.execute(
                "INSERT INTO notifications.deliveries (outbox_id, channel)"
                " SELECT unnest(%s::bigint[]), %s ON CONFLICT DO NOTHING",
                (emailed, Channel.EMAIL.value),
            )
        return len(queued)


def _emailed(kind: str) -> bool:
    rules = RULES.get(NotificationKind(kind))
    return rules is not None and Channel.EMAIL in rules.channels
