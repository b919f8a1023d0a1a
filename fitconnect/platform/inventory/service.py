"""Catalogue, stock and reservations: the rules of the inventory context.

The tenant's owner and its admins write the catalogue, the locations and the stock; everyone
of the tenant reads them and reserves. A reservation is all or nothing in one transaction: its
stock rows are locked in (variant, location) order, and every line must fit in what is
available (stocked - allocated - unexpired reservations), or nothing is written.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from psycopg import errors as pg_errors
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.auth.tenancy import TenancyService
from fitconnect.platform.db.pages import Page, PageRequest
from fitconnect.platform.inventory import repository as repo
from fitconnect.platform.inventory.errors import (
    InsufficientStockError,
    InvalidCatalogueError,
    InvalidQuantityError,
    LocationNotFoundError,
    NotInventoryAdminError,
    ReservationClosedError,
    ReservationNotFoundError,
    UnknownSkuError,
)
from fitconnect.platform.inventory.models import (
    Adjustment,
    LineRequest,
    Location,
    LocationKind,
    NewVariant,
    Product,
    Reservation,
    ReservationLine,
    ReservationStatus,
    StockLevel,
)
from fitconnect.platform.polling import every

SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CURRENCIES = frozenset(
    (
        *("AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "INR"),
        *("JPY", "KRW", "MXN", "NOK", "NZD", "PLN", "SEK", "SGD", "TRY", "USD", "ZAR"),
    )
)
"""The ISO 4217 currencies prices may be in."""
MAX_PRICE_MINOR = 10**12
MAX_QUANTITY = 10_000
"""The most one line of a reservation takes."""
MAX_DELTA = 1_000_000
MAX_LINES = 50
MAX_SKUS = 100
DEFAULT_TTL_S = 900
MIN_TTL_S, MAX_TTL_S = 1, 3600
MAX_VARIANTS = 50
MAX_ATTRIBUTES = 20


class InventoryService:
    def __init__(self, pool: AsyncConnectionPool, tenancy: TenancyService) -> None:
        self._pool = pool
        self._tenancy = tenancy

    async def _require_admin(self, principal: Principal) -> None:
        if principal.role is Role.ADMIN:
            return
        tenant = await self._tenancy.tenant(principal)
        if tenant.owner_id != principal.account_id:
            raise NotInventoryAdminError("catalogue and stock are the tenant's admins' to write")

    # -- catalogue ------------------------------------------------------------------------

    async def create_product(
        self, principal: Principal, name: str, variants: list[NewVariant], description: str = ""
    ) -> Product:
        await self._require_admin(principal)
        name = name.strip()
        if not 1 <= len(name) <= 200 or len(description) > 2000:
            raise InvalidCatalogueError("a product's name is 1 to 200 characters")
        if not 1 <= len(variants) <= MAX_VARIANTS:
            raise InvalidCatalogueError(f"a product has 1 to {MAX_VARIANTS} variants")
        for v in variants:
            _check_variant(v)
        skus = [v.sku for v in variants]
        if len(set(skus)) != len(skus):
            raise InvalidCatalogueError("a SKU is given twice")
        async with self._pool.connection() as conn, conn.transaction():
            if taken := await repo.taken_skus(conn, principal.tenant_id, skus):
                raise InvalidCatalogueError(f"SKU already in the catalogue: {', '.join(taken)}")
            try:
                return await repo.insert_product(
                    conn, principal.tenant_id, name, description, variants
                )
            except pg_errors.UniqueViolation as exc:  # taken meanwhile
                raise InvalidCatalogueError("SKU already in the catalogue") from exc

    async def products(self, principal: Principal, request: PageRequest) -> Page[Product]:
        """A page of the tenant's catalogue, by product id."""
        async with self._pool.connection() as conn:
            return await repo.products(conn, principal.tenant_id, request)

    async def create_location(
        self, principal: Principal, name: str, kind: LocationKind
    ) -> Location:
        await self._require_admin(principal)
        name = name.strip()
        if not 1 <= len(name) <= 200:
            raise InvalidCatalogueError("a location's name is 1 to 200 characters")
        async with self._pool.connection() as conn:
            made = await repo.insert_location(conn, principal.tenant_id, name, kind)
        if made is None:
            raise InvalidCatalogueError(f"a location named {name!r} exists")
        return made

    async def locations(self, principal: Principal) -> list[Location]:
        async with self._pool.connection() as conn:
            return await repo.locations(conn, principal.tenant_id)

    # -- stock ----------------------------------------------------------------------------

    async def adjust(
        self, principal: Principal, sku: str, location_id: uuid.UUID, delta: int, reason: str
    ) -> StockLevel:
        """Add (delta > 0) or remove stock, with why; a removal may not take what is
        allocated or reserved. The adjustment is logged in the same transaction."""
        await self._require_admin(principal)
        if delta == 0 or abs(delta) > MAX_DELTA:
            raise InvalidQuantityError(f"a delta is non-zero and at most {MAX_DELTA} either way")
        reason = reason.strip()
        if not 1 <= len(reason) <= 200:
            raise InvalidCatalogueError("an adjustment says why in 1 to 200 characters")
        async with self._pool.connection() as conn, conn.transaction():
            variant = (await repo.variants_by_sku(conn, principal.tenant_id, [sku])).get(sku)
            if variant is None:
                raise UnknownSkuError([sku])
            if not await repo.locations(conn, principal.tenant_id, [location_id]):
                raise LocationNotFoundError(f"no location {location_id}")
            key = (variant.id, location_id)
            row = (await repo.lock_stock(conn, principal.tenant_id, [key]))[key]
            held = (await repo.reserved(conn, [key])).get(key, 0)
            available = row.stocked - row.allocated - held
            if delta < 0 and -delta > available:
                raise InsufficientStockError(sku, location_id, available, -delta)
            await repo.adjust(
                conn,
                principal.tenant_id,
                key,
                delta=delta,
                reason=reason,
                actor_id=principal.account_id,
            )
        return StockLevel(sku, variant.id, location_id, row.stocked + delta, row.allocated, held)

    async def adjustments(
        self, principal: Principal, sku: str, limit: int = 50
    ) -> list[Adjustment]:
        """The newest adjustments of a SKU (the audit log), for the tenant's admins."""
        await self._require_admin(principal)
        async with self._pool.connection() as conn:
            variant = (await repo.variants_by_sku(conn, principal.tenant_id, [sku])).get(sku)
            if variant is None:
                raise UnknownSkuError([sku])
            return await repo.adjustments(conn, principal.tenant_id, variant.id, limit)

    async def state(
        self,
        principal: Principal,
        skus: list[str],
        location_ids: list[uuid.UUID] | None = None,
    ) -> list[StockLevel]:
        """Check inventory state: each SKU at each location (all the tenant's by default),
        in the order the SKUs were asked, then by location name."""
        if not 1 <= len(skus) <= MAX_SKUS:
            raise InvalidQuantityError(f"ask for 1 to {MAX_SKUS} SKUs")
        async with self._pool.connection() as conn:
            variants = await repo.variants_by_sku(conn, principal.tenant_id, skus)
            if unknown := [s for s in skus if s not in variants]:
                raise UnknownSkuError(unknown)
            places = await repo.locations(conn, principal.tenant_id, location_ids)
            if location_ids is not None and len(places) != len(set(location_ids)):
                missing = set(location_ids) - {p.id for p in places}
                raise LocationNotFoundError(f"no location {', '.join(map(str, missing))}")
            found = await repo.levels(
                conn, [v.id for v in variants.values()], [p.id for p in places]
            )
        out = []
        for sku in dict.fromkeys(skus):
            v = variants[sku]
            for p in places:
                stocked, allocated, held = found.get((v.id, p.id), (0, 0, 0))
                out.append(StockLevel(sku, v.id, p.id, stocked, allocated, held))
        return out

    # -- reservations ---------------------------------------------------------------------

    async def reserve(
        self, principal: Principal, lines: list[LineRequest], ttl_s: int = DEFAULT_TTL_S
    ) -> Reservation:
        """Hold every line for ``ttl_s`` seconds, or nothing (``InsufficientStockError``)."""
        if not 1 <= len(lines) <= MAX_LINES:
            raise InvalidQuantityError(f"a reservation has 1 to {MAX_LINES} lines")
        if not MIN_TTL_S <= ttl_s <= MAX_TTL_S:
            raise InvalidQuantityError(f"a reservation lasts {MIN_TTL_S} to {MAX_TTL_S} s")
        for line in lines:
            if not 1 <= line.quantity <= MAX_QUANTITY:
                raise InvalidQuantityError(f"a quantity is 1 to {MAX_QUANTITY}")
        async with self._pool.connection() as conn, conn.transaction():
            skus = list(dict.fromkeys(line.sku for line in lines))
            variants = await repo.variants_by_sku(conn, principal.tenant_id, skus)
            if unknown := [s for s in skus if s not in variants]:
                raise UnknownSkuError(unknown)
            wanted: dict[repo.Key, int] = defaultdict(int)
            sku_of: dict[uuid.UUID, str] = {}
            for line in lines:
                variant = variants[line.sku]
                sku_of[variant.id] = line.sku
                wanted[(variant.id, line.location_id)] += line.quantity
            keys = sorted(wanted)
            rows = await repo.lock_existing_stock(conn, keys)
            held = await repo.reserved(conn, keys)
            for key in keys:
                row = rows.get(key)
                available = 0 if row is None else row.stocked - row.allocated - held.get(key, 0)
                if wanted[key] > available:
                    if row is None and not await repo.locations(
                        conn, principal.tenant_id, [key[1]]
                    ):
                        raise LocationNotFoundError(f"no location {key[1]}")
                    raise InsufficientStockError(sku_of[key[0]], key[1], available, wanted[key])
            made, expires_at, created_at = await repo.insert_reservation(
                conn,
                principal.tenant_id,
                principal.account_id,
                ttl_s,
                [(k, wanted[k]) for k in keys],
            )
        return Reservation(
            id=made,
            owner_id=principal.account_id,
            status=ReservationStatus.ACTIVE,
            expires_at=expires_at,
            created_at=created_at,
            lines=[ReservationLine(sku_of[k[0]], k[0], k[1], wanted[k]) for k in keys],
        )

    async def allocate(self, tenant_id: uuid.UUID, reservation_id: uuid.UUID) -> Reservation:
        """Turn a paid reservation into allocated stock (the payments context calls it on a
        verified payment). Again for an allocated one changes nothing; an expired or released
        one is refused (``ReservationClosedError``): its stock may be another buyer's now."""
        async with self._pool.connection() as conn, conn.transaction():
            found = await repo.reservation(conn, tenant_id, reservation_id, lock=True)
            if found is None:
                raise ReservationNotFoundError(f"no reservation {reservation_id}")
            if found.status is ReservationStatus.ALLOCATED:
                return found
            if found.status is not ReservationStatus.ACTIVE or found.expires_at <= await _now(conn):
                raise ReservationClosedError(f"reservation {reservation_id} is {found.status}")
            lines = sorted(((x.variant_id, x.location_id), x.quantity) for x in found.lines)
            await repo.lock_existing_stock(conn, [k for k, _ in lines])
            await repo.allocate(conn, lines)
            await repo.close_reservation(conn, reservation_id, ReservationStatus.ALLOCATED)
        return replace(found, status=ReservationStatus.ALLOCATED)

    async def reservation(self, principal: Principal, reservation_id: uuid.UUID) -> Reservation:
        """A reservation the caller holds."""
        async with self._pool.connection() as conn:
            found = await repo.reservation(conn, principal.tenant_id, reservation_id)
        if found is None or found.owner_id != principal.account_id:
            raise ReservationNotFoundError(f"no reservation {reservation_id}")
        return found

    async def release(self, principal: Principal, reservation_id: uuid.UUID) -> Reservation:
        """Give the held stock back at once (an active reservation only; others stay)."""
        async with self._pool.connection() as conn, conn.transaction():
            found = await repo.reservation(conn, principal.tenant_id, reservation_id, lock=True)
            if found is None or found.owner_id != principal.account_id:
                raise ReservationNotFoundError(f"no reservation {reservation_id}")
            if found.status is ReservationStatus.ACTIVE:
                await repo.close_reservation(conn, reservation_id, ReservationStatus.RELEASED)
                found = await repo.reservation(conn, principal.tenant_id, reservation_id)
        assert found is not None  # noqa: S101 - locked above
        return found


