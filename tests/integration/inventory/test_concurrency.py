"""Buyers racing on real parallel connections: 50 for the last 10 units get exactly 10
reservations, and buyers locking two SKUs in either order never deadlock."""

import asyncio
import uuid

import pytest
from fastapi.testclient import TestClient
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.auth.tenancy import TenancyService
from fitconnect.platform.inventory.errors import InsufficientStockError
from fitconnect.platform.inventory.models import LineRequest
from fitconnect.platform.inventory.service import InventoryService
from tests.integration.gateway.support import gql

from .test_stock import _shop

pytestmark = pytest.mark.integration

BUYERS = 50


def _principal(client: TestClient, token: str) -> Principal:
    me = gql(client, "{ me { id tenantId } }", token)["data"]["me"]
    return Principal(uuid.UUID(me["id"]), uuid.UUID(me["tenantId"]), Role.ATHLETE)


async def _race(
    database_url: str, buyer: Principal, orders: list[list[LineRequest]]
) -> tuple[int, int]:
    """Each order on its own connection, all at once: (reserved, refused)."""
    async with AsyncConnectionPool(
        database_url, min_size=BUYERS, max_size=BUYERS, open=False
    ) as pool:
        await pool.wait(timeout=60)
        service = InventoryService(pool, TenancyService(pool))
        start = asyncio.Event()

        async def buy(lines: list[LineRequest]) -> bool:
            await start.wait()
            try:
                await service.reserve(buyer, lines)
            except InsufficientStockError:
                return False
            return True

        tasks = [asyncio.create_task(buy(lines)) for lines in orders]
        start.set()
        results = await asyncio.gather(*tasks)  # a deadlock would raise here
    return sum(results), len(results) - sum(results)


async def test_fifty_buyers_for_the_last_ten_units(client: TestClient, database_url: str) -> None:
    shop = _shop(client, stock=10)
    buyer = _principal(client, shop["member"])
    line = LineRequest(shop["sku"], uuid.UUID(shop["location"]), 1)
    reserved, refused = await _race(database_url, buyer, [[line]] * BUYERS)
    assert (reserved, refused) == (10, 40)
    state = gql(
        client,
        "query($s: [String!]!) { inventoryState(skus: $s) { reserved available } }",
        shop["member"],
        s=[shop["sku"]],
    )["data"]["inventoryState"]
    assert state == [{"reserved": 10, "available": 0}]


async def test_buyers_locking_two_skus_in_either_order_never_deadlock(
    client: TestClient, database_url: str
) -> None:
    first = _shop(client, stock=20)
    buyer = _principal(client, first["member"])
    place = uuid.UUID(first["location"])
    other = f"CLIP-{uuid.uuid4().hex[:8]}"
    gql(
        client,
        'mutation($s: String!) { createProduct(name: "Clip",'
        ' variants: [{sku: $s, priceMinor: 500, currency: "EUR"}]) { id } }',
        first["owner"],
        s=other,
    )
    gql(
        client,
        "mutation($s: String!, $l: UUID!) { adjustStock(sku: $s, locationId: $l, delta: 20,"
        ' reason: "delivery") { stocked } }',
        first["owner"],
        s=other,
        l=first["location"],
    )
    a, b = LineRequest(first["sku"], place, 1), LineRequest(other, place, 1)
    orders = [[a, b] if i % 2 else [b, a] for i in range(BUYERS)]
    reserved, refused = await _race(database_url, buyer, orders)
    assert (reserved, refused) == (20, 30)
