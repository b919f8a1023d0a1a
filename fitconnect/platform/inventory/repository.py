"""SQL of the inventory context (schema ``inventory``): the only module that writes it.

Stock rows are locked in one fixed order, (variant_id, location_id) ascending, by every
statement that locks more than one, so two transactions never wait on each other in a cycle.
``stocked`` changes only in the statement that appends its adjustment (``adjust``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from fitconnect.platform.db.pages import Page, PageRequest, keyset, page_of
from fitconnect.platform.inventory.models import (
    Adjustment,
    Location,
    LocationKind,
    NewVariant,
    Product,
    Reservation,
    ReservationLine,
    ReservationStatus,
    Variant,
)

Conn = AsyncConnection[tuple[object, ...]]
Key = tuple[uuid.UUID, uuid.UUID]
"""A stock row's key: (variant_id, location_id)."""


@dataclass(frozen=True, slots=True)
class StockRow:
    variant_id: uuid.UUID
    location_id: uuid.UUID
    stocked: int
    allocated: int


@dataclass(frozen=True, slots=True)
class _ProductRow:
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class _VariantRow:
    id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    price_minor: int
    currency: str
    attributes: dict[str, str]

    def variant(self) -> Variant:
        return Variant(
            self.id, self.product_id, self.sku, self.price_minor, self.currency, self.attributes
        )


_VARIANT = "id, product_id, sku, price_minor, currency, attributes"


async def insert_product(
    conn: Conn, tenant_id: uuid.UUID, name: str, description: str, variants: list[NewVariant]
) -> Product:
    async with conn.cursor(row_factory=class_row(_ProductRow)) as cur:
        await cur.execute(
            "INSERT INTO inventory.products (tenant_id, name, description) VALUES (%s, %s, %s)"
            " RETURNING id, name, description, created_at",
            (tenant_id, name, description),
        )
        row = await cur.fetchone()
    assert row is not None  # noqa: S101 - INSERT … RETURNING returns its row
    async with conn.cursor(row_factory=class_row(_VariantRow)) as cur:
        await cur.execute(
            "INSERT INTO inventory.variants (tenant_id, product_id, sku, price_minor, currency,"  # noqa: S608 - fixed columns
            " attributes) SELECT %s, %s, v.sku, v.price, v.currency, v.attributes"
            " FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::jsonb[])"
            " WITH ORDINALITY AS v(sku, price, currency, attributes, n)"
            f" ORDER BY v.n RETURNING {_VARIANT}",
            (
                tenant_id,
                row.id,
                [v.sku for v in variants],
                [v.price_minor for v in variants],
                [v.currency for v in variants],
                [Jsonb(v.attributes) for v in variants],
            ),
        )
        made = [v.variant() for v in await cur.fetchall()]
    return Product(row.id, row.name, row.description, row.created_at, made)


async def taken_skus(conn: Conn, tenant_id: uuid.UUID, skus: list[str]) -> list[str]:
    cur = await conn.execute(
        "SELECT sku FROM inventory.variants WHERE tenant_id = %s AND sku = ANY(%s) ORDER BY sku",
        (tenant_id, skus),
    )
    return [str(r[0]) for r in await cur.fetchall()]


async def products(conn: Conn, tenant_id: uuid.UUID, request: PageRequest) -> Page[Product]:
    """A page of the tenant's products by id, each with its variants."""
    where, order, params = keyset(("id",), request, descending=False)
    async with conn.cursor(row_factory=class_row(_ProductRow)) as cur:
        await cur.execute(
            "SELECT id, name, description, created_at FROM inventory.products"  # noqa: S608 - fixed columns
            " WHERE tenant_id = %(tenant)s AND " + where + order,
            {"tenant": tenant_id, **params},
        )
        page = page_of(await cur.fetchall(), request)
    async with conn.cursor(row_factory=class_row(_VariantRow)) as cur:
        await cur.execute(
            f"SELECT {_VARIANT} FROM inventory.variants WHERE product_id = ANY(%s)"  # noqa: S608 - fixed columns
            " ORDER BY sku",
            ([r.id for r in page.items],),
        )
        variants = [v.variant() for v in await cur.fetchall()]
    items = [
        Product(
            r.id,
            r.name,
            r.description,
            r.created_at,
            [v for v in variants if v.product_id == r.id],
        )
        for r in page.items
    ]
    return Page(items, page.has_next, page.has_previous)


