"""The catalogue and stock: ``products``, ``stockLocations``, ``inventoryState`` (check
inventory state: availability of SKUs per location), ``stockAdjustments``, ``reservation``;
``createProduct``, ``createStockLocation``, ``adjustStock`` (the tenant's owner and admins),
``reserveStock`` and ``releaseReservation`` (anyone of the tenant).

Prices are integers of the currency's minor unit (cents) with the ISO 4217 code beside them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from fitconnect.gateway.cursors import page_request
from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.pagination import Connection, connection
from fitconnect.platform.inventory import models
from fitconnect.platform.inventory.models import LocationKind, ReservationStatus
from fitconnect.platform.inventory.service import DEFAULT_TTL_S

ReservationId = Annotated[
    uuid.UUID, strawberry.argument(name="id", description="The reservation's id.")
]
_KEY = (uuid.UUID,)


@strawberry.type
class Attribute:
    name: str
    value: str


@strawberry.input
class AttributeInput:
    name: str
    value: str


@strawberry.type(description="A sellable variant of a product: its SKU and price.")
class Variant:
    id: uuid.UUID
    sku: str
    price_minor: int = strawberry.field(description="In the currency's minor unit (cents).")
    currency: str = strawberry.field(description="ISO 4217, e.g. EUR.")
    attributes: list[Attribute]

    @classmethod
    def of(cls, v: models.Variant) -> Variant:
        return cls(
            id=v.id,
            sku=v.sku,
            price_minor=v.price_minor,
            currency=v.currency,
            attributes=[Attribute(name=k, value=x) for k, x in sorted(v.attributes.items())],
        )


@strawberry.type
class Product:
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime
    variants: list[Variant]

    @classmethod
    def of(cls, p: models.Product) -> Product:
        return cls(
            id=p.id,
            name=p.name,
            description=p.description,
            created_at=p.created_at,
            variants=[Variant.of(v) for v in p.variants],
        )


@strawberry.input
class VariantInput:
    sku: str
    price_minor: int
    currency: str
    attributes: list[AttributeInput] = strawberry.field(default_factory=list)


@strawberry.type(description="A warehouse or a store that holds stock.")
class StockLocation:
    id: uuid.UUID
    name: str
    kind: LocationKind

    @classmethod
    def of(cls, loc: models.Location) -> StockLocation:
        return cls(id=loc.id, name=loc.name, kind=loc.kind)


@strawberry.type(description="A SKU at a location: available = stocked - allocated - reserved.")
class StockLevel:
    sku: str
    location_id: uuid.UUID
    stocked: int
    allocated: int = strawberry.field(description="Sold and paid, not yet shipped.")
    reserved: int = strawberry.field(description="Held by unexpired reservations.")
    available: int

    @classmethod
    def of(cls, s: models.StockLevel) -> StockLevel:
        return cls(
            sku=s.sku,
            location_id=s.location_id,
            stocked=s.stocked,
            allocated=s.allocated,
            reserved=s.reserved,
            available=s.available,
        )


@strawberry.type(description="One entry of the stock's audit log.")
class StockAdjustment:
    sku: str
    location_id: uuid.UUID
    delta: int
    reason: str
    actor_id: uuid.UUID
    created_at: datetime


@strawberry.input
class ReservationLineInput:
    sku: str
    location_id: uuid.UUID
    quantity: int


@strawberry.type
class ReservationLine:
    sku: str
    location_id: uuid.UUID
    quantity: int


@strawberry.type(description="Stock held for a buyer until it expires, is released or paid.")
class Reservation:
    id: uuid.UUID
    status: ReservationStatus
    expires_at: datetime
    created_at: datetime
    lines: list[ReservationLine]

    @classmethod
    def of(cls, r: models.Reservation) -> Reservation:
        return cls(
            id=r.id,
            status=r.status,
            expires_at=r.expires_at,
            created_at=r.created_at,
            lines=[
                ReservationLine(sku=x.sku, location_id=x.location_id, quantity=x.quantity)
                for x in r.lines
            ],
        )


def line_requests(lines: list[ReservationLineInput]) -> list[models.LineRequest]:
    return [models.LineRequest(x.sku, x.location_id, x.quantity) for x in lines]


@strawberry.type
class InventoryQuery:
    @strawberry.field(description="The tenant's catalogue by product, with each variant.")
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Product]:
        ctx = info.context
        request = page_request(first, after, last, before, _KEY)
        page = await ctx.services.inventory.products(ctx.principal(), request)
        return connection(page, Product.of, lambda p: (p.id,))

    @strawberry.field(description="The tenant's warehouses and stores.")
    async def stock_locations(self, info: Info) -> list[StockLocation]:
        ctx = info.context
        return [
            StockLocation.of(x) for x in await ctx.services.inventory.locations(ctx.principal())
        ]

    @strawberry.field(
        description="Check inventory state: each SKU at each location (default: all of the"
        " tenant's), what is stocked, allocated, reserved and available."
    )
    async def inventory_state(
        self, info: Info, skus: list[str], location_ids: list[uuid.UUID] | None = None
    ) -> list[StockLevel]:
        ctx = info.context
        found = await ctx.services.inventory.state(ctx.principal(), skus, location_ids)
        return [StockLevel.of(x) for x in found]

    @strawberry.field(description="The newest adjustments of a SKU (the tenant's admins).")
    async def stock_adjustments(self, info: Info, sku: str) -> list[StockAdjustment]:
        ctx = info.context
        found = await ctx.services.inventory.adjustments(ctx.principal(), sku)
        return [
            StockAdjustment(
                sku=a.sku,
                location_id=a.location_id,
                delta=a.delta,
                reason=a.reason,
                actor_id=a.actor_id,
                created_at=a.created_at,
            )
            for a in found
        ]

    @strawberry.field(description="A reservation the caller holds.")
    async def reservation(self, info: Info, reservation_id: ReservationId) -> Reservation:
        ctx = info.context
        found = await ctx.services.inventory.reservation(ctx.principal(), reservation_id)
        return Reservation.of(found)


@strawberry.type
class InventoryMutation:
    @strawberry.mutation(description="Add a product with its variants (the tenant's admins).")
    async def create_product(
        self,
        info: Info,
        name: str,
        variants: list[VariantInput],
        description: str = "",
    ) -> Product:
        ctx = info.context
        made = await ctx.services.inventory.create_product(
            ctx.principal(),
            name,
            [
                models.NewVariant(
                    v.sku, v.price_minor, v.currency, {a.name: a.value for a in v.attributes}
                )
                for v in variants
            ],
            description,
        )
        return Product.of(made)

    @strawberry.mutation(description="Add a warehouse or a store (the tenant's admins).")
    async def create_stock_location(
        self, info: Info, name: str, kind: LocationKind
    ) -> StockLocation:
        ctx = info.context
        made = await ctx.services.inventory.create_location(ctx.principal(), name, kind)
        return StockLocation.of(made)

    @strawberry.mutation(
        description="Add (delta > 0) or remove stock of a SKU at a location, saying why; logged"
        " with who did it (the tenant's admins). A removal never takes what is held."
    )
    async def adjust_stock(
        self, info: Info, sku: str, location_id: uuid.UUID, delta: int, reason: str
    ) -> StockLevel:
        ctx = info.context
        level = await ctx.services.inventory.adjust(
            ctx.principal(), sku, location_id, delta, reason
        )
        return StockLevel.of(level)

    @strawberry.mutation(
        description="Hold every line for ttlS seconds, all or nothing (INSUFFICIENT_STOCK)."
    )
    async def reserve_stock(
        self, info: Info, lines: list[ReservationLineInput], ttl_s: int = DEFAULT_TTL_S
    ) -> Reservation:
        ctx = info.context
        made = await ctx.services.inventory.reserve(ctx.principal(), line_requests(lines), ttl_s)
        return Reservation.of(made)

    @strawberry.mutation(description="Give a reservation's stock back now.")
    async def release_reservation(self, info: Info, reservation_id: ReservationId) -> Reservation:
        ctx = info.context
        found = await ctx.services.inventory.release(ctx.principal(), reservation_id)
        return Reservation.of(found)
