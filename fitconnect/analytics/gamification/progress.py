"""An athlete's whole game state from their sessions: XP, level, streaks, badges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

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


def _history(one: pl.DataFrame, improved: list[datetime], rises: list[datetime]) -> list[Progress]:
    """Running counters after each plausible session of one athlete, in time order."""
    rows = one.filter(pl.col("plausible")).sort("start_ts")
    runs = running_lengths((ts.date() for ts in rows["start_ts"].to_list()), step=timedelta(days=1))
    history: list[Progress] = []
    distance = moving = 0.0
    for count, row in enumerate(rows.iter_rows(named=True), start=1):
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


def athlete_games(sessions: pl.DataFrame, as_of: date) -> list[AthleteGame]:
    """Game state of every athlete in ``sessions`` (marked plausible, with xp) on ``as_of``."""
    records = record_events(sessions).filter(pl.col("previous").is_not_null())
    ftp = ftp_estimates(sessions).filter(pl.col("rose"))
    improved = _times_by_athlete(records)
    rises = _times_by_athlete(ftp)
    games: list[AthleteGame] = []
    for (athlete,), one in sessions.sort("start_ts").group_by("athlete_id", maintain_order=True):
        aid = str(athlete)
        xp = int(one["xp"].sum())
        days = [ts.date() for ts in one.filter(pl.col("plausible"))["start_ts"].to_list()]
        history = _history(one, improved.get(aid, []), rises.get(aid, []))
        games.append(
            AthleteGame(
                athlete_id=aid,
                xp=xp,
                level=level_for(xp),
                daily=daily_streak(days, as_of),
                weekly=weekly_streak(days, as_of),
                awards=award(history),
            )
        )
    return games


def _times_by_athlete(events: pl.DataFrame) -> dict[str, list[datetime]]:
    """Event times (``start_ts``) grouped per athlete."""
    out: dict[str, list[datetime]] = {}
    for athlete, ts in events.select("athlete_id", "start_ts").iter_rows():
        out.setdefault(str(athlete), []).append(ts)
    return out
