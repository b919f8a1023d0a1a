"""The sports a session can be of: a closed set, whatever words devices use for them.

A device names the sport in its ``session_start`` event, in its own words ("ride", "Cycling",
"run"); the training reads show one of ``Sport``, and anything unknown is ``OTHER``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import LiteralString


class Sport(StrEnum):
    CYCLING = "cycling"
    RUNNING = "running"
    ROWING = "rowing"
    SWIMMING = "swimming"
    WALKING = "walking"
    OTHER = "other"


_WORDS: dict[Sport, tuple[LiteralString, ...]] = {
    Sport.CYCLING: ("cycling", "ride", "bike", "biking", "cycle"),
    Sport.RUNNING: ("running", "run"),
    Sport.ROWING: ("rowing", "row"),
    Sport.SWIMMING: ("swimming", "swim"),
    Sport.WALKING: ("walking", "walk", "hiking", "hike"),
}


def sport_sql(column: LiteralString) -> LiteralString:
    """SQL naming the ``Sport`` of a device's word in ``column`` (NULL stays NULL)."""
    cases = " ".join(
        f"WHEN lower({column}) IN ({', '.join(repr(w) for w in words)}) THEN '{sport.value}'"
        for sport, words in _WORDS.items()
    )
    return f"CASE WHEN {column} IS NULL THEN NULL {cases} ELSE '{Sport.OTHER.value}' END"
