"""Simulated devices: byte-exact notifications of real profiles from the physiology model.

Each simulated device is a heart-rate strap plus a power meter (ride), a footpod (run) or a
rower, and emits exactly the bytes such devices send, encoded by the same layouts the decoders
use; the agent then decodes them like any radio notification.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from fitconnect.edge_agent.gatt import Measurement, encode_measurement
from fitconnect.edge_agent.physiology import Physiology
from fitconnect.edge_agent.sources.base import Notification

PROFILES = ("ride", "run", "row")


@dataclass
class _Crank:
    revs: float = 0.0
    event_1024: int = 0


class SimulatedDevice:
    """One device of a profile; ``tick`` returns the notifications of one moment."""

    def __init__(self, device_key: str, profile: str, seed: int) -> None:
        if profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
        self.device_key = device_key
        self.profile = profile
        self._body = Physiology(seed)
        self._crank = _Crank()
        self._distance_m = 0.0

    def tick(self, t_s: float, dt_s: float, now: float) -> list[Notification]:
        state = self._body.step(t_s, dt_s)
        out = [
            self._note(
                "2A37",
                {"heart_rate_bpm": round(state.heart_rate_bpm), "sensor_contact": "detected"},
                now,
            )
        ]
        if self.profile == "ride":
            self._crank.revs += state.cadence_rpm / 60 * dt_s
            self._crank.event_1024 = (self._crank.event_1024 + round(dt_s * 1024)) % 65536
            out.append(
                self._note(
                    "2A63",
                    {
                        "power_w": round(state.power_w),
                        "cumulative_crank_revs": int(self._crank.revs) % 65536,
                        "last_crank_event_time_raw_1024": self._crank.event_1024,
                    },
                    now,
                )
            )
        elif self.profile == "run":
            self._distance_m += state.speed_mps * 0.35 * dt_s
            out.append(
                self._note(
                    "2A53",
                    {
                        "speed_mps": round(state.speed_mps * 0.35 * 256) / 256,
                        "cadence_spm": round(state.cadence_rpm * 1.9) % 256,
                        "total_distance_m": round(self._distance_m, 1),
                        "is_running": True,
                    },
                    now,
                )
            )
        else:
            self._distance_m += state.speed_mps * 0.6 * dt_s
            out.append(
                self._note(
                    "2AD1",
                    {
                        "stroke_rate_spm": round(state.cadence_rpm / 3.5 * 2) / 2,
                        "stroke_count": int(t_s * state.cadence_rpm / 210) % 65536,
                        "total_distance_m": int(self._distance_m),
                        "power_w": round(state.power_w * 0.8),
                    },
                    now,
                )
            )
        return out

    def _note(self, char: str, fields: dict[str, object], now: float) -> Notification:
        payload = encode_measurement(Measurement.of(char, fields))  # type: ignore[arg-type]
        return Notification(self.device_key, char, payload, now)


def fleet_ticks(
    devices: list[SimulatedDevice], hz: float, seconds: float | None
) -> Iterator[list[Notification]]:
    """Real-time notifications of the whole fleet at ``hz`` (forever when ``seconds`` is None)."""
    dt = 1.0 / hz
    began = time.monotonic()
    step = 0
    while seconds is None or step * dt < seconds:
        target = began + step * dt
        delay = target - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        now = time.time()
        yield [n for d in devices for n in d.tick(step * dt, dt, now)]
        step += 1
