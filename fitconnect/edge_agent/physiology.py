"""A small deterministic model of a rider, runner or rower for the simulator.

Power follows intervals (warm-up, efforts, recoveries); heart rate follows power with a lag
(a first-order response, ~30 s); cadence and speed follow power. Seeded: the same seed gives
the same workout, so tests and demos are repeatable.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass
class AthleteState:
    power_w: float
    heart_rate_bpm: float
    cadence_rpm: float
    speed_mps: float


class Physiology:
    def __init__(
        self, seed: int, ftp_w: float = 250.0, hr_rest: float = 55, hr_max: float = 185
    ) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - a simulation, not cryptography
        self.ftp = ftp_w * (0.8 + 0.4 * self._rng.random())
        self._hr_rest, self._hr_max = hr_rest, hr_max
        self._hr = hr_rest + 20
        self._phase = self._rng.random() * 600

    def target_power(self, t_s: float) -> float:
        """Intervals: 3 min at 105% FTP, 2 min at 55%, over a 60% base after warm-up."""
        if t_s < 120:
            return self.ftp * (0.4 + 0.2 * t_s / 120)
        cycle = (t_s + self._phase) % 300
        return self.ftp * (1.05 if cycle < 180 else 0.55)

    def step(self, t_s: float, dt_s: float) -> AthleteState:
        power = max(0.0, self.target_power(t_s) * (1 + 0.05 * self._rng.gauss(0, 1)))
        hr_target = (
            self._hr_rest + (self._hr_max - self._hr_rest) * min(power / self.ftp, 1.2) * 0.8
        )
        self._hr += (hr_target - self._hr) * (1 - math.exp(-dt_s / 30))
        cadence = 70 + 25 * min(power / self.ftp, 1.2) + self._rng.gauss(0, 1.5)
        speed = 3.0 * (power / 10) ** (1 / 3) + self._rng.gauss(0, 0.1)
        return AthleteState(power, self._hr, cadence, max(speed, 0.0))
