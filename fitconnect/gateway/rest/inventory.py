"""The catalogue and stock: products, locations, the inventory state of SKUs, adjustments
(the tenant's owner and admins), reservations (anyone of the tenant)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.pages import PageOut, PageQuery, page_out
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.inventory import models
from fitconnect.platform.inventory.models import LocationKind
from fitconnect.platform.inventory.service import DEFAULT_TTL_S, MAX_SKUS

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["inventory"])
Json = dict[str, Any]
_KEY = (uuid.UUID,)


class VariantIn(BaseModel):
    sku: str = Field(max_length=64)
    price_minor: int = Field(description="In the currency's minor unit (cents)")
    currency: str = Field(max_length=3, description="ISO 4217, e.g. EUR")
    attributes: dict[str, str] = Field(default_factory=dict)


class ProductIn(BaseModel):
    name: str = Field(max_length=200)
    description: str = Field("", max_length=2000)
    variants: list[VariantIn] = Field(max_length=50)


class LocationIn(BaseModel):
    name: str = Field(max_length=200)
    kind: LocationKind


class AdjustmentIn(BaseModel):
    sku: str = Field(max_length=64)
    location_id: uuid.UUID
    delta: int = Field(description="Added (> 0) or removed (< 0)")
    reason: str = Field(max_length=200)


class LineIn(BaseModel):
    sku: str = Field(max_length=64)
    location_id: uuid.UUID
    quantity: int


class ReservationIn(BaseModel):
    lines: list[LineIn] = Field(max_length=50)
    ttl_s: int = DEFAULT_TTL_S


class VariantOut(BaseModel):
    id: uuid.UUID
    sku: str
    price_minor: int
    currency: str
    attributes: dict[str, str]


class ProductOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime
    variants: list[VariantOut]


def _product(p: models.Product) -> ProductOut:
    return ProductOut(
        id=p.id,
        name=p.name,
        description=p.description,
        created_at=p.created_at,
        variants=[
            VariantOut(
                id=v.id,
                sku=v.sku,
                price_minor=v.price_minor,
                currency=v.currency,
                attributes=v.attributes,
            )
            for v in p.variants
        ],
    )


def _location(loc: models.Location) -> Json:
    return {"id": loc.id, "name": loc.name, "kind": loc.kind.value}


def _level(s: models.StockLevel) -> Json:
    return {
        "sku": s.sku,
        "location_id": s.location_id,
        "stocked": s.stocked,
        "allocated": s.allocated,
        "reserved": s.reserved,
        "available": s.available,
    }


def _reservation(r: models.Reservation) -> Json:
    return {
        "id": r.id,
        "status": r.status.value,
        "expires_at": r.expires_at,
        "created_at": r.created_at,
        "lines": [
            {"sku": x.sku, "location_id": x.location_id, "quantity": x.quantity} for x in r.lines
        ],
    }


@router.get("/products")
async def products(
    principal: CurrentPrincipal, svc: ServicesDep, page: PageQuery
) -> PageOut[ProductOut]:
    """The tenant's catalogue by product, with each variant."""
    found = await svc.inventory.products(principal, page.request(_KEY))
    return page_out(found, _product, lambda p: (p.id,))


@router.post("/products", status_code=201, responses=errors(403))
async def create_product(body: ProductIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Add a product with its variants (the tenant's owner and admins)."""
    made = await svc.inventory.create_product(
        principal,
        body.name,
        [models.NewVariant(v.sku, v.price_minor, v.currency, v.attributes) for v in body.variants],
        body.description,
    )
    return _product(made).model_dump()


@router.get("/stock/locations")
async def locations(principal: CurrentPrincipal, svc: ServicesDep) -> list[Json]:
    return [_location(x) for x in await svc.inventory.locations(principal)]


@router.post("/stock/locations", status_code=201, responses=errors(403))
async def create_location(body: LocationIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Add a warehouse or a store (the tenant's owner and admins)."""
    return _location(await svc.inventory.create_location(principal, body.name, body.kind))


@router.get("/stock", responses=errors(404))
async def inventory_state(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    sku: Annotated[list[str], Query(min_length=1, max_length=MAX_SKUS)],
    location_id: Annotated[list[uuid.UUID] | None, Query()] = None,
) -> list[Json]:
    """Check inventory state: each SKU (repeat ``sku``) at each location (default: all)."""
    found = await svc.inventory.state(principal, sku, location_id)
    return [_level(x) for x in found]


@router.post("/stock/adjustments", status_code=201, responses=errors(403, 404, 409))
async def adjust_stock(body: AdjustmentIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Add or remove stock, saying why (logged with who; the tenant's owner and admins)."""
    level = await svc.inventory.adjust(
        principal, body.sku, body.location_id, body.delta, body.reason
    )
    return _level(level)


@router.get("/stock/adjustments", responses=errors(403))
async def stock_adjustments(
    principal: CurrentPrincipal, svc: ServicesDep, sku: Annotated[str, Query(max_length=64)]
) -> list[Json]:
    """The newest adjustments of a SKU (the tenant's owner and admins)."""
    found = await svc.inventory.adjustments(principal, sku)
    return [
        {
            "sku": a.sku,
            "location_id": a.location_id,
            "delta": a.delta,
            "reason": a.reason,
            "actor_id": a.actor_id,
            "created_at": a.created_at,
        }
        for a in found
    ]


@router.post("/reservations", status_code=201, responses=errors(404, 409))
async def reserve(body: ReservationIn, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Hold every line for ``ttl_s`` seconds, all or nothing (409 INSUFFICIENT_STOCK)."""
    lines = [models.LineRequest(x.sku, x.location_id, x.quantity) for x in body.lines]
    return _reservation(await svc.inventory.reserve(principal, lines, body.ttl_s))


@router.get("/reservations/{reservation_id}", responses=errors(404))
async def reservation(
    reservation_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> Json:
    return _reservation(await svc.inventory.reservation(principal, reservation_id))


@router.delete("/reservations/{reservation_id}", responses=errors(404))
async def release(reservation_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep) -> Json:
    """Give the reservation's stock back now (it stays, released)."""
    return _reservation(await svc.inventory.release(principal, reservation_id))
