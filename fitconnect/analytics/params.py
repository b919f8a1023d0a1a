"""The athlete values the formulas need (threshold power, heart-rate range, body).

They are the athlete's own statements in their profile (the users context publishes them
with their history as ``users.athlete_parameters``): a session is computed with the values
in force at its start. A value's first statement counts from the beginning (the sessions
before it would otherwise have none); every later change from the moment it was made.
Threshold heart rate and the Karvonen switch stay in ``analytics.athlete_params``. A missing
value falls back to a documented default or leaves the dependent metric empty (no FTP, no
IF/TSS) rather than inventing one; the FTP estimate is a suggestion, never used in its place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
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


@dataclass(frozen=True, slots=True)
class ParamsChange:
    """Parameters in force from ``valid_from`` (None: from the beginning) until the next."""

    valid_from: datetime | None
    params: AthleteParams
    birth_date: date | None = None
    """When known, ``age_years`` is the age at each session instead."""


History = Mapping[str, Sequence[ParamsChange]]
"""Athlete -> their parameter changes, oldest first."""


def constant(params: AthleteParams) -> list[ParamsChange]:
    """A history of one statement, in force from the beginning."""
    return [ParamsChange(None, params)]


def _age(birth: date, at: datetime) -> float:
    day = at.date()
    return float(day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day)))


def in_force(history: Sequence[ParamsChange], at: datetime) -> AthleteParams:
    """The parameters of ``history`` in force at ``at`` (the defaults when none)."""
    current: ParamsChange | None = None
    for change in history:
        if change.valid_from is None or change.valid_from <= at:
            current = change
    if current is None:
        return AthleteParams()
    if current.birth_date is None:
        return current.params
    return replace(current.params, age_years=_age(current.birth_date, at))


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
