"""Who is who in a tenant: the names and roles lists show beside ids (coaches, athletes)."""

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
