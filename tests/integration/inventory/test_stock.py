"""The catalogue and stock through the API: the tenant's owner stocks a strap, a member
reserves it and sees availability fall, releases it; reservations are all or nothing, expire,
and bad input is refused with a stable code and nothing written."""

import uuid
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from fitconnect.platform.auth.tenancy import TenancyService
from fitconnect.platform.db import open_pool
from fitconnect.platform.inventory.errors import ReservationClosedError, ReservationNotFoundError
from fitconnect.platform.inventory.models import ReservationStatus
from fitconnect.platform.inventory.service import InventoryService, expire_reservations
from fitconnect.settings import DatabaseSettings
from tests.integration.gateway.support import gql, register_and_login
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

PRODUCT = (
    "mutation($n: String!, $v: [VariantInput!]!) { createProduct(name: $n, variants: $v)"
    " { id name variants { sku priceMinor currency attributes { name value } } } }"
)
LOCATION = (
    "mutation($n: String!) { createStockLocation(name: $n, kind: WAREHOUSE) { id name kind } }"
)
ADJUST = (
    "mutation($s: String!, $l: UUID!, $d: Int!, $r: String!) { adjustStock(sku: $s,"
    " locationId: $l, delta: $d, reason: $r) { sku stocked available } }"
)
STATE = (
    "query($s: [String!]!, $l: [UUID!]) { inventoryState(skus: $s, locationIds: $l)"
    " { sku locationId stocked allocated reserved available } }"
)
RESERVE = (
    "mutation($lines: [ReservationLineInput!]!, $t: Int) { reserveStock(lines: $lines,"
    " ttlS: $t) { id status expiresAt lines { sku quantity } } }"
)


def _code(body: Any) -> str:
    assert "errors" in body, body
    return str(body["errors"][0]["extensions"]["code"])


def _shop(client: TestClient, stock: int = 20) -> dict[str, str]:
    """A tenant's owner with a strap in stock at a warehouse, and a member of the tenant."""
    tag = uuid.uuid4().hex[:8]
    owner = register_and_login(client, f"{tag}.owner@example.com")["accessToken"]
    member = register_and_login(client, f"{tag}.member@example.com", owner)["accessToken"]
    sku = f"STRAP-{tag}"
    made = gql(
        client,
        PRODUCT,
        owner,
        n="HRM strap",
        v=[
            {
                "sku": sku,
                "priceMinor": 4999,
                "currency": "EUR",
                "attributes": [{"name": "size", "value": "M"}],
            }
        ],
    )
    assert "errors" not in made, made
    place = gql(client, LOCATION, owner, n=f"Ljubljana {tag}")["data"]["createStockLocation"]
    if stock:
        done = gql(client, ADJUST, owner, s=sku, l=place["id"], d=stock, r="first delivery")
        assert done["data"]["adjustStock"]["available"] == stock, done
    return {"owner": owner, "member": member, "sku": sku, "location": place["id"]}


def _available(client: TestClient, shop: dict[str, str]) -> int:
    body = gql(client, STATE, shop["member"], s=[shop["sku"]], l=[shop["location"]])
    return int(body["data"]["inventoryState"][0]["available"])


def _counts(database_url: str) -> tuple[int, ...]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM inventory.reservations),"
            " (SELECT count(*) FROM inventory.adjustments),"
            " (SELECT count(*) FROM inventory.variants),"
            " (SELECT coalesce(sum(stocked), 0) FROM inventory.stock)"
        ).fetchone()
    assert row is not None
    return tuple(int(x) for x in row)