async def variants_by_sku(conn: Conn, tenant_id: uuid.UUID, skus: list[str]) -> dict[str, Variant]:
    async with conn.cursor(row_factory=class_row(_VariantRow)) as cur:
        await cur.execute(
            f"SELECT {_VARIANT} FROM inventory.variants WHERE tenant_id = %s AND sku = ANY(%s)",  # noqa: S608 - fixed columns
            (tenant_id, skus),
        )
        return {v.sku: v.variant() for v in await cur.fetchall()}


async def insert_location(
    conn: Conn, tenant_id: uuid.UUID, name: str, kind: LocationKind
) -> Location | None:
    """The new location, or None when the tenant has one of that name."""
    cur = await conn.execute(
        "INSERT INTO inventory.locations (tenant_id, name, kind) VALUES (%s, %s, %s)"
        " ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id",
        (tenant_id, name, kind.value),
    )
    row = await cur.fetchone()
    return None if row is None else Location(uuid.UUID(str(row[0])), name, kind)


async def locations(
    conn: Conn, tenant_id: uuid.UUID, ids: list[uuid.UUID] | None = None
) -> list[Location]:
    cur = await conn.execute(
        "SELECT id, name, kind FROM inventory.locations WHERE tenant_id = %s"
        " AND (%s::uuid[] IS NULL OR id = ANY(%s)) ORDER BY name, id",
        (tenant_id, ids, ids),
    )
    return [
        Location(uuid.UUID(str(i)), str(n), LocationKind(str(k)))
        for i, n, k in await cur.fetchall()
    ]


async def lock_stock(conn: Conn, tenant_id: uuid.UUID, keys: list[Key]) -> dict[Key, StockRow]:
    """Create the missing stock rows of ``keys`` (at 0) and lock them all, in key order."""
    ordered = sorted(keys)
    variants, places = [k[0] for k in ordered], [k[1] for k in ordered]
    await conn.execute(
        "INSERT INTO inventory.stock (variant_id, location_id, tenant_id)"
        " SELECT v, l, %s FROM unnest(%s::uuid[], %s::uuid[]) AS k(v, l) ORDER BY v, l"
        " ON CONFLICT DO NOTHING",
        (tenant_id, variants, places),
    )
    return await _locked(conn, variants, places)


async def lock_existing_stock(conn: Conn, keys: list[Key]) -> dict[Key, StockRow]:
    """Lock the stock rows of ``keys`` that exist, in key order (a buyer creates none)."""
    ordered = sorted(keys)
    return await _locked(conn, [k[0] for k in ordered], [k[1] for k in ordered])


async def _locked(
    conn: Conn, variants: list[uuid.UUID], places: list[uuid.UUID]
) -> dict[Key, StockRow]:
    async with conn.cursor(row_factory=class_row(StockRow)) as cur:
        await cur.execute(
            "SELECT s.variant_id, s.location_id, s.stocked, s.allocated FROM inventory.stock s"
            " JOIN unnest(%s::uuid[], %s::uuid[]) AS k(v, l)"
            " ON s.variant_id = k.v AND s.location_id = k.l"
            " ORDER BY s.variant_id, s.location_id FOR UPDATE OF s",
            (variants, places),
        )
        return {(r.variant_id, r.location_id): r for r in await cur.fetchall()}


