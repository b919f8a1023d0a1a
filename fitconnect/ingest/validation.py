"""From an MQTT message to rows that may be stored, or a stable reason they may not.

Two steps: ``parse`` (pure: topic and payload against the wire contract and the column types,
``storable``) happens as a message arrives; ``check`` (against the device registry, the clock
and the plausible ranges) happens when the batch is written, so a registry that cannot be read
delays messages, never loses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.ingest.plausibility import MAX_FUTURE_S, REGISTRATION_GRACE_S, first_implausible
from fitconnect.ingest.registry import DeviceLookup, RegisteredDevice
from fitconnect.ingest.storable import check_storable
from fitconnect.schemas import (
    Channel,
    DeviceEvent,
    DeviceStatus,
    DeviceTopic,
    TelemetryBatch,
    WireError,
    decode,
)

Payload = TelemetryBatch | DeviceStatus | DeviceEvent
_KINDS: dict[Channel, type[Payload]] = {
    Channel.TELEMETRY: TelemetryBatch,
    Channel.STATUS: DeviceStatus,
    Channel.EVENTS: DeviceEvent,
}


@dataclass(frozen=True, slots=True)
class Parsed:
    """A message that follows the wire contract; not yet checked against the registry."""

    address: DeviceTopic
    message: Payload

    @property
    def samples(self) -> int:
        return len(self.message.ts_ms) if isinstance(self.message, TelemetryBatch) else 0


@dataclass(frozen=True, slots=True)
class Checked:
    """A message that passed every check, with the device it belongs to."""

    device: RegisteredDevice
    message: Payload


def parse(topic: str, payload: bytes) -> Parsed:
    """Topic and payload against the wire contract and the columns; ``MessageRejectedError``
    if they break either."""
    try:
        address = DeviceTopic.parse(topic)
        message = decode(payload, _KINDS[address.channel])
    except WireError as exc:
        raise MessageRejectedError(exc.reason, exc.detail) from exc
    if message.device_id != address.device_id:
        raise MessageRejectedError(
            "device_mismatch",
            f"payload device {message.device_id!r} != topic {address.device_id!r}",
        )
    check_storable(message)
    return Parsed(address, message)


def check(parsed: Parsed, registry: DeviceLookup, now_s: float) -> Checked:
    """The device is known, not revoked, of the topic's tenant; times and values possible."""
    address = parsed.address
    device = registry.lookup(address.device_id)
    if device is None:
        raise MessageRejectedError("unknown_device", f"device {address.device_id} is unknown")
    if device.revoked_at is not None:
        raise MessageRejectedError("revoked_device", f"device {address.device_id} was revoked")
    if str(device.tenant_id) != address.tenant:
        raise MessageRejectedError(
            "wrong_tenant", f"device {address.device_id} published under tenant {address.tenant}"
        )
    message = parsed.message
    stamps = message.ts_ms if isinstance(message, TelemetryBatch) else [message.ts_ms]
    _check_not_in_future(stamps, now_s)
    if not is_historical(message):
        _check_not_before_registration(stamps, device)
    if isinstance(message, TelemetryBatch):
        for metric, values in message.metrics.items():
            bad = first_implausible(metric, values)
            if bad is not None:
                raise MessageRejectedError(
                    "implausible_value", f"{metric}={bad} is outside the possible range"
                )
    return Checked(device, message)


def is_historical(message: Payload) -> bool:
    """Data recorded earlier and uploaded now (a FIT import), not live telemetry.

    It is exempt from the registration check only: the topic's tenant must still be the
    device's, nothing may lie in the future, and a sample never replaces one already stored
    at the same (device, instant).
    """
    return not isinstance(message, DeviceStatus) and message.historical


def _check_not_in_future(stamps: list[int], now_s: float) -> None:
    newest = max(stamps)
    if newest > (now_s + MAX_FUTURE_S) * 1000:
        raise MessageRejectedError("future_timestamp", f"sample at {newest} ms is in the future")


def _check_not_before_registration(stamps: list[int], device: RegisteredDevice) -> None:
    oldest = min(stamps)
    registered_ms = (device.registered_at.timestamp() - REGISTRATION_GRACE_S) * 1000
    if oldest < registered_ms:
        raise MessageRejectedError(
            "before_registration", f"sample at {oldest} ms predates the device's registration"
        )
