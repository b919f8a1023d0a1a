"""Errors of the inventory context; each has its stable code in the gateway."""

from fitconnect.errors import FitConnectError


class InventoryError(FitConnectError):
    """Base of the inventory context's errors."""


class UnknownSkuError(InventoryError):
    """A SKU the caller's catalogue does not have (``skus`` names them)."""

    def __init__(self, skus: list[str]) -> None:
        super().__init__(f"unknown SKU: {', '.join(skus)}")
        self.skus = skus


class InvalidQuantityError(InventoryError):
    """A quantity or delta out of range: negative, zero, or too large."""


class InvalidCatalogueError(InventoryError):
    """A product, variant or location the catalogue refuses (a bad currency, a SKU taken…)."""


class LocationNotFoundError(InventoryError):
    """No location of that id in the caller's tenant."""


class ReservationNotFoundError(InventoryError):
    """No reservation of that id the caller holds."""


class ReservationClosedError(InventoryError):
    """A reservation expired or released: it holds nothing to allocate any more."""


class InsufficientStockError(InventoryError):
    """Not enough available at a location for a reservation or a removal; nothing taken."""

    def __init__(self, sku: str, location_id: object, available: int, wanted: int) -> None:
        super().__init__(f"{sku} at {location_id}: {available} available, {wanted} wanted")
        self.sku = sku
        self.available = available
        self.wanted = wanted


class NotInventoryAdminError(InventoryError):
    """Catalogue and stock are written by the tenant's owner or its admins only."""
