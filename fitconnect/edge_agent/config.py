"""The agent's configuration file (TOML), validated when loaded: ``deploy/edge/edge.example.toml``
shows and explains every key. A wrong value is refused with the key it is under."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import msgspec

Port = Annotated[int, msgspec.Meta(ge=0, le=65535)]
_ADDRESS = re.compile(r"^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$")


class DeviceConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    source: Literal["simulated", "ble"] = "simulated"
    profile: Literal["ride", "run", "row"] = "ride"
    address: str | None = None
    wheel_circumference_m: Annotated[float, msgspec.Meta(gt=0.5, lt=4)] = 2.105


class AgentConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    broker: str
    tenant: str
    devices: list[DeviceConfig]
    buffer: str = "edge-data/buffer.sqlite"
    metrics_port: Port = 9104
    metrics_host: str = "127.0.0.1"
    hz: Annotated[float, msgspec.Meta(ge=0.1, le=20)] = 4.0
    commit_acks: bool = True
    commit_timeout_s: Annotated[float, msgspec.Meta(ge=1, le=3600)] = 30.0


def load_config(path: Path) -> AgentConfig:
    """Parse and validate ``path``; ``ValueError`` says what is wrong and under which key."""
    try:
        config = msgspec.toml.decode(path.read_bytes(), type=AgentConfig)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    problems = list(_problems(config))
    if problems:
        raise ValueError(f"{path}: {'; '.join(problems)}")
    return config


def _problems(config: AgentConfig) -> list[str]:
    found = []
    if urlsplit(config.broker).scheme not in {"mqtt", "mqtts"}:
        found.append(f"broker: {config.broker!r} is not an mqtt:// or mqtts:// URL")
    if not _is_uuid(config.tenant):
        found.append(f"tenant: {config.tenant!r} is not a UUID")
    if not config.devices:
        found.append("devices: no [[devices]] table")
    if len({d.source for d in config.devices}) > 1:
        found.append("devices: BLE and simulated devices run in separate agents")
    for i, device in enumerate(config.devices):
        key = f"devices[{i}]"
        if not _is_uuid(device.id):
            found.append(f"{key}.id: {device.id!r} is not a UUID")
        if device.source == "ble" and device.address is None:
            found.append(f"{key}.address: a BLE device needs its Bluetooth address")
        if device.address is not None and not _ADDRESS.match(device.address):
            found.append(f"{key}.address: {device.address!r} is not like C7:1A:4B:22:9E:01")
    return found


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
