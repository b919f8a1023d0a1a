"""Turn a metrics row into the JSON object users and the gateway see."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from fitconnect.analytics.best_efforts import DISTANCE_EFFORTS_M, effort_column
from fitconnect.analytics.laps import LAP_FIELDS
from fitconnect.analytics.power_curve import BEST_EFFORTS, CURVE_DURATIONS_S, curve_column

SCALAR_FIELDS: tuple[str, ...] = (
    "start_ts",
    "end_ts",
    "duration_s",
    "moving_time_s",
    "distance_m",
    "avg_speed_kmh",
    "max_speed_kmh",
    "ascent_m",
    "avg_power_w",
    "max_power_w",
    "normalized_power_w",
    "intensity_factor",
    "tss",
    "work_kj",
    "avg_heart_rate_bpm",
    "max_heart_rate_bpm",
    "avg_cadence_rpm",
    "calories_kcal",
    "trimp",
    "hr_tss",
    "stress_score",
    "decoupling_pct",
)


def _clean(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 3) if math.isfinite(value) else None
    return value


def session_report(row: dict[str, Any]) -> dict[str, Any]:
    """The public shape of one session's metrics (JSON-ready, floats to 3 decimals)."""
    out = {name: _clean(row.get(name)) for name in SCALAR_FIELDS}
    out["hr_zone_s"] = {f"z{i + 1}": s for i, s in enumerate(row.get("hr_zone_s") or [])}
    out["power_zone_s"] = {f"z{i + 1}": s for i, s in enumerate(row.get("power_zone_s") or [])}
    curve = {str(d): _clean(row.get(curve_column(d))) for d in CURVE_DURATIONS_S}
    out["power_curve_w"] = {d: w for d, w in curve.items() if w is not None}
    out["best_efforts_w"] = {
        name: _clean(row.get(curve_column(d)))
        for name, d in BEST_EFFORTS.items()
        if row.get(curve_column(d)) is not None
    }
    out["best_efforts_s"] = {
        name: _clean(row.get(effort_column(name)))
        for name in DISTANCE_EFFORTS_M
        if row.get(effort_column(name)) is not None
    }
    return out


def lap_report(row: dict[str, Any]) -> dict[str, Any]:
    """The public shape of one lap's metrics (as ``session_report``: JSON-ready, rounded)."""
    return {name: _clean(row.get(name)) for name in LAP_FIELDS}
