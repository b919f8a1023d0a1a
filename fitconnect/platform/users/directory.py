"""Who is who in a tenant, published to the other contexts (coaching, social, the gateway):
names and roles shown beside ids, an account found by its e-mail address, an athlete's
stated FTP (workouts)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.db.rows import fetch_all


@dataclass(frozen=True, slots=True)
class AccountSummary:
    id: uuid.UUID
    display_name: str
    role: str


async def summaries(
    pool: AsyncConnectionPool, tenant_id: uuid.UUID, ids: list[uuid.UUID]
) -> dict[uuid.UUID, AccountSummary]:
    """The accounts of ``tenant_id`` among ``ids``, in one statement (others are absent)."""
    found = await fetch_all(
        pool,
        AccountSummary,
        "SELECT id, display_name, role FROM users.accounts WHERE tenant_id = %s AND id = ANY(%s)",
        (tenant_id, ids),
    )
    return {a.id: a for a in found}


async def by_email(
    pool: AsyncConnectionPool, tenant_id: uuid.UUID, email: str
) -> AccountSummary | None:
    """The account of ``tenant_id`` with this e-mail address (any case), if there is one."""
    found = await fetch_all(
        pool,
        AccountSummary,
        "SELECT id, display_name, role FROM users.accounts"
        " WHERE tenant_id = %s AND lower(email) = lower(%s)",
        (tenant_id, email),
    )
    return found[0] if found else None


async def ftp_of(
    pool: AsyncConnectionPool, tenant_id: uuid.UUID, account_id: uuid.UUID
) -> int | None:
    """The athlete's stated FTP in watts (None if not given), for the workouts context: what
    a plan's per cent of FTP means in watts on the trainer, and a watts target's intensity."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT ftp_w FROM users.accounts WHERE tenant_id = %s AND id = %s",
            (tenant_id, account_id),
        )
        row = await cur.fetchone()
    return None if row is None or row[0] is None else int(row[0])


async def by_mention(
    pool: AsyncConnectionPool, tenant_id: uuid.UUID, handles: list[str]
) -> list[AccountSummary]:
    """The accounts of ``tenant_id`` an ``@handle`` names: a handle is the display name without
    its spaces, any case (``@AnnLee`` names "Ann Lee"), in one statement."""
    if not handles:
        return []
    return await fetch_all(
        pool,
        AccountSummary,
        "SELECT id, display_name, role FROM users.accounts WHERE tenant_id = %s"
        " AND lower(regexp_replace(display_name, '\\s', '', 'g')) = ANY(%s)",
        (tenant_id, [h.lower() for h in handles]),
    )


async def search_names(
    pool: AsyncConnectionPool, tenant_id: uuid.UUID, query: str, limit: int
) -> list[tuple[uuid.UUID, str, float]]:
    """The accounts of ``tenant_id`` whose display name matches ``query`` (its words, a
    prefix, or a near spelling by trigrams), best first: (id, name, score)."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT id, display_name, (2 * ts_rank(to_tsvector('simple', display_name), q)"
            "   + word_similarity(%(text)s, display_name))::float8 AS score"
            " FROM users.accounts, websearch_to_tsquery('simple', %(text)s) AS q"
            " WHERE tenant_id = %(tenant)s AND (to_tsvector('simple', display_name) @@ q"
            "   OR %(text)s <%% display_name OR display_name ILIKE %(prefix)s)"
            " ORDER BY score DESC, id LIMIT %(limit)s",
            {
                "text": query,
                "tenant": tenant_id,
                "prefix": query.replace("\\", "").replace("%", "").replace("_", "") + "%",
                "limit": limit,
            },
        )
        return [(r[0], r[1], float(r[2])) for r in await cur.fetchall()]
