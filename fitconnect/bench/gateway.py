"""``fitconnect bench gateway``: the athlete dashboard query and login under HTTP load.

A real gateway (uvicorn, ``--workers`` processes) on loopback, a fresh database with an hour
of 1 Hz samples, and an open-loop load generator on aiohttp (requests are sent on schedule,
not after the previous one returns, so slow responses show up as latency instead of hiding as
a lower rate). The baseline, measured in the same run: ``/healthz`` under the same load, what
the HTTP stack and the generator cost with no work behind them.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import psycopg
import uvloop

from fitconnect.bench.proc_cpu import backend_cpu_seconds, group_cpu_seconds
from fitconnect.ingest.rollup import RollupMaintainer
from fitconnect.platform.db.scratch import scratch_database
from fitconnect.runtime.ports import free_port

DASHBOARD = (
    "query Dashboard { me { displayName } totals { samples avgHeartRateBpm maxPowerW }"
    " series(maxPoints: 120) { ts heartRateBpm powerW }"
    " sessions(first: 10) { edges { node { start tss } } } }"
)
CLIENTS = 50
"""Apps polling the dashboard at once, one keep-alive connection each."""
WARM_UP_S = 5
CEILING_STEP = 50
CEILING_P99_MS = 100.0
CEILING_STEP_S = 5.0
PASSWORD = "benchmark-password"  # noqa: S105 - a throwaway account in a throwaway database


@dataclass(frozen=True, slots=True)
class GatewayBenchResult:
    dashboard_p50_ms: float
    dashboard_p99_ms: float
    dashboard_rps: float
    dashboard_errors: int
    login_p50_ms: float
    login_p99_ms: float
    offered_rps: int
    healthz_p50_ms: float
    healthz_p99_ms: float
    dashboard_p99_over_healthz: float
    """The dashboard's p99 against the baseline's: ``/healthz`` under the same load."""
    gateway_cpu_ms_per_request: float
    postgres_cpu_ms_per_request: float
    generator_cpu_ms_per_request: float
    capacity_used: float
    """CPU of the gateway, PostgreSQL and the generator while the dashboard load ran, as a
    share of every core of the machine."""
    ceiling_rps: int | None
    """The highest rate offered (in steps of ``CEILING_STEP``) served at p99 < 100 ms."""

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


Request = Callable[[aiohttp.ClientSession], Awaitable[bool]]
"""One request on a client's connection; True when the answer is right."""


async def _load(
    clients: list[aiohttp.ClientSession], request: Request, rps: int, seconds: float
) -> tuple[list[float], int, float]:
    """``request`` ``rps`` times a second on schedule; request ``i`` goes to client
    ``i mod len(clients)``, each on its own connection. Latencies, errors, the rate achieved."""
    latencies: list[float] = []
    errors = 0

    async def one(client: aiohttp.ClientSession) -> None:
        nonlocal errors
        began = time.perf_counter()
        if not await request(client):
            errors += 1
        latencies.append(time.perf_counter() - began)

    tasks = []
    started = time.perf_counter()
    for i in range(int(rps * seconds)):
        delay = started + i / rps - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(clients[i % len(clients)])))
    await asyncio.gather(*tasks)
    return latencies, errors, len(tasks) / (time.perf_counter() - started)


def _dashboard(token: str) -> Request:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"query": DASHBOARD})

    async def request(client: aiohttp.ClientSession) -> bool:
        async with client.post("/graphql", data=body, headers=headers) as response:
            # Read whole; an error response carries a top-level "errors" key.
            return response.status == 200 and b'"errors":' not in await response.read()

    return request


async def _healthz(client: aiohttp.ClientSession) -> bool:
    async with client.get("/healthz") as response:
        await response.read()
        return response.status == 200


@dataclass(frozen=True, slots=True)
class _Cpu:
    """Where the CPU went: the gateway's processes, the database's backends, this process."""

    gateway: float
    postgres: float
    generator: float

    @classmethod
    def now(cls, gateway_group: int, db_url: str) -> _Cpu:
        mine = resource.getrusage(resource.RUSAGE_SELF)
        return cls(
            group_cpu_seconds(gateway_group),
            backend_cpu_seconds(db_url),
            mine.ru_utime + mine.ru_stime,
        )

    def __sub__(self, other: _Cpu) -> _Cpu:
        return _Cpu(
            self.gateway - other.gateway,
            self.postgres - other.postgres,
            self.generator - other.generator,
        )


async def _ceiling(
    clients: list[aiohttp.ClientSession], request: Request, start: int
) -> int | None:
    """Step the offered rate up from ``start`` until p99 reaches ``CEILING_P99_MS`` or a
    request fails; the last rate that stayed under it."""
    best = None
    rate = start
    while True:
        latencies, errors, _ = await _load(clients, request, rate, CEILING_STEP_S)
        if errors or _percentile(latencies, 0.99) >= CEILING_P99_MS:
            return best
        best, rate = rate, rate + CEILING_STEP


