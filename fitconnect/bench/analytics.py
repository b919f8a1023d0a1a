"""``fitconnect bench analytics``: full and incremental recompute beside a plain-Python baseline.

Synthetic 1 Hz rides are generated in memory, one ride per athlete recorded by two or three
devices at once (a heart-rate strap and a power meter; every other athlete a trainer too),
which the job fuses into one session each; the measured path is the job's own computation
(fusion, sessions, metrics, per-athlete tables, DuckDB leaderboards) without the database
round trip. The baseline computes the core session
metrics (averages, maxima, 30-s NP, work, TRIMP, zones, power curve) in plain Python, on up
to ``BASELINE_ATHLETES`` rides, scaled linearly to the full count.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl

from fitconnect.analytics.athlete_rows import athlete_tables, leaderboard_rows
from fitconnect.analytics.frame import SAMPLE_SCHEMA
from fitconnect.analytics.params import AthleteParams, History, constant
from fitconnect.analytics.power_curve import CURVE_DURATIONS_S
from fitconnect.analytics.session_rows import compute_sessions
from fitconnect.analytics.sessions import empty_events
from fitconnect.analytics.sources import rank_frame
from fitconnect.analytics.zones import HR_ZONE_FRACTIONS, POWER_ZONE_FRACTIONS

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
BASELINE_ATHLETES = 100
"""The plain-Python baseline runs on this many rides and is scaled to the full count."""


@dataclass(frozen=True, slots=True)
class AnalyticsBenchResult:
    """Figures of one benchmark run (seconds)."""

    athletes: int
    samples: int
    full_recompute_s: float
    incremental_s: float
    baseline_s: float
    baseline_measured_samples: int
    sessions_per_s: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return asdict(self)


DEVICE_KINDS: tuple[str, ...] = ("hr", "power", "trainer")
"""The devices of a synthetic athlete, in order: odd athletes have all three, even two."""


def devices_of(athlete: int) -> list[str]:
    """The synthetic device ids of ``athlete`` (``dev-<athlete>-<kind index>``)."""
    return [f"dev-{athlete}-{k}" for k in range(2 + athlete % 2)]


def synthetic_samples(athletes: int, seconds: int, start: datetime = START) -> pl.DataFrame:
    """One ride per athlete, 1 Hz, from each of their devices: the strap sends heart rate,
    the power meter power (intervals) and cadence, the trainer its own power reading (a few
    watts off), speed and distance."""
    i = pl.int_range(0, athletes * seconds, dtype=pl.Int64, eager=True)
    frame = pl.DataFrame({"i": i}).with_columns(
        (pl.col("i") // seconds).alias("a"), (pl.col("i") % seconds).alias("s")
    )
    wave = ((pl.col("s") / 90.0 + pl.col("a")).sin() * 80.0).cast(pl.Int32)
    jitter = (pl.col("i").hash(7) % 41).cast(pl.Int32) - 20
    watts = (200 + wave + jitter).clip(0)
    ride = frame.select(
        "a",
        (pl.lit(start) + pl.duration(seconds=pl.col("s"))).alias("ts"),
        (135 + (pl.col("s") / 120.0).sin() * 15 + (pl.col("i").hash(3) % 3) - 1)
        .cast(SAMPLE_SCHEMA["heart_rate_bpm"])
        .alias("heart_rate_bpm"),
        watts.cast(SAMPLE_SCHEMA["power_w"]).alias("power_w"),
        (88.0 + (pl.col("i").hash(5) % 5) - 2).cast(SAMPLE_SCHEMA["cadence_rpm"]).alias("cad"),
        (pl.col("s").cast(pl.Float64) * 32.0 / 3.6).alias("distance_m"),
    )
    nothing = {c: pl.lit(None, t) for c, t in SAMPLE_SCHEMA.items() if c != "ts"}

    def device(kind: int, **values: pl.Expr) -> pl.DataFrame:
        rows = ride if kind < 2 else ride.filter(pl.col("a") % 2 == 1)
        columns = nothing | {c: e.cast(SAMPLE_SCHEMA[c]).alias(c) for c, e in values.items()}
        return rows.select(
            pl.format("dev-{}-{}", pl.col("a"), pl.lit(kind)).alias("device_id"),
            "ts",
            *(columns[c].alias(c) for c in SAMPLE_SCHEMA if c != "ts"),
        )

    return pl.concat(
        [
            device(0, heart_rate_bpm=pl.col("heart_rate_bpm")),
            device(1, power_w=pl.col("power_w"), cadence_rpm=pl.col("cad")),
            device(
                2,
                power_w=pl.col("power_w") - 5,
                speed_kmh=pl.lit(32.0),
                distance_m=pl.col("distance_m"),
                altitude_m=pl.lit(100.0),
            ),
        ]
    ).sort("device_id", "ts")


def _owners(
    athletes: int,
) -> tuple[dict[str, tuple[str, str]], History, pl.DataFrame]:
    """Owners of the synthetic devices, their athletes' parameters, and the devices' ranks."""
    owners = {d: (f"ath-{a}", f"tenant-{a % 10}") for a in range(athletes) for d in devices_of(a)}
    params = {
        f"ath-{a}": constant(AthleteParams(ftp_w=250.0, hr_max_bpm=190.0)) for a in range(athletes)
    }
    kinds = {d: DEVICE_KINDS[int(d.rsplit("-", 1)[1])] for d in owners}
    return owners, params, rank_frame(kinds)


def recompute(
    samples: pl.DataFrame,
    owners: dict[str, tuple[str, str]],
    params: History,
    ranks: pl.DataFrame,
    previous: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """What one job run computes for ``samples``; returns all sessions after it."""
    sessions = compute_sessions(samples, empty_events(), owners, params, ranks).sessions
    sessions = sessions.with_columns(pl.col("session_start").alias("start_ts"))
    if previous is not None:
        sessions = pl.concat([previous, sessions], how="diagonal_relaxed")
    touched = samples.get_column("device_id").unique().to_list()
    athletes = {owners[d][0] for d in touched}
    tenants = {owners[d][1] for d in touched}
    athlete_tables(sessions.filter(pl.col("athlete_id").is_in(athletes)), date(2026, 3, 31), [])
    leaderboard_rows(sessions.filter(pl.col("tenant_id").is_in(tenants)))
    return sessions


def _best_means(p: list[int], durations: tuple[int, ...]) -> dict[int, float]:
    """Plain-Python mean-maximal power by sliding sums."""
    best: dict[int, float] = {}
    for d in durations:
        if d > len(p):
            continue
        window = sum(p[:d])
        top = window
        for k in range(d, len(p)):
            window += p[k] - p[k - d]
            top = max(top, window)
        best[d] = top / d
    return best


def _plain_session(p: list[int], h: list[int], ftp: float, hr_max: float) -> dict[str, Any]:
    window, acc4, count = 0.0, 0.0, 0
    for k, value in enumerate(p):
        window += value
        if k >= 30:
            window -= p[k - 30]
        if k >= 29:
            acc4 += (window / 30.0) ** 4
            count += 1
    hr_zones, power_zones, trimp = [0] * 5, [0] * 7, 0.0
    for bpm in h:
        hrr = min(max((bpm - 60.0) / (hr_max - 60.0), 0.0), 1.0)
        trimp += hrr * 0.64 * math.exp(1.92 * hrr) / 60.0
        hr_zones[sum(bpm / hr_max >= e for e in HR_ZONE_FRACTIONS)] += 1
    for watts in p:
        power_zones[sum(watts / ftp > e for e in POWER_ZONE_FRACTIONS)] += 1
    return {
        "avg_power_w": sum(p) / len(p),
        "max_power_w": max(p),
        "normalized_power_w": (acc4 / count) ** 0.25 if count else 0.0,
        "work_kj": sum(p) / 1000.0,
        "avg_heart_rate_bpm": sum(h) / len(h),
        "max_heart_rate_bpm": max(h),
        "trimp": trimp,
        "hr_zone_s": hr_zones,
        "power_zone_s": power_zones,
        "power_curve_w": _best_means(p, CURVE_DURATIONS_S),
    }


def plain_python_metrics(samples: pl.DataFrame) -> list[dict[str, Any]]:
    """The baseline: per-athlete session metrics (averages, NP, TRIMP, zones, power curve)
    with Python lists and loops, as code without a dataframe library would do it: heart rate
    from each athlete's strap, power from their power meter (``synthetic_samples`` order)."""
    out: list[dict[str, Any]] = []
    rows: dict[str, list[Any]] = {}
    for device, watts, bpm in samples.select("device_id", "power_w", "heart_rate_bpm").iter_rows():
        rows.setdefault(device, []).append(watts if device.endswith("-1") else bpm)
    athletes = sorted({d.rsplit("-", 1)[0] for d in rows})
    for athlete in athletes:
        out.append(_plain_session(rows[f"{athlete}-1"], rows[f"{athlete}-0"], 250.0, 190.0))
    return out


