"""Levels: reaching level L takes 50 * L * (L - 1) XP (100, 300, 600, 1000, ...)."""

from __future__ import annotations

import math


def xp_for_level(level: int) -> int:
    """Total XP at which ``level`` (>= 1) is reached."""
    return 50 * level * (level - 1)


def level_for(xp: int) -> int:
    """The level an athlete with ``xp`` total XP has reached (1 for none)."""
    level = max(1, int((1 + math.sqrt(1 + 0.08 * max(xp, 0))) / 2))
    while xp_for_level(level + 1) <= xp:
        level += 1
    while level > 1 and xp_for_level(level) > xp:
        level -= 1
    return level
