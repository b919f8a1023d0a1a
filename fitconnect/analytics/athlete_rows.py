"""Per-athlete results (chart, volume, records, FTP, game) as rows for their tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from fitconnect.analytics.daily import daily_load, weekly_volume
from fitconnect.analytics.gamification.challenges import Challenge, challenge_progress
from fitconnect.analytics.gamification.leaderboards import all_leaderboards
from fitconnect.analytics.gamification.progress import athlete_games, with_xp
from fitconnect.analytics.metrics import METRICS_VERSION
from fitconnect.analytics.records import ftp_estimates, personal_records


@dataclass
class AthleteTables:
    """Rows for each per-athlete table, keyed by table name."""

    rows: dict[str, list[dict[str, Any]] | pl.DataFrame] = field(default_factory=dict)


def _versioned(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [dict(r, version=METRICS_VERSION) for r in frame.iter_rows(named=True)]


def athlete_tables(
    sessions: pl.DataFrame, as_of: date, challenges: list[Challenge]
) -> AthleteTables:
    """Everything derived per athlete from their stored sessions (marked plausible)."""
    tenants = dict(sessions.select("athlete_id", "tenant_id").unique().iter_rows())
    scored = with_xp(sessions)
    ftp = ftp_estimates(scored).rename({"start_ts": "at"})
    out = AthleteTables()
    version = pl.lit(METRICS_VERSION).alias("version")
    out.rows["analytics.daily_load"] = daily_load(scored, through=as_of).with_columns(version)
    out.rows["analytics.weekly_volume"] = weekly_volume(scored).with_columns(version)
    out.rows["analytics.personal_records"] = _versioned(personal_records(scored))
    out.rows["analytics.ftp_estimates"] = _versioned(ftp)
    out.rows["analytics.notices"] = [
        {
            "athlete_id": r["athlete_id"],
            "kind": "ftp_up",
            "at": r["at"],
            "message": (
                f"FTP estimate up from {r['previous_w']:.0f} W to {r['ftp_estimate_w']:.0f} W"
            ),
            "version": METRICS_VERSION,
        }
        for r in ftp.filter(pl.col("rose")).iter_rows(named=True)
    ]
    games = athlete_games(scored, as_of)
    out.rows["gamification.athlete_progress"] = [
        {
            "athlete_id": g.athlete_id,
            "tenant_id": tenants[g.athlete_id],
            "xp": g.xp,
            "level": g.level,
            "daily_streak": g.daily.current,
            "longest_daily_streak": g.daily.longest,
            "weekly_streak": g.weekly.current,
            "longest_weekly_streak": g.weekly.longest,
            "as_of": as_of,
            "version": METRICS_VERSION,
        }
        for g in games
    ]
    out.rows["gamification.badge_awards"] = [
        {
            "athlete_id": g.athlete_id,
            "badge_id": a.badge_id,
            "awarded_at": a.at,
            "version": METRICS_VERSION,
        }
        for g in games
        for a in g.awards
    ]
    progress = [challenge_progress(scored, c) for c in challenges]
    out.rows["gamification.challenge_progress"] = (
        _versioned(pl.concat(progress)) if progress else []
    )
    return out


BOARD_COLUMNS: tuple[str, ...] = (
    "tenant_id",
    "period",
    "metric",
    "period_start",
    "athlete_id",
    "value",
    "rank",
    "version",
)


def leaderboard_rows(sessions: pl.DataFrame) -> pl.DataFrame:
    """Every board of every tenant in ``sessions`` (all of those tenants' sessions)."""
    boards = all_leaderboards(with_xp(sessions))
    return boards.with_columns(pl.lit(METRICS_VERSION).alias("version")).select(BOARD_COLUMNS)


def board_totals(sessions: pl.DataFrame) -> pl.DataFrame:
    """Each athlete's total on every board of ``sessions`` (ranked later, among all entries)."""
    return leaderboard_rows(sessions).drop("rank")
