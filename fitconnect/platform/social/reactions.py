"""Kudos and comments on activities, and the notifications they raise.

Every write first reads its activity through ``visibility.VISIBLE_ACTIVITIES`` in the write's
own transaction: a viewer who may not see the activity (another tenant's, hidden from them, a
block either way round, anonymous) gets ``ActivityNotFoundError`` and nothing is written, as a
read of that id would answer. Kudos are one per athlete and activity (the table's key): giving
twice or taking back twice changes nothing. A comment has 1 to ``MAX_COMMENT`` characters; its
author edits it; its author or the activity's athlete deletes it.

Notifications go through the outbox in the same transaction (``notifications.enqueue``): a
kudos to the activity's athlete, a comment to them, and a mention (``@handle``: the display
name without spaces, any case) to each athlete of the tenant it names who may see the
activity. The outbox has no merging of events, so kudos are one notification each, keyed by
(activity, giver): taking a kudos back and giving it again does not notify twice, and the
athlete may take kudos as a daily digest (the kind is digestible). An edit that adds a mention
notifies only the newly mentioned (the key is the comment's id).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import LiteralString

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.db.pages import Page, PageRequest, keyset, page_of
from fitconnect.platform.db.rows import fetch_all
from fitconnect.platform.notifications import service as notifications
from fitconnect.platform.notifications.service import NotificationKind
from fitconnect.platform.social.errors import (
    ActivityNotFoundError,
    CommentNotFoundError,
    InvalidCommentError,
    NotCommentAuthorError,
)
from fitconnect.platform.social.visibility import VISIBLE_ACTIVITIES, Viewer, viewer_params
from fitconnect.platform.users import directory

MAX_COMMENT = 2000
MAX_MENTIONS = 10
"""Mentions past the tenth of a comment notify nobody (a comment is not a mailing list)."""
_EXCERPT = 140
_MENTION = re.compile(r"(?<![\w@])@([\w.-]{1,64})")

_SEEN: LiteralString = (
    "SELECT a.athlete_id, a.title FROM " + VISIBLE_ACTIVITIES + " AS a WHERE a.id = %(id)s"  # noqa: S608 - constants joined, no input
)
_NOT_BLOCKED: LiteralString = (
    " NOT EXISTS (SELECT 1 FROM social.blocks b WHERE (b.blocker_id, b.blocked_id)"
    "  IN ((%(viewer)s, c.author_id), (c.author_id, %(viewer)s)))"
)


@dataclass(frozen=True, slots=True)
class Comment:
    id: uuid.UUID
    activity_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime
    edited_at: datetime | None


_COMMENT: LiteralString = (
    "SELECT c.id, c.activity_id, c.author_id, c.body, c.created_at, c.edited_at"
    " FROM social.comments c"
)


def mentions(body: str) -> list[str]:
    """The ``@handles`` of a comment, each once, in order, at most ``MAX_MENTIONS``."""
    seen: dict[str, None] = {}
    for handle in _MENTION.findall(body):
        seen.setdefault(handle.rstrip(".-").lower(), None)
    return [h for h in seen if h][:MAX_MENTIONS]


def _checked(body: str) -> str:
    text = body.strip()
    if not 1 <= len(text) <= MAX_COMMENT:
        raise InvalidCommentError(f"a comment has 1 to {MAX_COMMENT} characters")
    return text


def _excerpt(body: str) -> str:
    return body if len(body) <= _EXCERPT else body[: _EXCERPT - 1] + "…"


class ReactionService:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def give_kudos(self, viewer: Principal, activity_id: uuid.UUID) -> bool:
        """Give kudos to an activity the viewer may see: True if given now, False if given
        before. Its athlete is told (not of one's own)."""
        me = await self._name(viewer)
        async with self._pool.connection() as conn, conn.transaction():
            owner, title = await _seen(conn, viewer, activity_id)
            cur = await conn.execute(
                "INSERT INTO social.kudos (activity_id, athlete_id) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (activity_id, viewer.account_id),
            )
            given = cur.rowcount == 1
            if given and owner != viewer.account_id:
                await notifications.enqueue(
                    conn,
                    owner,
                    NotificationKind.KUDOS,
                    {"from_name": me, "activity_title": title},
                    event_key=f"kudos:{activity_id}:{viewer.account_id}",
                )
            return given

    async def take_back_kudos(self, viewer: Principal, activity_id: uuid.UUID) -> bool:
        """Take back one's kudos of an activity one may see: True if there was one."""
        async with self._pool.connection() as conn, conn.transaction():
            await _seen(conn, viewer, activity_id)
            cur = await conn.execute(
                "DELETE FROM social.kudos WHERE activity_id = %s AND athlete_id = %s",
                (activity_id, viewer.account_id),
            )
            return cur.rowcount == 1

    async def add_comment(self, viewer: Principal, activity_id: uuid.UUID, body: str) -> Comment:
        """Comment on an activity the viewer may see; its athlete and the mentioned are told."""
        text = _checked(body)
        me = await self._name(viewer)
        named = await directory.by_mention(self._pool, viewer.tenant_id, mentions(text))
        async with self._pool.connection() as conn, conn.transaction():
            owner, title = await _seen(conn, viewer, activity_id)
            cur = await conn.execute(
                "INSERT INTO social.comments (activity_id, author_id, body) VALUES (%s, %s, %s)"
                " RETURNING id, activity_id, author_id, body, created_at, edited_at",
                (activity_id, viewer.account_id, text),
            )
            row = await cur.fetchone()
            assert row is not None  # noqa: S101 - RETURNING
            comment = Comment(*row)
            if owner != viewer.account_id:
                await notifications.enqueue(
                    conn,
                    owner,
                    NotificationKind.COMMENT,
                    {"from_name": me, "activity_title": title, "excerpt": _excerpt(text)},
                    event_key=f"comment:{comment.id}",
                )
            await _notify_mentioned(
                conn,
                viewer=viewer,
                owner=owner,
                activity_id=activity_id,
                comment=comment,
                named=named,
                me=me,
            )
            return comment

    async def edit_comment(self, viewer: Principal, comment_id: uuid.UUID, body: str) -> Comment:
        """Change the text of one's own comment (athletes newly mentioned are told)."""
        text = _checked(body)
        me = await self._name(viewer)
        named = await directory.by_mention(self._pool, viewer.tenant_id, mentions(text))
        async with self._pool.connection() as conn, conn.transaction():
            activity_id, author = await _comment_seen(conn, viewer, comment_id)
            if author != viewer.account_id:
                raise NotCommentAuthorError("only a comment's author edits it")
            owner, _title = await _seen(conn, viewer, activity_id)
            cur = await conn.execute(
                "UPDATE social.comments SET body = %s, edited_at = now() WHERE id = %s"
                " RETURNING id, activity_id, author_id, body, created_at, edited_at",
                (text, comment_id),
            )
            row = await cur.fetchone()
            assert row is not None  # noqa: S101 - the row was just read in this transaction
            comment = Comment(*row)
            await _notify_mentioned(
                conn,
                viewer=viewer,
                owner=owner,
                activity_id=activity_id,
                comment=comment,
                named=named,
                me=me,
            )
            return comment

    async def delete_comment(self, viewer: Principal, comment_id: uuid.UUID) -> None:
        """Delete a comment: its author or the activity's athlete may."""
        async with self._pool.connection() as conn, conn.transaction():
            activity_id, author = await _comment_seen(conn, viewer, comment_id)
            owner, _title = await _seen(conn, viewer, activity_id)
            if viewer.account_id not in (author, owner):
                raise NotCommentAuthorError(
                    "only a comment's author or the activity's athlete deletes it"
                )
            await conn.execute("DELETE FROM social.comments WHERE id = %s", (comment_id,))

    async def comments(
        self, viewer: Viewer, activity_id: uuid.UUID, page: PageRequest
    ) -> Page[Comment]:
        """The comments of an activity the viewer may see, oldest first; comments of athletes
        a block stands between the viewer and are left out."""
        async with self._pool.connection() as conn:
            await _seen(conn, viewer, activity_id)
        where, order, params = keyset(("c.created_at", "c.id"), page, descending=False)
        rows = await fetch_all(
            self._pool,
            Comment,
            _COMMENT + " WHERE c.activity_id = %(id)s AND" + _NOT_BLOCKED + " AND " + where + order,
            {"id": activity_id, **viewer_params(viewer), **params},
        )
        return page_of(rows, page)

    async def _name(self, viewer: Principal) -> str:
        found = await directory.summaries(self._pool, viewer.tenant_id, [viewer.account_id])
        me = found.get(viewer.account_id)
        if me is None:
            raise ActivityNotFoundError("no such account in this tenant")
        return me.display_name


async def _seen(
    conn: notifications.Conn, viewer: Viewer, activity_id: uuid.UUID
) -> tuple[uuid.UUID, str]:
    """The athlete and title of an activity the viewer may see (else not found)."""
    cur = await conn.execute(_SEEN, {"id": activity_id, **viewer_params(viewer)})
    row = await cur.fetchone()
    if row is None:
        raise ActivityNotFoundError(f"no activity {activity_id}")
    owner, title = row
    assert isinstance(owner, uuid.UUID)  # noqa: S101 - a uuid column
    assert isinstance(title, str)  # noqa: S101 - a text column
    return owner, title


async def _comment_seen(
    conn: notifications.Conn, viewer: Principal, comment_id: uuid.UUID
) -> tuple[uuid.UUID, uuid.UUID]:
    """The activity and author of a comment on an activity the viewer may see, locked."""
    cur = await conn.execute(
        "SELECT c.activity_id, c.author_id FROM social.comments c"  # noqa: S608 - constants joined, no input
        " WHERE c.id = %(id)s AND EXISTS (SELECT 1 FROM " + VISIBLE_ACTIVITIES + " AS a"
        "   WHERE a.id = c.activity_id) FOR UPDATE OF c",
        {"id": comment_id, **viewer_params(viewer)},
    )
    row = await cur.fetchone()
    if row is None:
        raise CommentNotFoundError(f"no comment {comment_id}")
    activity_id, author = row
    assert isinstance(activity_id, uuid.UUID)  # noqa: S101 - a uuid column
    assert isinstance(author, uuid.UUID)  # noqa: S101 - a uuid column
    return activity_id, author


async def _notify_mentioned(
    conn: notifications.Conn,
    *,
    viewer: Principal,
    owner: uuid.UUID,
    activity_id: uuid.UUID,
    comment: Comment,
    named: list[directory.AccountSummary],
    me: str,
) -> None:
    """Tell each athlete the comment names who may see the activity (not the author, nor the
    activity's athlete: the comment itself tells them)."""
    candidates = [a.id for a in named if a.id not in (viewer.account_id, owner)]
    if not candidates:
        return
    cur = await conn.execute(
        "SELECT m FROM unnest(%(who)s::uuid[]) AS m WHERE EXISTS (SELECT 1 FROM"
        " social.visible_activities(m, %(tenant)s::uuid) AS a WHERE a.id = %(id)s)",
        {"who": candidates, "tenant": viewer.tenant_id, "id": activity_id},
    )
    for (mentioned,) in await cur.fetchall():
        assert isinstance(mentioned, uuid.UUID)  # noqa: S101 - a uuid[] element
        await notifications.enqueue(
            conn,
            mentioned,
            NotificationKind.MENTION,
            {"from_name": me, "excerpt": _excerpt(comment.body)},
            event_key=f"mention:{comment.id}",
        )
