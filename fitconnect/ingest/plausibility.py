"""What values are physiologically and physically possible: the one place ingest checks them.

The decoders accept anything the GATT specification can express; a message whose samples fall
outside these ranges is not stored but dead-lettered with the reason, so a faulty sensor or a
forged payload never reaches analytics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

from fitconnect.schemas import Metric


@dataclass(frozen=True, slots=True)
class Range:
    low: float
    high: float

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high


PLAUSIBLE: dict[str, Range] = {
    Metric.HEART_RATE_BPM: Range(20, 250),
    Metric.POWER_W: Range(0, 2_500),  # the best sprinters peak near 2,400 W
    Metric.CADENCE_RPM: Range(0, 250),
    Metric.SPEED_KMH: Range(0, 150),  # descents; treadmills stay far below
    Metric.DISTANCE_M: Range(0, 1_000_000),
    Metric.STROKE_RATE_SPM: Range(0, 80),
    Metric.ALTITUDE_M: Range(-500, 9_000),
}

# How far a sample's clock may run ahead of the server's, and how old a sample may be.
MAX_FUTURE_S = 300.0
REGISTRATION_GRACE_S = 300.0


def first_implausible(metric: str, values: list[float | None]) -> float | None:
    """The first value of ``values`` outside ``metric``'s range, or None when all are possible.

    The common case, every value possible, is three scans in C (``sum`` is NaN when a value
    is; ``min`` and ``max`` bound the rest); only a batch that fails them is walked value by
    value to name the first offender.
    """
    allowed = PLAUSIBLE[metric]
    present = (
        cast("list[float]", values) if None not in values else [v for v in values if v is not None]
    )
    if not present or (
        not math.isnan(sum(present))
        and allowed.low <= min(present)
        and max(present) <= allowed.high
    ):
        return None
    for value in present:
        if math.isnan(value) or value not in allowed:
            return value
    return None
