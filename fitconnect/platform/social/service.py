"""Follows and clubs, always within the caller's tenant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import LiteralString

import psycopg
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.db.pages import Page, PageRequest, keyset, page_of
from fitconnect.platform.db.rows import fetch_all, fetch_one
from fitconnect.platform.notifications import service as notifications
from fitconnect.platform.notifications.service import NotificationKind
from fitconnect.platform.social.errors import (
    AthleteNotFoundError,
    BlockedError,
    ClubNameTakenError,
    ClubNotFoundError,
    InvalidClubNameError,
    NotAClubMemberError,
)
from fitconnect.platform.users import directory

MAX_CLUB_NAME = 100


@dataclass(frozen=True, slots=True)
class Club:
    id: uuid.UUID
    name: str
    members: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Link:
    """One person of a list (followed, followers, club members) and since when."""

    account_id: uuid.UUID
    since: datetime


_CLUB = (
    "SELECT c.id, c.name, c.created_at,"
    " (SELECT count(*)::int FROM social.club_members m WHERE m.club_id = c.id) AS members"
    " FROM social.clubs c"
)


class SocialService:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def follow(self, principal: Principal, athlete_id: uuid.UUID) -> bool:
        """Follow another account of the caller's tenant (the users directory says which):
        True when following now, False when the athlete's account is private and the request
        awaits their approval (they are told of either, in the same transaction).
        ``BlockedError`` when either blocked the other."""
        me = principal.account_id
        known = await directory.summaries(self._pool, principal.tenant_id, [athlete_id, me])
        if athlete_id == me or athlete_id not in known:
            raise AthleteNotFoundError(f"no athlete {athlete_id} to follow")
        async with self._pool.connection() as conn, conn.transaction():
            cur = await conn.execute(
                "SELECT EXISTS (SELECT 1 FROM social.blocks WHERE (blocker_id, blocked_id)"
                "   IN ((%(me)s, %(them)s), (%(them)s, %(me)s))),"
                " coalesce((SELECT visibility FROM social.privacy_settings"
                "   WHERE account_id = %(them)s), 'public') = 'private'"
                " AND NOT EXISTS (SELECT 1 FROM social.follows"
                "   WHERE follower_id = %(me)s AND followee_id = %(them)s)",
                {"me": me, "them": athlete_id},
            )
            row = await cur.fetchone()
            assert row is not None  # noqa: S101 - a SELECT of values
            blocked, needs_approval = row
            if blocked:
                raise BlockedError("a block stands between you and this athlete")
            if needs_approval:
                cur = await conn.execute(
                    "INSERT INTO social.follow_requests (requester_id, target_id)"
                    " VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING created_at",
                    (me, athlete_id),
                )
                if (asked := await cur.fetchone()) is not None:
                    await notifications.enqueue(
                        conn,
                        athlete_id,
                        NotificationKind.FOLLOW_REQUEST,
                        {"follower_name": known[me].display_name},
                        event_key=f"follow-request:{me}:{asked[0].isoformat()}",
                    )
                return False
            await _add_follow(conn, me, athlete_id, known[me].display_name)
            return True

    async def follow_requests(self, principal: Principal) -> list[Link]:
        """Who asks to follow the caller (a private account), oldest first."""
        return await fetch_all(
            self._pool,
            Link,
            "SELECT requester_id AS account_id, created_at AS since FROM social.follow_requests"
            " WHERE target_id = %s ORDER BY created_at, requester_id",
            (principal.account_id,),
        )

    async def answer_follow_request(
        self, principal: Principal, requester_id: uuid.UUID, *, approve: bool
    ) -> None:
        """Approve (the requester follows the caller from now on) or decline a request."""
        async with self._pool.connection() as conn, conn.transaction():
            cur = await conn.execute(
                "DELETE FROM social.follow_requests WHERE requester_id = %s AND target_id = %s",
                (requester_id, principal.account_id),
            )
            if cur.rowcount != 1:
                raise AthleteNotFoundError(f"no follow request of {requester_id}")
            if approve:
                await conn.execute(
                    "INSERT INTO social.follows (follower_id, followee_id) VALUES (%s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (requester_id, principal.account_id),
                )

    async def unfollow(self, principal: Principal, athlete_id: uuid.UUID) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM social.follows WHERE follower_id = %s AND followee_id = %s",
                (principal.account_id, athlete_id),
            )

    async def following(self, principal: Principal) -> list[uuid.UUID]:
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT followee_id FROM social.follows WHERE follower_id = %s ORDER BY created_at",
                (principal.account_id,),
            )
            return [row[0] for row in await cur.fetchall()]

    async def following_page(self, principal: Principal, page: PageRequest) -> Page[Link]:
        """The athletes the caller follows, in the order followed."""
        return await self._links(
            "SELECT followee_id AS account_id, created_at AS since FROM social.follows"
            " WHERE follower_id = %(me)s",
            principal.account_id,
            page,
        )

    async def followers_page(self, principal: Principal, page: PageRequest) -> Page[Link]:
        """The athletes who follow the caller, in the order they did."""
        return await self._links(
            "SELECT follower_id AS account_id, created_at AS since FROM social.follows"
            " WHERE followee_id = %(me)s",
            principal.account_id,
            page,
        )

    async def members_page(
        self, principal: Principal, club_id: uuid.UUID, page: PageRequest
    ) -> Page[Link]:
        """The members of a club the caller belongs to, in the order they joined
        (``NotAClubMemberError`` for a club the caller is not in)."""
        await self.club(principal, club_id)  # of the caller's tenant, else not found
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT 1 FROM social.club_members WHERE club_id = %s AND athlete_id = %s",
                (club_id, principal.account_id),
            )
            if await cur.fetchone() is None:
                raise NotAClubMemberError("only a club's members see who is in it")
        return await self._links(
            "SELECT athlete_id AS account_id, joined_at AS since FROM social.club_members"
            " WHERE club_id = %(club)s",
            principal.account_id,
            page,
            club=club_id,
        )

    async def _links(
        self, sql: LiteralString, me: uuid.UUID, page: PageRequest, **params: object
    ) -> Page[Link]:
        where, order, page_params = keyset(("since", "account_id"), page, descending=False)
        rows = await fetch_all(
            self._pool,
            Link,
            "SELECT * FROM (" + sql + ") AS link WHERE " + where + order,  # noqa: S608 - constants and keyset fragments, no input
            {"me": me, **params, **page_params},
        )
        return page_of(rows, page)

    async def create_club(self, principal: Principal, name: str) -> Club:
        """A new club of the caller's tenant, with the caller as its first member."""
        name = name.strip()
        if not 1 <= len(name) <= MAX_CLUB_NAME:
            raise InvalidClubNameError(f"a club name has 1 to {MAX_CLUB_NAME} characters")
        try:
            async with self._pool.connection() as conn, conn.transaction():
                cur = await conn.execute(
                    "INSERT INTO social.clubs (tenant_id, name, created_by) VALUES (%s, %s, %s)"
                    " RETURNING id",
                    (principal.tenant_id, name, principal.account_id),
                )
                row = await cur.fetchone()
                assert row is not None  # noqa: S101 - RETURNING
                await conn.execute(
                    "INSERT INTO social.club_members (club_id, athlete_id) VALUES (%s, %s)",
                    (row[0], principal.account_id),
                )
        except psycopg.errors.UniqueViolation as exc:
            raise ClubNameTakenError(f"a club named {name!r} exists") from exc
        return await self.club(principal, row[0])

    async def join(self, principal: Principal, club_id: uuid.UUID) -> Club:
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO social.club_members (club_id, athlete_id)"
                " SELECT id, %s FROM social.clubs WHERE id = %s AND tenant_id = %s"
                " ON CONFLICT DO NOTHING",
                (principal.account_id, club_id, principal.tenant_id),
            )
        return await self.club(principal, club_id)

    async def leave(self, principal: Principal, club_id: uuid.UUID) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM social.club_members WHERE club_id = %s AND athlete_id = %s",
                (club_id, principal.account_id),
            )

    async def club(self, principal: Principal, club_id: uuid.UUID) -> Club:
        found = await fetch_one(
            self._pool,
            Club,
            _CLUB + " WHERE c.id = %s AND c.tenant_id = %s",
            (club_id, principal.tenant_id),
        )
        if found is None:
            raise ClubNotFoundError(f"no club {club_id}")
        return found

    async def clubs(self, principal: Principal) -> list[Club]:
        """The clubs the caller belongs to."""
        return await fetch_all(
            self._pool,
            Club,
            _CLUB + " JOIN social.club_members me ON me.club_id = c.id AND me.athlete_id = %s"
            " ORDER BY c.name",
            (principal.account_id,),
        )

    async def club_members(self, principal: Principal, club_id: uuid.UUID) -> list[uuid.UUID]:
        """The members of a club the caller belongs to (``NotAClubMemberError`` otherwise)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT m.athlete_id FROM social.club_members m"
                " JOIN social.clubs c ON c.id = m.club_id AND c.tenant_id = %s"
                " WHERE m.club_id = %s",
                (principal.tenant_id, club_id),
            )
            members = [row[0] for row in await cur.fetchall()]
        if principal.account_id not in members:
            raise NotAClubMemberError("only a club's members see its leaderboard")
        return members


async def _add_follow(
    conn: notifications.Conn, me: uuid.UUID, athlete_id: uuid.UUID, my_name: str
) -> None:
    """``me`` follows the athlete from now on; a new follow tells the athlete who follows them."""
    cur = await conn.execute(
        "INSERT INTO social.follows (follower_id, followee_id) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING RETURNING created_at",
        (me, athlete_id),
    )
    followed = await cur.fetchone()
    if followed is not None:
        since = followed[0]
        assert isinstance(since, datetime)  # noqa: S101 - RETURNING a timestamptz
        await notifications.enqueue(
            conn,
            athlete_id,
            NotificationKind.NEW_FOLLOWER,
            {"follower_name": my_name},
            event_key=f"follow:{me}:{since.isoformat()}",
        )