async def reserved(conn: Conn, keys: list[Key]) -> dict[Key, int]:
    """The quantities held by unexpired active reservations at each key."""
    cur = await conn.execute(
        "SELECT r.variant_id, r.location_id, sum(r.quantity)::int"
        " FROM inventory.reservation_lines r JOIN unnest(%s::uuid[], %s::uuid[]) AS k(v, l)"
        " ON r.variant_id = k.v AND r.location_id = k.l"
        " WHERE r.active AND r.expires_at > now() GROUP BY r.variant_id, r.location_id",
        ([k[0] for k in keys], [k[1] for k in keys]),
    )
    return {
        (uuid.UUID(str(v)), uuid.UUID(str(lo))): int(str(q)) for v, lo, q in await cur.fetchall()
    }


async def adjust(
    conn: Conn,
    tenant_id: uuid.UUID,
    key: Key,
    *,
    delta: int,
    reason: str,
    actor_id: uuid.UUID,
) -> tuple[int, datetime]:
    """Append the adjustment and move ``stocked`` by its delta, in one statement."""
    cur = await conn.execute(
        "WITH a AS (INSERT INTO inventory.adjustments"
        " (tenant_id, variant_id, location_id, delta, reason, actor_id)"
        " VALUES (%s, %s, %s, %s, %s, %s)"
        " RETURNING id, variant_id, location_id, delta, created_at),"
        " s AS (UPDATE inventory.stock SET stocked = stocked + a.delta FROM a"
        " WHERE stock.variant_id = a.variant_id AND stock.location_id = a.location_id)"
        " SELECT id, created_at FROM a",
        (tenant_id, key[0], key[1], delta, reason, actor_id),
    )
    row = await cur.fetchone()
    assert row is not None  # noqa: S101 - INSERT … RETURNING returns its row
    return int(str(row[0])), row[1]  # type: ignore[return-value]


async def adjustments(
    conn: Conn, tenant_id: uuid.UUID, variant_id: uuid.UUID, limit: int
) -> list[Adjustment]:
    cur = await conn.execute(
        "SELECT a.id, v.sku, a.location_id, a.delta, a.reason, a.actor_id, a.created_at"
        " FROM inventory.adjustments a JOIN inventory.variants v ON v.id = a.variant_id"
        " WHERE a.tenant_id = %s AND a.variant_id = %s ORDER BY a.id DESC LIMIT %s",
        (tenant_id, variant_id, limit),
    )
    return [Adjustment(*row) for row in await cur.fetchall()]  # type: ignore[arg-type]


async def insert_reservation(
    conn: Conn,
    tenant_id: uuid.UUID,
    owner_id: uuid.UUID,
    ttl_s: int,
    lines: list[tuple[Key, int]],
) -> tuple[uuid.UUID, datetime, datetime]:
    """The new reservation's id, expiry and creation time."""
    cur = await conn.execute(
        "INSERT INTO inventory.reservations (tenant_id, owner_id, expires_at)"
        " VALUES (%s, %s, now() + make_interval(secs => %s)) RETURNING id, expires_at, created_at",
        (tenant_id, owner_id, ttl_s),
    )
    row = await cur.fetchone()
    assert row is not None  # noqa: S101 - INSERT … RETURNING returns its row
    reservation_id = uuid.UUID(str(row[0]))
    await conn.execute(
        "INSERT INTO inventory.reservation_lines"
        " (reservation_id, variant_id, location_id, quantity, expires_at)"
        " SELECT %s, k.v, k.l, k.q, %s FROM unnest(%s::uuid[], %s::uuid[], %s::int[])"
        " AS k(v, l, q)",
        (
            reservation_id,
            row[1],
            [k[0] for k, _ in lines],
            [k[1] for k, _ in lines],
            [q for _, q in lines],
        ),
    )
    return reservation_id, row[1], row[2]  # type: ignore[return-value]


