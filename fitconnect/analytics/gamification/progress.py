"""An athlete's whole game state from their sessions: XP, level, streaks, badges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from fitconnect.analytics.gamification.badges import Award, Progress, award
from fitconnect.analytics.gamification.levels import level_for
from fitconnect.analytics.gamification.streaks import (
    Streak,
    daily_streak,
    running_lengths,
    weekly_streak,
)
from fitconnect.analytics.gamification.xp import session_xp
from fitconnect.analytics.records import ftp_estimates, record_events


@dataclass(frozen=True, slots=True)
class AthleteGame:
    """Game state of one athlete as of a day."""

    athlete_id: str
    xp: int
    level: int
    daily: Streak
    weekly: Streak
    awards: list[Award]


def with_xp(sessions: pl.DataFrame) -> pl.DataFrame:
    """``sessions`` (marked plausible) with an ``xp`` column."""
    return sessions.with_columns(session_xp())


def _history(
    rows: list[dict[str, Any]], improved: list[datetime], rises: list[datetime]
) -> list[Progress]:
    """Running counters after each of one athlete's plausible sessions (in time order)."""
    runs = running_lengths((r["start_ts"].date() for r in rows), step=timedelta(days=1))
    history: list[Progress] = []
    distance = moving = 0.0
    for count, row in enumerate(rows, start=1):
        at = row["start_ts"]
        distance += row["distance_m"] or 0.0
        moving += row["moving_time_s"] or 0.0
        history.append(
            Progress(
                at=at,
                sessions=count,
                distance_m=distance,
                moving_time_s=moving,
                daily_streak=runs[at.date()],
                records=sum(1 for t in improved if t <= at),
                ftp_increases=sum(1 for t in rises if t <= at),
            )
        )
    return history


_GAME_COLUMNS = ("athlete_id", "start_ts", "xp", "plausible", "distance_m", "moving_time_s")


def athlete_games(sessions: pl.DataFrame, as_of: date) -> list[AthleteGame]:
    """Game state of every athlete in ``sessions`` (marked plausible, with xp) on ``as_of``.

    One pass over the sessions in time order, grouped in Python: a few rows per athlete do
    not pay for a Polars call each.
    """
    records = record_events(sessions).filter(pl.col("previous").is_not_null())
    ftp = ftp_estimates(sessions).filter(pl.col("rose"))
    improved = _times_by_athlete(records)
    rises = _times_by_athlete(ftp)
    by_athlete: dict[str, list[dict[str, Any]]] = {}
    ordered = sessions.select(_GAME_COLUMNS).sort("start_ts", maintain_order=True)
    for row in ordered.iter_rows(named=True):
        by_athlete.setdefault(str(row["athlete_id"]), []).append(row)
    games: list[AthleteGame] = []
    for aid, rows in by_athlete.items():
        xp = sum(r["xp"] or 0 for r in rows)
        plausible = [r for r in rows if r["plausible"]]
        days = [r["start_ts"].date() for r in plausible]
        games.append(
            AthleteGame(
                athlete_id=aid,
                xp=xp,
                level=level_for(xp),
                daily=daily_streak(days, as_of),
                weekly=weekly_streak(days, as_of),
                awards=award(_history(plausible, improved.get(aid, []), rises.get(aid, []))),
            )
        )
    return games


def _times_by_athlete(events: pl.DataFrame) -> dict[str, list[datetime]]:
    """Event times (``start_ts``) grouped per athlete."""
    out: dict[str, list[datetime]] = {}
    for athlete, ts in events.select("athlete_id", "start_ts").iter_rows():
        out.setdefault(str(athlete), []).append(ts)
    return out