def test_the_owner_stocks_a_member_reserves_and_releases(client: TestClient) -> None:
    shop = _shop(client)
    products = gql(
        client,
        "{ products { edges { node { name variants { sku priceMinor"
        " currency attributes { name value } } } } } }",
        shop["member"],
    )
    (node,) = [e["node"] for e in products["data"]["products"]["edges"]]
    assert node["variants"] == [
        {
            "sku": shop["sku"],
            "priceMinor": 4999,
            "currency": "EUR",
            "attributes": [{"name": "size", "value": "M"}],
        }
    ]
    line = {"sku": shop["sku"], "locationId": shop["location"], "quantity": 3}
    held = gql(client, RESERVE, shop["member"], lines=[line])["data"]["reserveStock"]
    assert held["status"] == "ACTIVE"
    assert held["lines"] == [{"sku": shop["sku"], "quantity": 3}]
    state = gql(client, STATE, shop["member"], s=[shop["sku"]])["data"]["inventoryState"]
    assert state == [
        {
            "sku": shop["sku"],
            "locationId": shop["location"],
            "stocked": 20,
            "allocated": 0,
            "reserved": 3,
            "available": 17,
        }
    ]
    # another member may not see or release it; its holder releases it
    other = gql(
        client,
        "mutation($i: UUID!) { releaseReservation(id: $i) { status } }",
        shop["owner"],
        i=held["id"],
    )
    assert _code(other) == "NOT_FOUND"
    released = gql(
        client,
        "mutation($i: UUID!) { releaseReservation(id: $i) { status } }",
        shop["member"],
        i=held["id"],
    )
    assert released["data"]["releaseReservation"]["status"] == "RELEASED"
    assert _available(client, shop) == 20
    # the audit log says who added the stock and why
    log = gql(
        client,
        "query($s: String!) { stockAdjustments(sku: $s) { delta reason actorId } }",
        shop["owner"],
        s=shop["sku"],
    )["data"]["stockAdjustments"]
    me = gql(client, "{ me { id } }", shop["owner"])["data"]["me"]["id"]
    assert log == [{"delta": 20, "reason": "first delivery", "actorId": me}]


def test_only_the_tenants_owner_writes_the_catalogue_and_stock(client: TestClient) -> None:
    shop = _shop(client)
    refused = [
        gql(
            client,
            PRODUCT,
            shop["member"],
            n="x",
            v=[{"sku": "X-1", "priceMinor": 1, "currency": "EUR"}],
        ),
        gql(client, LOCATION, shop["member"], n="Depot"),
        gql(client, ADJUST, shop["member"], s=shop["sku"], l=shop["location"], d=5, r="found"),
        gql(
            client,
            "query($s: String!) { stockAdjustments(sku: $s) { delta } }",
            shop["member"],
            s=shop["sku"],
        ),
    ]
    assert [_code(b) for b in refused] == ["FORBIDDEN"] * 4
    assert _available(client, shop) == 20


def test_a_reservation_is_all_or_nothing(client: TestClient, database_url: str) -> None:
    shop = _shop(client, stock=5)
    second = _shop(client, stock=0)  # another tenant's SKU is unknown here
    lines = [
        {"sku": shop["sku"], "locationId": shop["location"], "quantity": 2},
        {"sku": shop["sku"], "locationId": shop["location"], "quantity": 4},  # 6 in all
    ]
    before = _counts(database_url)
    assert _code(gql(client, RESERVE, shop["member"], lines=lines)) == "INSUFFICIENT_STOCK"
    unknown = [lines[0], {"sku": second["sku"], "locationId": shop["location"], "quantity": 1}]
    assert _code(gql(client, RESERVE, shop["member"], lines=unknown)) == "UNKNOWN_SKU"
    assert _counts(database_url) == before
    assert _available(client, shop) == 5


@pytest.mark.parametrize(
    ("quantity", "ttl", "code"),
    [
        (-1, 60, "INVALID_QUANTITY"),
        (0, 60, "INVALID_QUANTITY"),
        (10**6, 60, "INVALID_QUANTITY"),
        (1, 0, "INVALID_QUANTITY"),
        (1, 10**6, "INVALID_QUANTITY"),
    ],
)
def test_bad_reservations_are_refused_with_nothing_written(
    client: TestClient, database_url: str, quantity: int, ttl: int, code: str
) -> None:
    shop = _shop(client)
    before = _counts(database_url)
    line = {"sku": shop["sku"], "locationId": shop["location"], "quantity": quantity}
    assert _code(gql(client, RESERVE, shop["member"], lines=[line], t=ttl)) == code
    assert _counts(database_url) == before