async def _drive(  # noqa: PLR0917 - one private call site
    base: str, rps: int, seconds: float, gateway_group: int, db_url: str, ceiling: bool
) -> GatewayBenchResult:
    """Login alone, then the dashboard from ``CLIENTS`` apps: many devices polling, each with
    its own keep-alive connection, as a gateway meets them (and as its processes share them);
    then the baseline: ``/healthz`` (no work, the HTTP stack's floor) under the same load."""
    timeout = aiohttp.ClientTimeout(total=30)
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                aiohttp.ClientSession(
                    base, connector=aiohttp.TCPConnector(limit=1), timeout=timeout
                )
            )
            for _ in range(CLIENTS)
        ]
        login_times = []
        token = ""
        for _ in range(20):
            began = time.perf_counter()
            async with clients[0].post(
                "/api/v1/auth/login", json={"email": "bench@example.com", "password": PASSWORD}
            ) as response:
                token = (await response.json())["access_token"]
            login_times.append(time.perf_counter() - began)
        dashboard = _dashboard(token)
        # Warm-up: every client connects, the gateway's pools grow, statements get prepared.
        await _load(clients, dashboard, rps, WARM_UP_S)
        gc.collect()
        gc.freeze()  # the generator's own full collections would show up as latency
        cpu_before, started = _Cpu.now(gateway_group, db_url), time.perf_counter()
        latencies, errors, achieved = await _load(clients, dashboard, rps, seconds)
        used = _Cpu.now(gateway_group, db_url) - cpu_before
        elapsed = time.perf_counter() - started
        floor, _, _ = await _load(clients, _healthz, rps, seconds)
        most = await _ceiling(clients, dashboard, CEILING_STEP) if ceiling else None
    p99 = _percentile(latencies, 0.99)
    floor_p99 = _percentile(floor, 0.99)
    return GatewayBenchResult(
        dashboard_p50_ms=round(statistics.median(latencies) * 1000, 2),
        dashboard_p99_ms=round(p99, 2),
        dashboard_rps=round(achieved, 1),
        dashboard_errors=errors,
        login_p50_ms=round(statistics.median(login_times) * 1000, 1),
        login_p99_ms=round(_percentile(login_times, 0.99), 1),
        offered_rps=rps,
        healthz_p50_ms=round(statistics.median(floor) * 1000, 2),
        healthz_p99_ms=round(floor_p99, 2),
        dashboard_p99_over_healthz=round(p99 / floor_p99, 1),
        gateway_cpu_ms_per_request=round(used.gateway / len(latencies) * 1000, 2),
        postgres_cpu_ms_per_request=round(used.postgres / len(latencies) * 1000, 2),
        generator_cpu_ms_per_request=round(used.generator / len(latencies) * 1000, 2),
        capacity_used=round(
            (used.gateway + used.postgres + used.generator) / (elapsed * (os.cpu_count() or 1)), 2
        ),
        ceiling_rps=most,
    )


async def _register(base: str) -> list[str]:
    """The athlete and two devices, through the real API; the devices' ids."""
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, timeout=timeout, raise_for_status=True) as client:
        account = {"email": "bench@example.com", "password": PASSWORD, "display_name": "Bench"}
        async with client.post("/api/v1/auth/register", json=account):
            pass
        credentials = {"email": "bench@example.com", "password": PASSWORD}
        async with client.post("/api/v1/auth/login", json=credentials) as login:
            token = (await login.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        devices = []
        for i in range(2):
            device = {"name": f"d{i}", "kind": "hr"}
            async with client.post("/api/v1/devices", json=device, headers=headers) as made:
                devices.append((await made.json())["device"]["id"])
        return devices


def _seed(db_url: str, devices: list[str]) -> None:
    """An hour of 1 Hz samples for each device, with its rollup, as ingest would write them."""
    start = datetime.now(UTC) - timedelta(hours=1)
    with psycopg.connect(db_url) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(current_date - 1, 3)")
        rollup = RollupMaintainer(enabled=RollupMaintainer.needed(conn))
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w) FROM STDIN"
        ) as copy:
            for device in devices:
                for s in range(3600):
                    copy.write_row(
                        (device, start + timedelta(seconds=s), 120 + s % 40, 200 + s % 90)
                    )
                rollup.touch(uuid.UUID(device), start, start + timedelta(seconds=3599))
        rollup.record(conn)
        conn.commit()
        rollup.flush(conn)  # as ingest does after its commits
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ANALYZE")  # as autovacuum does after a bulk load: plans need statistics


def run_gateway_bench(  # noqa: PLR0917 - the command's options
    server_url: str,
    rps: int,
    seconds: float,
    workers: int,
    say: Callable[[str], None],
    ceiling: bool = True,
) -> GatewayBenchResult:
    port = free_port()
    with scratch_database(server_url, "fc_bench_gateway") as db_url:
        env = {**os.environ, "FITCONNECT_DATABASE_URL": db_url, "FITCONNECT_LOG_LEVEL": "WARNING"}
        env["FITCONNECT_ENVIRONMENT"] = "test"
        env["FITCONNECT_SECRET_KEY"] = uuid.uuid4().hex * 2
        command = ["gateway", f"--port={port}", f"--workers={workers}"]
        process = subprocess.Popen(  # a process group of its own: its CPU is read from /proc
            [sys.executable, "-m", "fitconnect", *command], env=env, start_new_session=True
        )
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(_wait_ready(base))
            _seed(db_url, asyncio.run(_register(base)))
            say(
                f"gateway ({workers} process(es)) on {base}: 2 devices x 3,600 samples;"
                f" {rps} req/s for {seconds} s"
            )
            # uvloop: the generator's own CPU is taken from the machine the gateway runs on.
            return uvloop.run(_drive(base, rps, seconds, process.pid, db_url, ceiling))
        finally:
            process.terminate()
            process.wait(30)


async def _wait_ready(base: str, timeout_s: float = 30) -> None:
    """Until ``/healthz`` answers 200; a TimeoutError saying the last answer after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as client:
        while True:
            try:
                async with client.get(f"{base}/healthz") as answer:
                    if answer.status == 200:
                        return
                    last = f"HTTP {answer.status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                last = repr(exc)
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the gateway at {base} is not ready after {timeout_s:g} s: {last}"
                )
            await asyncio.sleep(0.2)  # a poll interval, not a barrier
