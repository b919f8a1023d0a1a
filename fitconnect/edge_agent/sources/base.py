"""The one protocol every device source implements."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Notification:
    """One GATT notification (or read) as the radio delivered it, before decoding."""

    device_key: str  # the configured device id, used in MQTT topics
    characteristic: str  # 16-bit UUID in upper-case hex, e.g. "2A37"
    payload: bytes
    received_at: float  # time.time() when it arrived


class DeviceSource(Protocol):
    """A device (real, simulated or replayed) that yields its notifications until closed."""

    @property
    def device_key(self) -> str: ...

    def notifications(self) -> AsyncIterator[Notification]:
        """Yield notifications as they arrive; reconnect inside when the link drops."""
        ...

    async def aclose(self) -> None:
        """Disconnect and stop yielding."""
        ...
