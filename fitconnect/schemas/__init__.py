"""The wire contract between the edge agent and ingest: topics and message structs.

It imports nothing else of FitConnect.
"""

from fitconnect.schemas.errors import WireError
from fitconnect.schemas.messages import (
    METRICS,
    SCHEMA_VERSION,
    CommitAck,
    DeviceEvent,
    DeviceState,
    DeviceStatus,
    EventKind,
    Metric,
    TelemetryBatch,
    decode,
    encode,
    payload_format,
    seq_ranges,
)
from fitconnect.schemas.topics import (
    TOPIC_ROOT,
    Channel,
    DeviceTopic,
    ack_topic,
    filter_for,
    shared_filter,
)

__all__ = [
    "METRICS",
    "SCHEMA_VERSION",
    "TOPIC_ROOT",
    "Channel",
    "CommitAck",
    "DeviceEvent",
    "DeviceState",
    "DeviceStatus",
    "DeviceTopic",
    "EventKind",
    "Metric",
    "TelemetryBatch",
    "WireError",
    "ack_topic",
    "decode",
    "encode",
    "filter_for",
    "payload_format",
    "seq_ranges",
    "shared_filter",
]