async def reservation(
    conn: Conn, tenant_id: uuid.UUID, reservation_id: uuid.UUID, *, lock: bool = False
) -> Reservation | None:
    cur = await conn.execute(
        "SELECT id, owner_id, status, expires_at, created_at FROM inventory.reservations"  # noqa: S608 - fixed
        " WHERE tenant_id = %s AND id = %s" + (" FOR UPDATE" if lock else ""),
        (tenant_id, reservation_id),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    lines = await conn.execute(
        "SELECT v.sku, l.variant_id, l.location_id, l.quantity"
        " FROM inventory.reservation_lines l JOIN inventory.variants v ON v.id = l.variant_id"
        " WHERE l.reservation_id = %s ORDER BY l.variant_id, l.location_id",
        (reservation_id,),
    )
    return Reservation(
        id=uuid.UUID(str(row[0])),
        owner_id=uuid.UUID(str(row[1])),
        status=ReservationStatus(str(row[2])),
        expires_at=row[3],  # type: ignore[arg-type]
        created_at=row[4],  # type: ignore[arg-type]
        lines=[ReservationLine(*line) for line in await lines.fetchall()],  # type: ignore[arg-type]
    )


async def close_reservation(
    conn: Conn, reservation_id: uuid.UUID, status: ReservationStatus
) -> None:
    await conn.execute(
        "UPDATE inventory.reservations SET status = %s, closed_at = now() WHERE id = %s",
        (status.value, reservation_id),
    )
    await conn.execute(
        "UPDATE inventory.reservation_lines SET active = false WHERE reservation_id = %s",
        (reservation_id,),
    )


async def allocate(conn: Conn, lines: list[tuple[Key, int]]) -> None:
    """Move the quantities into ``allocated`` (the rows are locked by the caller)."""
    await conn.execute(
        "UPDATE inventory.stock s SET allocated = s.allocated + k.q"
        " FROM unnest(%s::uuid[], %s::uuid[], %s::int[]) AS k(v, l, q)"
        " WHERE s.variant_id = k.v AND s.location_id = k.l",
        ([k[0] for k, _ in lines], [k[1] for k, _ in lines], [q for _, q in lines]),
    )


async def expire_reservations(conn: Conn, limit: int) -> int:
    """Mark up to ``limit`` active reservations past their expiry expired; how many."""
    cur = await conn.execute(
        "WITH e AS (UPDATE inventory.reservations SET status = 'expired', closed_at = now()"
        " WHERE id IN (SELECT id FROM inventory.reservations WHERE status = 'active'"
        " AND expires_at <= now() ORDER BY expires_at LIMIT %s FOR UPDATE SKIP LOCKED)"
        " RETURNING id),"
        " l AS (UPDATE inventory.reservation_lines SET active = false"
        " WHERE reservation_id IN (SELECT id FROM e))"
        " SELECT count(*) FROM e",
        (limit,),
    )
    row = await cur.fetchone()
    return int(str(row[0])) if row else 0


async def levels(
    conn: Conn, variant_ids: list[uuid.UUID], location_ids: list[uuid.UUID]
) -> dict[Key, tuple[int, int, int]]:
    """(stocked, allocated, reserved) of every stocked (variant, location) of these."""
    cur = await conn.execute(
        "SELECT s.variant_id, s.location_id, s.stocked, s.allocated,"
        " coalesce((SELECT sum(r.quantity) FROM inventory.reservation_lines r"
        " WHERE r.variant_id = s.variant_id AND r.location_id = s.location_id"
        " AND r.active AND r.expires_at > now()), 0)::int"
        " FROM inventory.stock s WHERE s.variant_id = ANY(%s) AND s.location_id = ANY(%s)",
        (variant_ids, location_ids),
    )
    return {
        (uuid.UUID(str(v)), uuid.UUID(str(lo))): (int(str(s)), int(str(a)), int(str(r)))
        for v, lo, s, a, r in await cur.fetchall()
    }
