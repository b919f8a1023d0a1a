"""From samples of many devices to rows of ``analytics.sessions`` and ``analytics.laps``.

Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from fitconnect.analytics.best_efforts import DISTANCE_EFFORTS_M, effort_column
from fitconnect.analytics.frame import SESSION_KEY
from fitconnect.analytics.laps import LAP_FIELDS, lap_metrics
from fitconnect.analytics.metrics import METRICS_VERSION, session_metrics
from fitconnect.analytics.params import AthleteParams, params_frame
from fitconnect.analytics.plausibility import mark_plausible
from fitconnect.analytics.power_curve import CURVE_DURATIONS_S, curve_column
from fitconnect.analytics.report import SCALAR_FIELDS
from fitconnect.analytics.sessions import assign_sessions

SESSION_COLUMNS: tuple[str, ...] = (
    "device_id",
    "start_ts",
    "athlete_id",
    "tenant_id",
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


LAP_COLUMNS: tuple[str, ...] = ("device_id", "session_start_ts", *LAP_FIELDS, "version")
"""Columns of ``analytics.laps`` the job writes."""


@dataclass(frozen=True, slots=True)
class Computed:
    """Metrics of every session (one row each), and of the laps of those that have laps."""

    sessions: pl.DataFrame
    laps: pl.DataFrame


def compute_sessions(
    samples: pl.DataFrame,
    events: pl.DataFrame,
    owners: Mapping[str, tuple[str, str]],
    params: Mapping[str, AthleteParams],
) -> Computed:
    """Metrics of every session and lap in ``samples`` (column ``device_id``).

    ``events`` holds session and lap marks; ``owners`` maps device -> (athlete, tenant);
    ``params`` athlete -> parameters.
    """
    cut = assign_sessions(samples, events)
    meta = cut.group_by(SESSION_KEY).agg(
        pl.col("device_id").first(), pl.col("session_start").first(), pl.col("explicit").first()
    )
    by_session: dict[int, AthleteParams] = {}
    for sid, device in meta.select(SESSION_KEY, "device_id").iter_rows():
        by_session[sid] = params[owners[device][0]]
    metrics = session_metrics(
        cut.drop("device_id", "session_start", "explicit"), params_frame(by_session)
    )
    owner_frame = pl.DataFrame(
        [(d, a, t) for d, (a, t) in owners.items()],
        schema=["device_id", "athlete_id", "tenant_id"],
        orient="row",
    )
    ftp = pl.DataFrame(
        [(sid, p.ftp_w) for sid, p in by_session.items()],
        schema={SESSION_KEY: pl.Int64(), "ftp_w": pl.Float64()},
        orient="row",
    )
    sessions = mark_plausible(
        metrics.join(meta, on=SESSION_KEY)
        .join(owner_frame, on="device_id")
        .join(ftp, on=SESSION_KEY)
    )
    laps = lap_metrics(cut, events).join(meta, on=SESSION_KEY)
    return Computed(sessions, laps)


def session_rows(sessions: pl.DataFrame) -> list[dict[str, Any]]:
    """``compute_sessions`` output as rows for ``analytics.sessions``."""
    out: list[dict[str, Any]] = []
    for row in sessions.iter_rows(named=True):
        record = dict(row)
        record["first_sample_ts"] = row["start_ts"]
        record["start_ts"] = row["session_start"]
        curve = {str(d): row[curve_column(d)] for d in CURVE_DURATIONS_S}
        record["power_curve_w"] = {d: w for d, w in curve.items() if w is not None}
        efforts = {name: row.get(effort_column(name)) for name in DISTANCE_EFFORTS_M}
        record["best_efforts_s"] = {k: v for k, v in efforts.items() if v is not None}
        record["version"] = METRICS_VERSION
        out.append({c: record[c] for c in SESSION_COLUMNS})
    return out


def lap_rows(laps: pl.DataFrame) -> list[dict[str, Any]]:
    """``Computed.laps`` as rows for ``analytics.laps``."""
    named = laps.rename({"session_start": "session_start_ts"})
    return [
        dict(r, version=METRICS_VERSION)
        for r in named.select(LAP_COLUMNS[:-1]).iter_rows(named=True)
    ]
