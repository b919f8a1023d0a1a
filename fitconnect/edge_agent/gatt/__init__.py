"""GATT decoders of the standard fitness profiles: bytes in, a frozen ``Measurement`` out.

``decode_notification("2A37", payload)`` decodes any supported characteristic;
``encode_measurement`` is its inverse (the simulator sends what real devices send);
``to_expected_dict`` gives the published vocabulary (``fitconnect-edge decode``);
``to_samples`` the wire metrics a telemetry batch carries.
"""

from __future__ import annotations

from fitconnect.edge_agent.gatt.derived import RevolutionDeriver
from fitconnect.edge_agent.gatt.errors import DecodeError
from fitconnect.edge_agent.gatt.layout import Value
from fitconnect.edge_agent.gatt.measurement import Measurement
from fitconnect.edge_agent.gatt.registry import (
    SUPPORTED,
    decode_notification,
    encode_measurement,
    normalise,
)

# Measurement names that are wire metrics as they are (fitconnect.schemas.Metric).
_DIRECT = ("heart_rate_bpm", "power_w", "cadence_rpm", "speed_kmh", "stroke_rate_spm")


def to_expected_dict(m: Measurement) -> dict[str, Value | list[float] | list[int]]:
    """The JSON-ready vocabulary of ``fitconnect-edge decode`` (and the truth data)."""
    out: dict[str, Value | list[float] | list[int]] = {}
    for name, value in m.items():
        out[name] = list(value) if isinstance(value, tuple) else value
    rr = m.get("rr_intervals_raw_1024")
    if isinstance(rr, tuple):
        out["rr_intervals_s"] = [v / 1024 for v in rr]
    return out


def to_samples(m: Measurement) -> dict[str, float]:
    """The wire metrics ``m`` carries directly (derived speed/cadence come from the deriver)."""
    out: dict[str, float] = {}
    for name in _DIRECT:
        value = m.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = float(value)
    if "power_w" not in out and isinstance(m.get("power_output_w"), int):
        out["power_w"] = float(m["power_output_w"])  # type: ignore[arg-type]
    speed_mps = m.get("speed_mps")
    if isinstance(speed_mps, float | int) and not isinstance(speed_mps, bool):
        out["speed_kmh"] = speed_mps * 3.6
    distance = m.get("total_distance_m")
    if isinstance(distance, int | float) and not isinstance(distance, bool):
        out["distance_m"] = float(distance)
    if "cadence_spm" in m and "cadence_rpm" not in out:
        out["cadence_rpm"] = float(m["cadence_spm"])  # type: ignore[arg-type]
    return out


__all__ = [
    "SUPPORTED",
    "DecodeError",
    "Measurement",
    "RevolutionDeriver",
    "Value",
    "decode_notification",
    "encode_measurement",
    "normalise",
    "to_expected_dict",
    "to_samples",
]
