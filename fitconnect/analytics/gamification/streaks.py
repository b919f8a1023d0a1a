"""Daily and weekly streaks: consecutive days (ISO weeks) with at least one plausible session."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Streak:
    """The live run (0 once broken) and the longest ever, in days or weeks."""

    current: int
    longest: int


def running_lengths(days: Iterable[date], step: timedelta) -> dict[date, int]:
    """Length of the run ending on each training day (``step`` apart counts as consecutive)."""
    out: dict[date, int] = {}
    previous: date | None = None
    for day in sorted(set(days)):
        run = out[previous] + 1 if previous is not None and day - previous == step else 1
        out[day] = run
        previous = day
    return out


def _streak(days: Iterable[date], as_of: date, step: timedelta) -> Streak:
    runs = running_lengths(days, step)
    if not runs:
        return Streak(0, 0)
    last = max(runs)
    # Today's run is still alive if the last training was today or one step before.
    alive = last in (as_of, as_of - step)
    return Streak(runs[last] if alive else 0, max(runs.values()))


def daily_streak(days: Iterable[date], as_of: date) -> Streak:
    """Daily streak as of ``as_of`` (a streak survives until a full day is missed)."""
    return _streak(days, as_of, timedelta(days=1))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_streak(days: Iterable[date], as_of: date) -> Streak:
    """Weekly streak as of ``as_of``'s week (alive while last week or this one has training)."""
    return _streak((_monday(d) for d in days), _monday(as_of), timedelta(weeks=1))
