"""Milestone badges, defined as data and awarded by walking an athlete's history in order.

A badge is earned at the first session whose running total crosses its threshold; the walk is
deterministic, so re-running over the same sessions awards the same badges at the same times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Counter = Literal[
    "sessions", "distance_m", "moving_time_s", "daily_streak", "records", "ftp_increases"
]


@dataclass(frozen=True, slots=True)
class Badge:
    """A milestone: ``counter`` reaching ``threshold``."""

    id: str
    name: str
    counter: Counter
    threshold: float


BADGES: tuple[Badge, ...] = (
    Badge("first-workout", "First workout", "sessions", 1),
    Badge("sessions-10", "Ten workouts", "sessions", 10),
    Badge("sessions-100", "A hundred workouts", "sessions", 100),
    Badge("distance-100k", "100 km", "distance_m", 100_000),
    Badge("distance-1000k", "1,000 km", "distance_m", 1_000_000),
    Badge("distance-10000k", "10,000 km", "distance_m", 10_000_000),
    Badge("time-10h", "10 hours", "moving_time_s", 10 * 3600),
    Badge("time-100h", "100 hours", "moving_time_s", 100 * 3600),
    Badge("streak-3", "3-day streak", "daily_streak", 3),
    Badge("streak-7", "7-day streak", "daily_streak", 7),
    Badge("streak-10", "10-day streak", "daily_streak", 10),
    Badge("streak-30", "30-day streak", "daily_streak", 30),
    Badge("first-pr", "New personal record", "records", 1),
    Badge("pr-10", "Ten personal records", "records", 10),
    Badge("ftp-up", "FTP up", "ftp_increases", 1),
)


@dataclass(frozen=True, slots=True)
class Progress:
    """An athlete's counters right after one session."""

    at: datetime
    sessions: int
    distance_m: float
    moving_time_s: float
    daily_streak: int
    records: int
    ftp_increases: int

    def value(self, counter: Counter) -> float:
        """The counter a badge watches."""
        return float(getattr(self, counter))


@dataclass(frozen=True, slots=True)
class Award:
    """A badge earned at the session starting ``at``."""

    badge_id: str
    at: datetime


def award(history: list[Progress], badges: tuple[Badge, ...] = BADGES) -> list[Award]:
    """Badges earned along ``history`` (ordered by time), each once, at its crossing."""
    awards: list[Award] = []
    for badge in badges:
        for point in history:
            if point.value(badge.counter) >= badge.threshold:
                awards.append(Award(badge.id, point.at))
                break
    return sorted(awards, key=lambda a: (a.at, a.badge_id))
