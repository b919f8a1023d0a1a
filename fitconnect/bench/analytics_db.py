"""``fitconnect bench analytics --database``: the job end to end on a real PostgreSQL.

A scratch database gets the migrations, the athletes (with FTP and heart-rate maximum in
their profiles), their two or three devices each and the synthetic rides (loaded with COPY
and vacuumed, not timed); then ``run_once`` is timed for the full recompute, for each of
``NEW_SESSIONS`` new sessions of one three-device athlete (loaded one at a time, a run
after each; the median is the figure, its ratio to the full recompute of the same run the
comparison), and for a run with nothing new. Each run's CPU time of this process comes from
``/proc/self/stat`` and the machine's load from ``/proc/loadavg`` (the figures are taken on
shared machines). The scratch database is dropped afterwards.
"""

from __future__ import annotations

import io
import os
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
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


NEW_SESSIONS = 5
"""New sessions timed one run each (athlete 1's three devices, 2.5 h apart)."""


@dataclass(frozen=True, slots=True)
class DatabaseBenchResult:
    """Figures of the job over PostgreSQL (seconds; CPU of this process)."""

    samples: int
    load_s: float
    full_recompute_s: float
    full_recompute_cpu_s: float
    incremental_s: float
    """The median of ``incremental_runs_s``."""
    incremental_runs_s: list[float]
    incremental_cpu_s: float
    """CPU of the median run."""
    incremental_ratio: float
    """``incremental_s`` / ``full_recompute_s``."""
    nothing_new_s: float
    load_average: list[float]
    """/proc/loadavg (1, 5, 15 min) before the full recompute and after the last run."""

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


def process_cpu_s() -> float:
    """User + system CPU of this process so far, from /proc/self/stat (utime, stime)."""
    try:
        fields = Path("/proc/self/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        times = os.times()
        return times.user + times.system


def load_average() -> list[float]:
    """The machine's load averages over 1, 5 and 15 minutes (empty off Linux)."""
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text(encoding="ascii").split()[:3]]
    except OSError:
        return []


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU of this process) of one call, in seconds."""
    cpu, began = process_cpu_s(), time.perf_counter()
    run()
    return time.perf_counter() - began, process_cpu_s() - cpu


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
        before = load_average()
        full, full_cpu = _timed(lambda: run_once(url))
        # New sessions: athlete 1's three devices the next day, one at a time, 2.5 h apart
        # (more than a session gap), a run after each.
        runs: list[tuple[float, float]] = []
        for k in range(NEW_SESSIONS):
            at = start + timedelta(days=1, minutes=150 * k)
            new = synthetic_samples(2, seconds, start=at).filter(
                pl.col("device_id").is_in(devices_of(1))
            )
            _load(url, new.with_columns(pl.col("device_id").replace_strict(ids)))
            runs.append(_timed(lambda: run_once(url)))
        nothing, _ = _timed(lambda: run_once(url))
        after = load_average()
    median = statistics.median_low(runs)
    return DatabaseBenchResult(
        samples=samples.height,
        load_s=round(load, 3),
        full_recompute_s=round(full, 3),
        full_recompute_cpu_s=round(full_cpu, 2),
        incremental_s=round(median[0], 3),
        incremental_runs_s=[round(w, 3) for w, _ in runs],
        incremental_cpu_s=round(median[1], 2),
        incremental_ratio=round(median[0] / full, 4) if full > 0 else 0.0,
        nothing_new_s=round(nothing, 3),
        load_average=before + after,
    )