def run_analytics_bench(athletes: int, hours: float) -> AnalyticsBenchResult:
    """Full recompute, one new session, and the baseline, timed in this process."""
    seconds = int(hours * 3600)
    samples = synthetic_samples(athletes, seconds)
    owners, params, ranks = _owners(athletes)
    began = time.perf_counter()
    sessions = recompute(samples, owners, params, ranks)
    full = time.perf_counter() - began
    later = START + timedelta(days=1)
    new = synthetic_samples(2, seconds, start=later).filter(
        pl.col("device_id").str.starts_with("dev-1-")
    )
    began = time.perf_counter()
    recompute(new, owners, params, ranks, previous=sessions)
    incremental = time.perf_counter() - began
    # The baseline is slow by nature: time it on at most BASELINE_ATHLETES rides, scale up.
    measured = min(athletes, BASELINE_ATHLETES)
    subset = samples.filter(
        pl.col("device_id").str.extract(r"dev-(\d+)-", 1).cast(pl.Int64) < measured
    )
    began = time.perf_counter()
    plain_python_metrics(subset)
    baseline = (time.perf_counter() - began) * athletes / measured
    return AnalyticsBenchResult(
        athletes=athletes,
        samples=samples.height,
        full_recompute_s=round(full, 3),
        incremental_s=round(incremental, 3),
        baseline_s=round(baseline, 3),
        baseline_measured_samples=subset.height,
        sessions_per_s=round(athletes / full, 1) if full > 0 else 0.0,
    )
