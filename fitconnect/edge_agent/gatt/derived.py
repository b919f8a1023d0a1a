"""Speed, cadence and distance from cumulative revolutions and event times (CSC, CPS).

Sensors send running totals: revolutions and the time of the last revolution event (in
1/1024 s; CPS wheel events in 1/2048 s). Rates come from the difference between two
notifications, which must survive counter roll-over (uint16/uint32), a counter reset after a
reconnect (never a negative speed), and a rider who stops pedalling (the event time stops
changing: cadence falls to 0 after ``stale_s``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fitconnect.edge_agent.gatt.measurement import Measurement

DEFAULT_WHEEL_CIRCUMFERENCE_M = 2.105  # 700x25c
STALE_S = 3.0


@dataclass
class _Counter:
    """The last (revolutions, event time) of one counter and how long it has not moved."""

    revs_modulo: int
    time_modulo: int
    time_unit_s: float
    revs: int | None = None
    event: int | None = None
    idle_s: float = 0.0

    def step(self, revs: int, event: int, elapsed_s: float) -> tuple[int, float] | None:
        """(revolution delta, seconds) since the previous notification; None without one."""
        previous = (self.revs, self.event)
        self.revs, self.event = revs, event
        if previous[0] is None or previous[1] is None:
            return None
        d_revs = (revs - previous[0]) % self.revs_modulo
        if revs < previous[0] and previous[0] - revs > self.revs_modulo // 2:
            d_revs = revs + self.revs_modulo - previous[0]  # roll-over
        elif revs < previous[0]:
            return None  # counter reset (reconnect): start afresh, never negative
        d_time = (event - previous[1]) % self.time_modulo
        if d_time == 0:
            self.idle_s += elapsed_s
            return (0, 0.0)
        self.idle_s = 0.0
        return d_revs, d_time * self.time_unit_s


class RevolutionDeriver:
    """Per device: speed (m/s, km/h), distance and cadence from CSC or CPS notifications."""

    def __init__(
        self,
        wheel_circumference_m: float = DEFAULT_WHEEL_CIRCUMFERENCE_M,
        stale_s: float = STALE_S,
    ) -> None:
        self.circumference_m = wheel_circumference_m
        self.stale_s = stale_s
        self.reset()

    def reset(self) -> None:
        """Forget the previous notification (after a reconnect)."""
        self._wheel_csc = _Counter(1 << 32, 1 << 16, 1 / 1024)
        self._wheel_cps = _Counter(1 << 32, 1 << 16, 1 / 2048)
        self._crank = _Counter(1 << 16, 1 << 16, 1 / 1024)
        self._cadence_rpm = 0.0

    def update(self, m: Measurement, elapsed_s: float = 1.0) -> dict[str, float]:
        """Derived values after ``m``; ``elapsed_s`` is the time since the previous one."""
        out: dict[str, float] = {}
        wheel_delta = None
        if "cumulative_wheel_revs" in m:
            revs = int(m["cumulative_wheel_revs"])  # type: ignore[arg-type]
            out["total_distance_m"] = revs * self.circumference_m
            if "last_wheel_event_time_raw_2048" in m:
                counter, event = self._wheel_cps, m["last_wheel_event_time_raw_2048"]
            else:
                counter, event = self._wheel_csc, m["last_wheel_event_time_raw_1024"]
            step = counter.step(revs, int(event), elapsed_s)  # type: ignore[arg-type]
            if step is not None:
                wheel_delta, seconds = step
                out["distance_delta_m"] = wheel_delta * self.circumference_m
                if seconds > 0:
                    out["speed_mps"] = wheel_delta * self.circumference_m / seconds
                    out["speed_kmh"] = out["speed_mps"] * 3.6
                elif counter.idle_s >= self.stale_s:
                    out["speed_mps"] = out["speed_kmh"] = 0.0
        if "cumulative_crank_revs" in m:
            revs = int(m["cumulative_crank_revs"])  # type: ignore[arg-type]
            event = int(m["last_crank_event_time_raw_1024"])  # type: ignore[arg-type]
            step = self._crank.step(revs, event, elapsed_s)
            if step is None:
                self._cadence_rpm = 0.0
            else:
                crank_delta, seconds = step
                if seconds > 0:
                    self._cadence_rpm = crank_delta / seconds * 60.0
                    if crank_delta:  # wheel turns per crank turn; 0 without wheel data
                        out["gear_ratio"] = (wheel_delta or 0) / crank_delta
                elif self._crank.idle_s >= self.stale_s:
                    self._cadence_rpm = 0.0
            out["cadence_rpm"] = self._cadence_rpm
        return out
