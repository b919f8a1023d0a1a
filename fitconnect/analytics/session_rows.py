"""From samples of many devices to rows of ``analytics.sessions`` and ``analytics.laps``.

Each athlete's devices are cleaned and fused (``fusion``), the fused stream cut into
sessions (``sessions``), and each session computed with the parameters in force at its start
(``params``). Pure: no database.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from psycopg.types.json import Jsonb

from fitconnect.analytics.best_efforts import DISTANCE_EFFORTS_M, effort_column
from fitconnect.analytics.frame import SAMPLE_SCHEMA, SESSION_KEY
from fitconnect.analytics.fusion import (
    Fused,
    clean,
    cleaning_flags,
    fuse,
    session_sources,
    single_distance,
)
from fitconnect.analytics.laps import LAP_FIELDS, lap_metrics
from fitconnect.analytics.metrics import METRICS_VERSION, session_metrics
from fitconnect.analytics.params import AthleteParams, History, in_force, params_frame
from fitconnect.analytics.plausibility import mark_plausible
from fitconnect.analytics.power_curve import CURVE_DURATIONS_S, curve_column
from fitconnect.analytics.report import SCALAR_FIELDS
from fitconnect.analytics.sessions import assign_sessions
from fitconnect.analytics.sources import rank_frame
from fitconnect.analytics.timer import session_timer

SESSION_COLUMNS: tuple[str, ...] = (
    "id",
    "athlete_id",
    "tenant_id",
    "start_ts",
    "device_id",
    "devices",
    "sources",
    "quality",
    "explicit",
    "first_sample_ts",
    *(f for f in SCALAR_FIELDS if f not in ("start_ts",)),
    "hr_zone_s",
    "power_zone_s",
    "power_curve_w",
    "best_efforts_s",
    "ftp_w",
    "plausible",
    "implausible",
    "version",
)
"""Columns of ``analytics.sessions`` the job writes (``computed_at`` is the database's)."""


LAP_COLUMNS: tuple[str, ...] = ("session_id", *LAP_FIELDS, "version")
"""Columns of ``analytics.laps`` the job writes."""


@dataclass(frozen=True, slots=True)
class Computed:
    """Metrics of every session (one row each), and of the laps of those that have laps."""

    sessions: pl.DataFrame
    laps: pl.DataFrame


MAIN_ORDER: tuple[str, ...] = (
    "power_w",
    "heart_rate_bpm",
    "speed_kmh",
    "cadence_rpm",
    "distance_m",
    "altitude_m",
)
"""A session's ``device_id`` is the main source of the first of these it has."""

_NAMESPACE = uuid.UUID("6f7c2b9e-5d1a-4c1e-9a67-2f0c1d0e8b41")


def session_uuid(athlete_id: str, start: datetime) -> str:
    """The stable id of the athlete's session starting at ``start``."""
    return str(uuid.uuid5(_NAMESPACE, f"{athlete_id}/{start.isoformat()}"))


def _with_athletes(
    samples: pl.DataFrame, events: pl.DataFrame, owners: Mapping[str, tuple[str, str]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    athlete_of = {d: a for d, (a, _) in owners.items()}

    def owned(frame: pl.DataFrame) -> pl.DataFrame:
        device = pl.col("device_id").cast(pl.String)
        return frame.with_columns(device).with_columns(
            device.replace_strict(athlete_of, return_dtype=pl.String).alias("athlete_id")
        )

    return owned(samples), owned(events.filter(pl.col("device_id").is_in(list(athlete_of))))


def _per_session(
    cut: pl.DataFrame, cleaned: pl.DataFrame, fused: Fused, ranks: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the per-session provenance and quality columns, ``cut`` with one distance source)."""
    found = session_sources(cut, fused.devices, ranks)
    prov, main = found.provenance, found.main
    spans = cut.group_by(SESSION_KEY).agg(
        pl.col("athlete_id").first(),
        pl.col("ts").min().alias("_first"),
        pl.col("ts").max().alias("_last"),
    )
    flags = pl.concat(
        [
            found.dropouts.select(
                SESSION_KEY,
                "stream",
                pl.lit("dropout").alias("flag"),
                "device_id",
                pl.col("seconds").alias("count"),
            ),
            cleaning_flags(fused.flagged, spans),
        ]
    )
    order = {s: i for i, s in enumerate(MAIN_ORDER)}
    device = (
        main.with_columns(pl.col("stream").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort(SESSION_KEY, "_o")
        .group_by(SESSION_KEY, maintain_order=True)
        .first()
        .select(SESSION_KEY, "device_id")
    )
    columns = device.join(
        prov.group_by(SESSION_KEY).agg(
            pl.col("device_id").unique().sort().alias("devices"),
            pl.struct("stream", "device_id", "seconds").alias("sources"),
        ),
        on=SESSION_KEY,
    ).join(
        flags.group_by(SESSION_KEY).agg(
            pl.struct("stream", "flag", "device_id", "count").alias("quality")
        ),
        on=SESSION_KEY,
        how="left",
    )
    return columns, single_distance(cut, cleaned, main, prov)


def compute_sessions(
    samples: pl.DataFrame,
    events: pl.DataFrame,
    owners: Mapping[str, tuple[str, str]],
    params: History,
    ranks: pl.DataFrame | None = None,
) -> Computed:
    """Metrics of every fused session and lap in ``samples`` (column ``device_id``).

    ``events`` holds session and lap marks of the devices; ``owners`` maps device ->
    (athlete, tenant); ``params`` athlete -> parameter history; ``ranks`` is
    ``sources.rank_frame`` of the devices (default: every device alike).
    """
    owned, marks = _with_athletes(samples, events, owners)
    if ranks is None:
        ranks = rank_frame(dict.fromkeys(owners, ""))
    cleaned = clean(owned)
    fused = fuse(cleaned, ranks)
    cut = assign_sessions(fused.samples, marks)
    meta = cut.group_by(SESSION_KEY).agg(
        pl.col("athlete_id").first(), pl.col("session_start").first(), pl.col("explicit").first()
    )
    by_session: dict[int, AthleteParams] = {
        sid: in_force(params.get(athlete, ()), start)
        for sid, athlete, start in meta.select(
            SESSION_KEY, "athlete_id", "session_start"
        ).iter_rows()
    }
    columns, cut = _per_session(cut, cleaned, fused, ranks)
    metrics = session_metrics(
        cut.select(SESSION_KEY, *SAMPLE_SCHEMA),
        params_frame(by_session),
        timer=session_timer(cut, marks),
    )
    tenants = pl.DataFrame(
        sorted({(a, t) for a, t in owners.values()}),
        schema=["athlete_id", "tenant_id"],
        orient="row",
    )
    ftp = pl.DataFrame(
        [(sid, p.ftp_w) for sid, p in by_session.items()],
        schema={SESSION_KEY: pl.Int64(), "ftp_w": pl.Float64()},
        orient="row",
    )
    sessions = mark_plausible(
        metrics.join(meta, on=SESSION_KEY)
        .join(tenants, on="athlete_id")
        .join(ftp, on=SESSION_KEY)
        .join(columns, on=SESSION_KEY)
    )
    laps = lap_metrics(cut, marks).join(meta, on=SESSION_KEY)
    return Computed(sessions, laps)


def _as_dicts(value: object) -> list[dict[str, Any]]:
    return [dict(v) for v in value] if isinstance(value, list) else []


def session_rows(sessions: pl.DataFrame) -> list[dict[str, Any]]:
    """``compute_sessions`` output as rows for ``analytics.sessions``."""
    out: list[dict[str, Any]] = []
    for row in sessions.iter_rows(named=True):
        record = dict(row)
        record["id"] = session_uuid(row["athlete_id"], row["session_start"])
        record["first_sample_ts"] = row["start_ts"]
        record["start_ts"] = row["session_start"]
        record["sources"] = Jsonb(_as_dicts(row["sources"]))
        record["quality"] = Jsonb(_as_dicts(row["quality"]))
        curve = {str(d): row[curve_column(d)] for d in CURVE_DURATIONS_S}
        record["power_curve_w"] = {d: w for d, w in curve.items() if w is not None}
        efforts = {name: row.get(effort_column(name)) for name in DISTANCE_EFFORTS_M}
        record["best_efforts_s"] = {k: v for k, v in efforts.items() if v is not None}
        record["version"] = METRICS_VERSION
        out.append({c: record[c] for c in SESSION_COLUMNS})
    return out


def lap_rows(laps: pl.DataFrame) -> list[dict[str, Any]]:
    """``Computed.laps`` as rows for ``analytics.laps``."""
    return [
        dict(
            r, session_id=session_uuid(r["athlete_id"], r["session_start"]), version=METRICS_VERSION
        )
        for r in laps.select("athlete_id", "session_start", *LAP_FIELDS).iter_rows(named=True)
    ]
