"""The agent's configuration file (TOML), validated when loaded.

broker = "mqtt://device-user:secret@broker.example:1883"
tenant = "4a1f…"                      # the tenant id the devices belong to
buffer = "/var/lib/fitconnect-edge/buffer.sqlite"
metrics_port = 9104                  # 0: no /metrics

[[devices]]
id = "9c2e…"                         # the registered device id
source = "simulated"                 # simulated | ble
profile = "ride"                     # simulated: ride | run | row
address = "C7:1A:…"                  # ble: the device's address
wheel_circumference_m = 2.105
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import msgspec


class DeviceConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    source: Literal["simulated", "ble"] = "simulated"
    profile: Literal["ride", "run", "row"] = "ride"
    address: str | None = None
    wheel_circumference_m: float = 2.105


class AgentConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    broker: str
    tenant: str
    devices: list[DeviceConfig]
    buffer: str = "edge-data/buffer.sqlite"
    metrics_port: int = 9104
    hz: float = 4.0


def load_config(path: Path) -> AgentConfig:
    """Parse and validate ``path``; ``ValueError`` says what is wrong and where."""
    try:
        config = msgspec.toml.decode(path.read_bytes(), type=AgentConfig)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    if not config.devices:
        raise ValueError(f"{path}: no [[devices]]")
    return config