def test_bad_catalogue_and_stock_writes_are_refused_with_nothing_written(
    client: TestClient, database_url: str
) -> None:
    shop = _shop(client, stock=5)
    owner, sku, place = shop["owner"], shop["sku"], shop["location"]
    before = _counts(database_url)
    bad = {
        "UNKNOWN_SKU": gql(client, ADJUST, owner, s="NO-SUCH", l=place, d=1, r="x"),
        "INSUFFICIENT_STOCK": gql(client, ADJUST, owner, s=sku, l=place, d=-6, r="lost"),
        "INVALID_QUANTITY": gql(client, ADJUST, owner, s=sku, l=place, d=0, r="none"),
        "NOT_FOUND": gql(client, ADJUST, owner, s=sku, l=str(uuid.uuid4()), d=1, r="x"),
        "VALIDATION": gql(client, ADJUST, owner, s=sku, l=place, d=1, r=" "),
    }
    assert {code: _code(body) for code, body in bad.items()} == {c: c for c in bad}
    variants = {
        "VALIDATION": {"sku": "A-1", "priceMinor": 100, "currency": "XYZ"},
        "INVALID_QUANTITY": {"sku": "A-2", "priceMinor": -1, "currency": "EUR"},
    }
    for code, variant in variants.items():
        assert _code(gql(client, PRODUCT, owner, n="Bad", v=[variant])) == code
    taken = {"sku": sku, "priceMinor": 100, "currency": "EUR"}
    assert _code(gql(client, PRODUCT, owner, n="Again", v=[taken])) == "VALIDATION"
    assert _code(gql(client, STATE, owner, s=["NO-SUCH"])) == "UNKNOWN_SKU"
    assert _counts(database_url) == before


def test_rest_refuses_in_the_one_envelope(client: TestClient, database_url: str) -> None:
    shop = _shop(client, stock=2)
    headers = {"Authorization": f"Bearer {shop['member']}"}
    before = _counts(database_url)
    line = {"sku": shop["sku"], "location_id": shop["location"], "quantity": 3}
    short = client.post("/api/v1/reservations", json={"lines": [line]}, headers=headers)
    assert short.status_code == 409
    assert short.json()["error"]["code"] == "INSUFFICIENT_STOCK"
    unknown = client.get("/api/v1/stock", params={"sku": "NOPE"}, headers=headers)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "UNKNOWN_SKU")
    assert _counts(database_url) == before
    ok = client.post(
        "/api/v1/reservations", json={"lines": [line | {"quantity": 2}]}, headers=headers
    )
    assert ok.status_code == 201, ok.text
    state = client.get("/api/v1/stock", params={"sku": shop["sku"]}, headers=headers).json()
    assert [s["available"] for s in state] == [0]
    gone = client.delete(f"/api/v1/reservations/{ok.json()['id']}", headers=headers)
    assert gone.json()["status"] == "released"


async def test_an_expired_reservation_frees_its_stock_and_the_worker_closes_it(
    client: TestClient, database_url: str
) -> None:
    shop = _shop(client, stock=4)
    line = {"sku": shop["sku"], "locationId": shop["location"], "quantity": 4}
    held = gql(client, RESERVE, shop["member"], lines=[line], t=1)["data"]["reserveStock"]
    wait_until(lambda: _available(client, shop) == 4, 30, "the reservation's expiry")
    pool = await open_pool(database_url, DatabaseSettings())
    try:
        assert await expire_reservations(pool) >= 1
    finally:
        await pool.close()
    found = gql(
        client, "query($i: UUID!) { reservation(id: $i) { status } }", shop["member"], i=held["id"]
    )
    assert found["data"]["reservation"]["status"] == "EXPIRED"


async def test_a_paid_reservation_becomes_allocated_stock_once(
    client: TestClient, database_url: str
) -> None:
    shop = _shop(client, stock=5)
    me = gql(client, "{ me { tenantId } }", shop["member"])["data"]["me"]["tenantId"]
    tenant = uuid.UUID(me)
    line = {"sku": shop["sku"], "locationId": shop["location"], "quantity": 3}
    held = gql(client, RESERVE, shop["member"], lines=[line])["data"]["reserveStock"]
    short = gql(client, RESERVE, shop["member"], lines=[line | {"quantity": 1}], t=1)
    brief = short["data"]["reserveStock"]["id"]
    pool = await open_pool(database_url, DatabaseSettings())
    try:
        service = InventoryService(pool, TenancyService(pool))
        for _ in range(2):  # a second call (a webhook delivered twice) changes nothing
            done = await service.allocate(tenant, uuid.UUID(held["id"]))
            assert done.status is ReservationStatus.ALLOCATED
        wait_until(lambda: _available(client, shop) == 2, 30, "the brief reservation's expiry")
        with pytest.raises(ReservationClosedError):
            await service.allocate(tenant, uuid.UUID(brief))
        with pytest.raises(ReservationNotFoundError):
            await service.allocate(uuid.uuid4(), uuid.UUID(held["id"]))  # another tenant's
    finally:
        await pool.close()
    state = gql(client, STATE, shop["member"], s=[shop["sku"]])["data"]["inventoryState"]
    assert [(s["stocked"], s["allocated"], s["reserved"], s["available"]) for s in state] == [
        (5, 3, 0, 2)
    ]
