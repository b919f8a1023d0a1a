"""The wire contract between the edge agent and ingest: topics and message structs.

It imports nothing else of FitConnect.
"""

from fitconnect.schemas.errors import WireError
from fitconnect.schemas.messages import (
    METRICS,
    SCHEMA_VERSION,
    DeviceEvent,
    DeviceState,
    DeviceStatus,
    EventKind,
    Metric,
    TelemetryBatch,
    decode,
    encode,
    payload_format,
)
from fitconnect.schemas.topics import TOPIC_ROOT, Channel, DeviceTopic, filter_for, shared_filter

__all__ = [
    "METRICS",
    "SCHEMA_VERSION",
    "TOPIC_ROOT",
    "Channel",
    "DeviceEvent",
    "DeviceState",
    "DeviceStatus",
    "DeviceTopic",
    "EventKind",
    "Metric",
    "TelemetryBatch",
    "WireError",
    "decode",
    "encode",
    "filter_for",
    "payload_format",
    "shared_filter",
]