async def _now(conn: repo.Conn) -> datetime:
    """The database's clock (expiry is decided by it, as availability is)."""
    cur = await conn.execute("SELECT now()")
    row = await cur.fetchone()
    assert row is not None  # noqa: S101 - one row
    return row[0]  # type: ignore[return-value]


def _check_variant(v: NewVariant) -> None:
    if not SKU.match(v.sku):
        raise InvalidCatalogueError(f"a SKU is 1 to 64 letters, digits, '.', '_', '-': {v.sku!r}")
    if not 0 <= v.price_minor <= MAX_PRICE_MINOR:
        raise InvalidQuantityError("a price is 0 or more minor units")
    if v.currency not in CURRENCIES:
        raise InvalidCatalogueError(f"not a currency prices may be in: {v.currency!r}")
    if len(v.attributes) > MAX_ATTRIBUTES or any(
        not 1 <= len(k) <= 50 or len(val) > 200 for k, val in v.attributes.items()
    ):
        raise InvalidCatalogueError(f"at most {MAX_ATTRIBUTES} attributes, keys of 1 to 50")


async def expire_reservations(pool: AsyncConnectionPool, batch: int = 1000) -> int:
    """Mark reservations past their expiry expired (their stock was available again from
    the instant they expired); how many."""
    async with pool.connection() as conn:
        return await repo.expire_reservations(conn, batch)


async def run_reservation_worker(
    pool: AsyncConnectionPool, stop: asyncio.Event, poll_s: float = 5.0, batch: int = 1000
) -> None:
    """Release expired reservations every ``poll_s`` until ``stop``."""

    async def step() -> bool:
        return await expire_reservations(pool, batch) == batch

    await every(poll_s, stop, step)
