"""``fitconnect bench analytics --database``: the job end to end on a real PostgreSQL.

A scratch database gets the migrations, the athletes (with FTP and heart-rate maximum in
their profiles), their two or three devices each and the synthetic rides (loaded with COPY
and vacuumed, not timed); then ``run_once`` is timed for the full
recompute, for one new session, and for a run with nothing new. The scratch database is
dropped afterwards.
"""

from __future__ import annotations

import io
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import psycopg

from fitconnect.analytics.jobs import run_once
from fitconnect.bench.analytics import DEVICE_KINDS, devices_of, synthetic_samples
from fitconnect.platform.db.scratch import scratch_database

_COPY = (
    "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w, cadence_rpm, speed_kmh,"
    " distance_m, altitude_m) FROM STDIN WITH (FORMAT csv)"
)


@dataclass(frozen=True, slots=True)
class DatabaseBenchResult:
    """Figures of the job over PostgreSQL (seconds)."""

    samples: int
    load_s: float
    full_recompute_s: float
    incremental_s: float
    nothing_new_s: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return asdict(self)


def _load(url: str, samples: pl.DataFrame) -> None:
    csv = io.BytesIO()
    samples.with_columns(pl.col("ts").dt.strftime("%Y-%m-%d %H:%M:%S+00")).write_csv(
        csv, include_header=False
    )
    first = samples.get_column("ts").min()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 4)", (first,))
        with conn.cursor().copy(_COPY) as copy:
            copy.write(csv.getvalue())
        # What autovacuum does after a bulk insert; without it the first run alone pays for
        # setting the hint bits of every new row (a one-off cost of the load, not of the job).
        conn.execute("VACUUM (ANALYZE) telemetry.samples")


def _register(url: str, athletes: int, ids: dict[str, str]) -> None:
    """The athletes' accounts in one tenant (FTP 250 W, HR max 190) and their devices."""
    tenant = str(uuid.uuid4())
    accounts = [str(uuid.uuid4()) for _ in range(athletes)]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users.tenants (id, slug, name) VALUES (%s, 'bench', 'bench')", (tenant,)
        )
        conn.cursor().executemany(
            "INSERT INTO users.accounts (id, tenant_id, email, password_hash, role, display_name,"
            " ftp_w, hr_max_bpm) VALUES (%s, %s, %s, 'x', 'athlete', 'bench', 250, 190)",
            [(a, tenant, f"{a}@bench.invalid") for a in accounts],
        )
        conn.cursor().executemany(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash) VALUES (%s, %s, %s, 'bench', %s, %s, 'x')",
            [
                (ids[d], tenant, accounts[a], DEVICE_KINDS[k], f"bench-{ids[d]}")
                for a in range(athletes)
                for k, d in enumerate(devices_of(a))
            ],
        )


def _timed(url: str) -> float:
    began = time.perf_counter()
    run_once(url)
    return time.perf_counter() - began


def run_database_bench(server_url: str, athletes: int, hours: float) -> DatabaseBenchResult:
    """Time the job on a scratch database of ``server_url`` (dropped afterwards)."""
    with scratch_database(server_url, "fc_bench_analytics") as url:
        seconds = int(hours * 3600)
        start = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)
        start -= timedelta(days=2)
        ids = {d: str(uuid.uuid4()) for a in range(athletes) for d in devices_of(a)}
        _register(url, athletes, ids)
        samples = synthetic_samples(athletes, seconds, start=start)
        began = time.perf_counter()
        _load(url, samples.with_columns(pl.col("device_id").replace_strict(ids)))
        load = time.perf_counter() - began
        full = _timed(url)
        # One new session: athlete 1's three devices the next day.
        new = synthetic_samples(2, seconds, start=start + timedelta(days=1)).filter(
            pl.col("device_id").is_in(devices_of(1))
        )
        _load(url, new.with_columns(pl.col("device_id").replace_strict(ids)))
        incremental = _timed(url)
        nothing = _timed(url)
    return DatabaseBenchResult(
        samples=samples.height,
        load_s=round(load, 3),
        full_recompute_s=round(full, 3),
        incremental_s=round(incremental, 3),
        nothing_new_s=round(nothing, 3),
    )
