"""The athlete values the formulas need (threshold power, heart-rate range, body).

Until the users context owns a profile these live in ``analytics.athlete_params``; a missing
value falls back to a documented default or leaves the dependent metric empty (no FTP, no
IF/TSS) rather than inventing one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import polars as pl

from fitconnect.analytics.frame import SESSION_KEY

Sex = Literal["male", "female"]


@dataclass(frozen=True, slots=True)
class AthleteParams:
    """One athlete's physiology as of a session."""

    ftp_w: float | None = None
    hr_max_bpm: float | None = None
    hr_rest_bpm: float = 60.0
    lthr_bpm: float | None = None
    weight_kg: float = 75.0
    age_years: float = 35.0
    sex: Sex = "male"
    hr_zones_karvonen: bool = False


PARAM_SCHEMA: dict[str, pl.DataType] = {
    "ftp_w": pl.Float64(),
    "hr_max_bpm": pl.Float64(),
    "hr_rest_bpm": pl.Float64(),
    "lthr_bpm": pl.Float64(),
    "weight_kg": pl.Float64(),
    "age_years": pl.Float64(),
    "sex": pl.String(),
    "hr_zones_karvonen": pl.Boolean(),
}


def params_frame(by_session: dict[int, AthleteParams]) -> pl.DataFrame:
    """A frame of ``session_id`` and the parameter columns, one row per session."""
    rows = [{SESSION_KEY: sid, **asdict(p)} for sid, p in by_session.items()]
    return pl.DataFrame(rows, schema={SESSION_KEY: pl.Int64(), **PARAM_SCHEMA})
