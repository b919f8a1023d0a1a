"""One search box over athletes, clubs and activities, privacy-filtered.

``SearchBackend`` is the protocol a search engine implements; ``PostgresSearch`` is the one
built: PostgreSQL full-text search on weighted tsvectors (names A, titles B, descriptions C;
an English and a 'simple' vector, queried with ``websearch_to_tsquery`` in both) plus pg_trgm
(``word_similarity``, ``<%``) for typos and prefixes. The activity and club vectors are
generated columns of social's own tables (migration ``s002``): PostgreSQL keeps them current
on every write, no trigger or outbox. Athletes are matched by the users directory
(``directory.search_names``) and kept to those the viewer may see (``visibility.sees_athletes``);
activities are read from ``visibility.VISIBLE_ACTIVITIES``, so a search finds only what the
viewer may open; clubs are the viewer's tenant's.

Hits of the kinds asked for are merged by score, best first; a page's cursor is the offset of
its next hit (opaque).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import LiteralString, Protocol

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.db.pages import MAX_PAGE, Page
from fitconnect.platform.social.errors import InvalidFeedCursorError, InvalidSearchError
from fitconnect.platform.social.visibility import (
    VISIBLE_ACTIVITIES,
    Audience,
    sees_athletes,
    viewer_params,
)
from fitconnect.platform.users import directory

MAX_QUERY = 200
MAX_OFFSET = 1000


class SearchKind(StrEnum):
    ATHLETE = "athlete"
    CLUB = "club"
    ACTIVITY = "activity"


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: SearchKind
    id: uuid.UUID
    title: str
    score: float


class SearchBackend(Protocol):
    """What a search engine answers: the viewer's best ``limit`` hits of ``kinds``."""

    async def hits(
        self, viewer: Principal, query: str, kinds: frozenset[SearchKind], limit: int
    ) -> list[SearchHit]: ...


_TSQUERY: LiteralString = (
    "(websearch_to_tsquery('english', %(text)s) || websearch_to_tsquery('simple', %(text)s))"
)
_ACTIVITIES: LiteralString = (
    "SELECT a.id, a.title,"  # noqa: S608 - constants joined, no input
    " (ts_rank(s.search_doc, q) + word_similarity(%(text)s, a.title))::float8"
    " FROM " + VISIBLE_ACTIVITIES + " AS a JOIN social.activities s ON s.id = a.id,"
    " (SELECT " + _TSQUERY + ") AS qs(q)"
    " WHERE s.search_doc @@ q OR %(text)s <%% s.title"
    " ORDER BY 3 DESC, a.id LIMIT %(limit)s"
)
_CLUBS: LiteralString = (
    "SELECT c.id, c.name,"  # noqa: S608 - constants joined, no input
    " (2 * ts_rank(c.search_doc, q) + word_similarity(%(text)s, c.name))::float8"
    " FROM social.clubs c, (SELECT " + _TSQUERY + ") AS qs(q)"
    " WHERE c.tenant_id = %(viewer_tenant)s AND (c.search_doc @@ q OR %(text)s <%% c.name)"
    " ORDER BY 3 DESC, c.id LIMIT %(limit)s"
)


class PostgresSearch:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def hits(
        self, viewer: Principal, query: str, kinds: frozenset[SearchKind], limit: int
    ) -> list[SearchHit]:
        found: list[SearchHit] = []
        params = {"text": query, "limit": limit, **viewer_params(viewer)}
        async with self._pool.connection() as conn:
            for kind, sql in ((SearchKind.ACTIVITY, _ACTIVITIES), (SearchKind.CLUB, _CLUBS)):
                if kind in kinds:
                    cur = await conn.execute(sql, params)
                    found += [SearchHit(kind, r[0], r[1], r[2]) for r in await cur.fetchall()]
        if SearchKind.ATHLETE in kinds:
            people = await directory.search_names(self._pool, viewer.tenant_id, query, limit)
            seen = await sees_athletes(self._pool, viewer, [p[0] for p in people], Audience.TENANT)
            found += [
                SearchHit(SearchKind.ATHLETE, i, name, 2 * score)  # names weigh most
                for i, name, score in people
                if i in seen
            ]
        return found


def search_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"s{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        offset = int(raw[1:]) if raw.startswith("s") else -1
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidFeedCursorError(f"{cursor!r} is not a cursor of this search") from exc
    if not 0 < offset <= MAX_OFFSET:
        raise InvalidFeedCursorError(f"{cursor!r} is not a cursor of this search")
    return offset


class SearchService:
    def __init__(self, backend: SearchBackend) -> None:
        self._backend = backend

    async def search(
        self,
        viewer: Principal,
        query: str,
        kinds: frozenset[SearchKind] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> tuple[Page[SearchHit], int]:
        """A page of the viewer's hits, best first, and the offset of its first hit."""
        text = " ".join(query.split())
        if not 1 <= len(text) <= MAX_QUERY:
            raise InvalidSearchError(f"a search has 1 to {MAX_QUERY} characters")
        start = _offset(after) if after is not None else 0
        size = min(max(first, 1), MAX_PAGE)
        found = await self._backend.hits(
            viewer, text, kinds or frozenset(SearchKind), start + size + 1
        )
        found.sort(key=lambda h: (-h.score, h.kind.value, h.id))
        rows = found[start : start + size + 1]
        return Page(rows[:size], has_next=len(rows) > size, has_previous=start > 0), start
