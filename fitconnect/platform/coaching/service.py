"""Coaching links: invite, accept or refuse, revoke; and who may read whose data.

An invitation, an acceptance and a revocation notify the other side, in the transaction of
the link's change.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.coaching.errors import (
    NoSuchAthleteError,
    NoSuchInvitationError,
    NotACoachError,
    ReadForbiddenError,
)
from fitconnect.platform.notifications import service as notifications
from fitconnect.platform.notifications.service import NotificationKind
from fitconnect.platform.users import directory


@dataclass(frozen=True, slots=True)
class Link:
    coach_id: uuid.UUID
    athlete_id: uuid.UUID
    status: str
    updated_at: datetime


_LINK = "coach_id, athlete_id, status, updated_at"


@dataclass(frozen=True, slots=True)
class _Notice:
    """Whom a link's change notifies, of what, and the name shown (the one who changed it)."""

    to: uuid.UUID
    kind: NotificationKind
    name_variable: str
    name: str


class CoachingService:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def invite(self, coach: Principal, athlete_email: str) -> Link:
        if coach.role is not Role.COACH:
            raise NotACoachError("only coaches invite athletes")
        athlete = await directory.by_email(self._pool, coach.tenant_id, athlete_email)
        if athlete is None or athlete.role != Role.ATHLETE.value:
            raise NoSuchAthleteError(f"no athlete {athlete_email} in your tenant")
        name = await self._name(coach)
        notice = _Notice(athlete.id, NotificationKind.COACH_INVITE, "coach_name", name)
        return await self._set(coach.account_id, athlete.id, "invited", None, notice)

    async def respond(self, athlete: Principal, coach_id: uuid.UUID, *, accept: bool) -> Link:
        """Accept (the coach is told) or refuse (quietly) a coach's invitation."""
        if not accept:
            return await self._set(coach_id, athlete.account_id, "refused", "invited", None)
        name = await self._name(athlete)
        notice = _Notice(coach_id, NotificationKind.COACH_ACCEPTED, "athlete_name", name)
        return await self._set(coach_id, athlete.account_id, "accepted", "invited", notice)

    async def revoke(self, athlete: Principal, coach_id: uuid.UUID) -> Link:
        """The athlete ends a coach's access, at once; the coach is told."""
        name = await self._name(athlete)
        notice = _Notice(coach_id, NotificationKind.COACH_REVOKED, "other_name", name)
        return await self._set(coach_id, athlete.account_id, "revoked", "accepted", notice)

    async def _name(self, principal: Principal) -> str:
        found = await directory.summaries(self._pool, principal.tenant_id, [principal.account_id])
        return found[principal.account_id].display_name

    async def end_links_of(self, account_ids: Sequence[uuid.UUID]) -> None:
        """End every open link of these (deleted) accounts, as coach or as athlete: nobody
        reads a deleted athlete's data, and a deleted coach's invitations lapse."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "UPDATE coaching.links SET status = 'revoked', updated_at = now()"
                " WHERE (coach_id = ANY(%s) OR athlete_id = ANY(%s))"
                " AND status IN ('invited', 'accepted')",
                (list(account_ids), list(account_ids)),
            )

    async def links(self, principal: Principal) -> list[Link]:
        """The caller's links, as coach or as athlete."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=class_row(Link)) as cur:
            await cur.execute(
                f"SELECT {_LINK} FROM coaching.links"  # noqa: S608 - fixed column list
                " WHERE coach_id = %s OR athlete_id = %s ORDER BY updated_at DESC",
                (principal.account_id, principal.account_id),
            )
            return await cur.fetchall()

    async def readable_athlete(
        self, principal: Principal, athlete_id: uuid.UUID | None
    ) -> uuid.UUID:
        """The athlete whose data the caller asks for, if the caller may read it."""
        if athlete_id is None or athlete_id == principal.account_id:
            return principal.account_id
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT 1 FROM coaching.links"
                " WHERE coach_id = %s AND athlete_id = %s AND status = 'accepted'",
                (principal.account_id, athlete_id),
            )
            if await cur.fetchone() is None:
                raise ReadForbiddenError("not your athlete")
        return athlete_id

    async def _set(
        self,
        coach_id: uuid.UUID,
        athlete_id: uuid.UUID,
        status: str,
        only_from: str | None,
        notice: _Notice | None,
    ) -> Link:
        """Create (``only_from`` None) or move a link from ``only_from`` to ``status``."""
        async with (
            self._pool.connection() as conn,
            conn.transaction(),
            conn.cursor(row_factory=class_row(Link)) as cur,
        ):
            if only_from is None:
                await cur.execute(
                    "INSERT INTO coaching.links (coach_id, athlete_id, status)"
                    " VALUES (%s, %s, %s) ON CONFLICT (coach_id, athlete_id) DO UPDATE"
                    " SET status = EXCLUDED.status, updated_at = now()"
                    " RETURNING coach_id, athlete_id, status, updated_at",
                    (coach_id, athlete_id, status),
                )
            else:
                await cur.execute(
                    "UPDATE coaching.links SET status = %s, updated_at = now()"
                    " WHERE coach_id = %s AND athlete_id = %s AND status = %s"
                    " RETURNING coach_id, athlete_id, status, updated_at",
                    (status, coach_id, athlete_id, only_from),
                )
            link = await cur.fetchone()
            if link is None:
                raise NoSuchInvitationError(f"no {only_from} link with {coach_id}")
            if notice is not None:
                await notifications.enqueue(
                    conn,
                    notice.to,
                    notice.kind,
                    {notice.name_variable: notice.name},
                    event_key=f"link:{coach_id}:{athlete_id}:{link.updated_at.isoformat()}",
                )
        return link
