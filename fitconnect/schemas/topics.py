"""MQTT topic names of the wire contract, version 1.

``fc/v1/{tenant}/{device_id}/telemetry``  sample batches, QoS 1
``fc/v1/{tenant}/{device_id}/status``     retained online/offline (also the agent's last will)
``fc/v1/{tenant}/{device_id}/events``     session start/stop, battery, device information
``fc/v1/{tenant}/{device_id}/ack``        ingest to the agent: the batches committed, QoS 1

The ``ack`` topic goes the other way (ingest publishes, the device's agent subscribes), so it
is not a ``Channel`` ingest reads: ``ack_topic`` names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from fitconnect.schemas.errors import WireError

TOPIC_ROOT = "fc/v1"
_SEGMENT = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class Channel(StrEnum):
    TELEMETRY = "telemetry"
    STATUS = "status"
    EVENTS = "events"


ACK = "ack"


def ack_topic(tenant: str, device_id: str) -> str:
    """``fc/v1/{tenant}/{device_id}/ack``: where ingest says which of the device's batches it
    committed (or dead-lettered); only that device (and ingest) may use it."""
    return f"{device_prefix(tenant, device_id)}/{ACK}"


def filter_for(channel: Channel) -> str:
    """The wildcard filter for one channel of every device: ``fc/v1/+/+/<channel>``."""
    return f"{TOPIC_ROOT}/+/+/{channel.value}"


def device_prefix(tenant: str, device_id: str) -> str:
    """``fc/v1/{tenant}/{device_id}``: every topic of one device is under it (its ACL)."""
    return f"{TOPIC_ROOT}/{tenant}/{device_id}"


def device_filter(device_id: str, channel: Channel) -> str:
    """``fc/v1/+/{device_id}/<channel>``: one channel of one device, whatever its tenant."""
    return f"{TOPIC_ROOT}/+/{device_id}/{channel.value}"


def shared_filter(channel: Channel, group: str = "ingest") -> str:
    """The MQTT v5 shared subscription that spreads ``channel`` over a group of workers."""
    return f"$share/{group}/{filter_for(channel)}"


@dataclass(frozen=True, slots=True)
class DeviceTopic:
    """Where a device publishes: its tenant, its id and the channel."""

    tenant: str
    device_id: str
    channel: Channel

    def __post_init__(self) -> None:
        for name in ("tenant", "device_id"):
            value = getattr(self, name)
            if not _SEGMENT.match(value):
                raise WireError("bad_topic", f"{name} {value!r} is not a valid topic segment")

    def __str__(self) -> str:
        return f"{device_prefix(self.tenant, self.device_id)}/{self.channel.value}"

    @classmethod
    def parse(cls, topic: str) -> DeviceTopic:
        parts = topic.split("/")
        if len(parts) != 5 or f"{parts[0]}/{parts[1]}" != TOPIC_ROOT:
            raise WireError("bad_topic", f"{topic!r} is not fc/v1/<tenant>/<device>/<channel>")
        try:
            channel = Channel(parts[4])
        except ValueError as exc:
            raise WireError("bad_topic", f"unknown channel {parts[4]!r}") from exc
        return cls(parts[2], parts[3], channel)
