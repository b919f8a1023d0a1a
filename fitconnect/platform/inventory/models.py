"""Types of the inventory context."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class LocationKind(StrEnum):
    WAREHOUSE = "warehouse"
    STORE = "store"


class ReservationStatus(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    EXPIRED = "expired"
    ALLOCATED = "allocated"


@dataclass(frozen=True, slots=True)
class Variant:
    id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    price_minor: int
    currency: str
    attributes: dict[str, str]


@dataclass(frozen=True, slots=True)
class Product:
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime
    variants: list[Variant] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewVariant:
    sku: str
    price_minor: int
    currency: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Location:
    id: uuid.UUID
    name: str
    kind: LocationKind


@dataclass(frozen=True, slots=True)
class StockLevel:
    """One SKU at one location: available = stocked - allocated - reserved (unexpired)."""

    sku: str
    variant_id: uuid.UUID
    location_id: uuid.UUID
    stocked: int
    allocated: int
    reserved: int

    @property
    def available(self) -> int:
        return self.stocked - self.allocated - self.reserved


@dataclass(frozen=True, slots=True)
class Adjustment:
    id: int
    sku: str
    location_id: uuid.UUID
    delta: int
    reason: str
    actor_id: uuid.UUID
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LineRequest:
    """What a buyer asks to reserve: a quantity of a SKU at a location."""

    sku: str
    location_id: uuid.UUID
    quantity: int


@dataclass(frozen=True, slots=True)
class ReservationLine:
    sku: str
    variant_id: uuid.UUID
    location_id: uuid.UUID
    quantity: int


@dataclass(frozen=True, slots=True)
class Reservation:
    id: uuid.UUID
    owner_id: uuid.UUID
    status: ReservationStatus
    expires_at: datetime
    created_at: datetime
    lines: list[ReservationLine]
