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
    """A crank as a power meter or CSC sensor reports it: completed revolutions and the
    instant of the last one, which move only when a revolution completes (no revolution in a
    notification's interval: the same two values again; cadence 0: they stand still)."""

    turned: float = 0.0  # revolutions, the current one's fraction included
    last_event_s: float = 0.0

    def turn(self, t_s: float, dt_s: float, cadence_rpm: float) -> None:
        """Turn over (t_s - dt_s, t_s] at ``cadence_rpm``; stamp each revolution completed."""
        rate = max(cadence_rpm, 0.0) / 60.0
        before = self.turned
        self.turned += rate * dt_s
        if rate > 0 and int(self.turned) > int(before):
            self.last_event_s = t_s - dt_s + (int(self.turned) - before) / rate

    def fields(self) -> dict[str, object]:
        return {
            "cumulative_crank_revs": int(self.turned) % 65536,
            "last_crank_event_time_raw_1024": round(self.last_event_s * 1024) % 65536,
        }


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
            self._crank.turn(t_s, dt_s, state.cadence_rpm)
            out.append(
                self._note("2A63", {"power_w": round(state.power_w), **self._crank.fields()}, now)
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
