"""The reservation benchmark: ``InventoryService.reserve`` (one transaction: SKUs resolved,
stock rows locked in key order, held quantities summed, the reservation written) against a
bare single-row ``SELECT … FOR UPDATE`` transaction on the same stock rows, same run, same
concurrency; and the race of 50 buyers for the last 10 units (exactly 10 must win).

A scratch database gets one tenant, a product of ``skus`` variants at one warehouse with
ample stock; ``reservations`` reservations of one unit of a random SKU are made by
``concurrency`` buyers at once, then as many baseline transactions.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

import psycopg
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.auth.tenancy import TenancyService
from fitconnect.platform.db.scratch import scratch_database
from fitconnect.platform.inventory.errors import InsufficientStockError
from fitconnect.platform.inventory.models import LineRequest, LocationKind, NewVariant
from fitconnect.platform.inventory.service import InventoryService

RACERS = 50
LAST_UNITS = 10


@dataclass(frozen=True, slots=True)
class CommerceBenchResult:
    reservations: int
    concurrency: int
    reserve_p50_ms: float
    reserve_p99_ms: float
    baseline_p50_ms: float
    baseline_p99_ms: float
    race_won: int
    race_lost: int
    race_available_after: int
    load_average_1m: float

    @property
    def ratio(self) -> float:
        return round(self.reserve_p99_ms / self.baseline_p99_ms, 2)

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "ratio": self.ratio}


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _owner(url: str) -> Principal:
    with psycopg.connect(url) as conn:
        tenant = conn.execute(
            "INSERT INTO users.tenants (slug, name) VALUES ('bench', 'Bench') RETURNING id"
        ).fetchone()
        assert tenant is not None  # noqa: S101 - RETURNING
        account = conn.execute(
            "INSERT INTO users.accounts (tenant_id, email, password_hash, role, display_name)"
            " VALUES (%s, 'owner@bench.test', 'x', 'admin', 'Owner') RETURNING id",
            (tenant[0],),
        ).fetchone()
        assert account is not None  # noqa: S101 - RETURNING
    return Principal(account[0], tenant[0], Role.ADMIN)


async def _timed(
    calls: int, concurrency: int, call: Callable[[int], Awaitable[None]]
) -> list[float]:
    """Milliseconds of each of ``calls`` calls, ``concurrency`` at a time."""
    times: list[float] = []
    queue = iter(range(calls))

    async def worker() -> None:
        for i in queue:
            start = time.perf_counter()
            await call(i)
            times.append((time.perf_counter() - start) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times


async def _measure(
    url: str, owner: Principal, skus: int, reservations: int, concurrency: int
) -> CommerceBenchResult:
    rng = random.Random(16)  # noqa: S311 - data, not secrets
    async with AsyncConnectionPool(url, min_size=RACERS, max_size=RACERS, open=False) as pool:
        await pool.wait(timeout=60)
        service = InventoryService(pool, TenancyService(pool))
        names = [f"BENCH-{i:03d}" for i in range(skus)] + ["LAST-ONE"]
        await service.create_product(owner, "Bench", [NewVariant(n, 999, "EUR") for n in names])
        place = (await service.create_location(owner, "Bench", LocationKind.WAREHOUSE)).id
        for name in names[:-1]:
            await service.adjust(owner, name, place, reservations, "bench stock")
        await service.adjust(owner, "LAST-ONE", place, LAST_UNITS, "the last units")
        variants = {s.sku: s.variant_id for s in await service.state(owner, names[:-1], [place])}

        async def reserve(i: int) -> None:
            sku = names[(i + rng.randrange(skus)) % skus]
            await service.reserve(owner, [LineRequest(sku, place, 1)], ttl_s=3600)

        async def baseline(_i: int) -> None:
            variant = variants[names[rng.randrange(skus)]]
            async with pool.connection() as conn, conn.transaction():
                await conn.execute(
                    "SELECT stocked FROM inventory.stock"
                    " WHERE variant_id = %s AND location_id = %s FOR UPDATE",
                    (variant, place),
                )

        await _timed(min(200, reservations), concurrency, reserve)  # warm-up
        reserve_ms = await _timed(reservations, concurrency, reserve)
        baseline_ms = await _timed(reservations, concurrency, baseline)

        start = asyncio.Event()

        async def racer() -> bool:
            await start.wait()
            try:
                await service.reserve(owner, [LineRequest("LAST-ONE", place, 1)])
            except InsufficientStockError:
                return False
            return True

        tasks = [asyncio.create_task(racer()) for _ in range(RACERS)]
        start.set()
        won = sum(await asyncio.gather(*tasks))
        (after,) = await service.state(owner, ["LAST-ONE"], [place])
    return CommerceBenchResult(
        reservations=reservations,
        concurrency=concurrency,
        reserve_p50_ms=round(_p(reserve_ms, 50), 3),
        reserve_p99_ms=round(_p(reserve_ms, 99), 3),
        baseline_p50_ms=round(_p(baseline_ms, 50), 3),
        baseline_p99_ms=round(_p(baseline_ms, 99), 3),
        race_won=won,
        race_lost=RACERS - won,
        race_available_after=after.available,
        load_average_1m=round(os.getloadavg()[0], 2),
    )


def run_commerce_bench(
    server_url: str,
    say: Callable[[str], None],
    *,
    skus: int = 20,
    reservations: int = 2000,
    concurrency: int = 8,
) -> CommerceBenchResult:
    with scratch_database(server_url, "fc_bench_commerce") as url:
        say(f"seeding {skus} SKUs; {reservations} reservations by {concurrency} buyers at once")
        owner = _owner(url)
        return asyncio.run(_measure(url, owner, skus, reservations, concurrency))
