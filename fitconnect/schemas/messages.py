"""Message structs of the wire contract, version 1 (msgspec).

A telemetry message is one batch from one device: schema version ``v``, the device id, a
per-device sequence number ``seq`` that only grows (it survives agent restarts), and columnar
arrays: ``ts_ms`` (epoch milliseconds) and, per metric, one value (or null) per timestamp.

``latitude_deg`` and ``longitude_deg`` (optional, together or not at all) are the device's
position per timestamp (WGS84 degrees, null where it had no fix): a phone acting as the edge,
a BLE Location and Navigation device, a GPS unit's file. Elevation is ``altitude_m``.

``historical`` (batches and events, default false) marks data recorded earlier and uploaded
now, such as a FIT file imported with its own timestamps: ingest stores it even when it
predates the device's registration (never when it lies in the future, and never over a sample
already stored at the same instant), and live views leave it out.

Payloads are MessagePack by default; JSON is accepted. The payload says itself which: a JSON
message is an object and starts with ``{``; a MessagePack map never does (its first byte is
0x80-0x8f, 0xde or 0xdf). No MQTT v5 property is required.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypeVar

import msgspec

from fitconnect.schemas.errors import WireError

SCHEMA_VERSION = 1
SUPPORTED_VERSIONS = frozenset({1})

PayloadFormat = Literal["msgpack", "json"]


class Metric(StrEnum):
    """The sample columns a telemetry batch may carry (spec units in the name)."""

    HEART_RATE_BPM = "heart_rate_bpm"
    POWER_W = "power_w"
    CADENCE_RPM = "cadence_rpm"
    SPEED_KMH = "speed_kmh"
    DISTANCE_M = "distance_m"
    STROKE_RATE_SPM = "stroke_rate_spm"
    ALTITUDE_M = "altitude_m"


METRICS: tuple[str, ...] = tuple(m.value for m in Metric)


class TelemetryBatch(msgspec.Struct, frozen=True, kw_only=True):
    """One batch of samples from one device, columnar."""

    v: int = SCHEMA_VERSION
    device_id: str
    seq: int
    ts_ms: list[int]
    metrics: dict[str, list[float | None]]
    sent_at_ms: int | None = None
    corr: str | None = None  # correlation id, follows the batch from edge to database
    historical: bool = False  # recorded earlier, uploaded now (see the module docstring)
    latitude_deg: list[float | None] | None = None  # WGS84, with longitude_deg
    longitude_deg: list[float | None] | None = None

    def __post_init__(self) -> None:
        if self.seq < 0:
            raise WireError("bad_batch", f"seq {self.seq} is negative")
        n = len(self.ts_ms)
        if n == 0:
            raise WireError("bad_batch", "a batch holds at least one sample")
        for name, column in self.metrics.items():
            if name not in METRICS:
                raise WireError("unknown_metric", f"metric {name!r} is not one of {METRICS}")
            if len(column) != n:
                raise WireError(
                    "bad_batch", f"metric {name!r} has {len(column)} values for {n} timestamps"
                )
        self._check_positions(n)

    def _check_positions(self, n: int) -> None:
        lat, lon = self.latitude_deg, self.longitude_deg
        if lat is None and lon is None:
            return
        if lat is None or lon is None:
            raise WireError("bad_batch", "latitude_deg and longitude_deg come together")
        for name, column, bound in (("latitude_deg", lat, 90.0), ("longitude_deg", lon, 180.0)):
            if len(column) != n:
                raise WireError("bad_batch", f"{name} has {len(column)} values for {n} timestamps")
            if any(v is not None and not -bound <= v <= bound for v in column):
                raise WireError("bad_batch", f"{name} holds a value outside ±{bound:g}")
        if any((a is None) != (b is None) for a, b in zip(lat, lon, strict=True)):
            raise WireError("bad_batch", "a position has a latitude without a longitude")


class DeviceState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


class DeviceStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Retained on ``…/status``; the agent's last will publishes ``offline``."""

    v: int = SCHEMA_VERSION
    device_id: str
    state: DeviceState
    ts_ms: int


class EventKind(StrEnum):
    SESSION_START = "session_start"
    SESSION_STOP = "session_stop"
    BATTERY = "battery"
    DEVICE_INFO = "device_info"
    LAP = "lap"
    """A lap mark (the athlete pressed lap, or an auto-lap): analytics starts a lap there."""
    PAUSE = "pause"
    """The device's timer stopped (the athlete paused, or auto-pause): moving time stops."""
    RESUME = "resume"
    """The device's timer started or restarted: moving time runs from here."""


class DeviceEvent(msgspec.Struct, frozen=True, kw_only=True):
    """On ``…/events``: a session boundary, a lap mark, a timer pause or resume, a battery
    level or device information."""

    v: int = SCHEMA_VERSION
    device_id: str
    kind: EventKind
    ts_ms: int
    session_id: str | None = None
    sport: str | None = None
    battery_pct: int | None = None
    info: dict[str, str] | None = None
    historical: bool = False  # recorded earlier, uploaded now (see the module docstring)


class CommitAck(msgspec.Struct, frozen=True, kw_only=True):
    """On ``…/ack`` (ingest to the agent, QoS 1, not retained): the device's batches one
    commit settled, stored or dead-lettered, as inclusive ranges of sequence numbers
    ``[[first, last], …]``. The agent deletes a batch from its disk buffer only once a
    ``CommitAck`` names its ``seq``; until then it sends it again (ingest drops repeats)."""

    v: int = SCHEMA_VERSION
    device_id: str
    seqs: list[tuple[int, int]]
    ts_ms: int


def seq_ranges(seqs: list[int]) -> list[tuple[int, int]]:
    """Sequence numbers as sorted inclusive ranges of consecutive numbers."""
    ranges: list[tuple[int, int]] = []
    for seq in sorted(set(seqs)):
        if ranges and ranges[-1][1] == seq - 1:
            ranges[-1] = (ranges[-1][0], seq)
        else:
            ranges.append((seq, seq))
    return ranges


Message = TelemetryBatch | DeviceStatus | DeviceEvent | CommitAck
M = TypeVar("M", bound=TelemetryBatch | DeviceStatus | DeviceEvent | CommitAck)

_msgpack_encoder = msgspec.msgpack.Encoder()
_json_encoder = msgspec.json.Encoder()
_msgpack_decoders: dict[type, msgspec.msgpack.Decoder[Message]] = {}
_json_decoders: dict[type, msgspec.json.Decoder[Message]] = {}


def payload_format(payload: bytes) -> PayloadFormat:
    """Which encoding a payload uses, from its first byte."""
    return "json" if payload[:1] == b"{" else "msgpack"


def encode(message: Message, fmt: PayloadFormat = "msgpack") -> bytes:
    """Encode a message (MessagePack unless ``fmt='json'``)."""
    if fmt == "json":
        return _json_encoder.encode(message)
    return _msgpack_encoder.encode(message)


def decode(payload: bytes, kind: type[M]) -> M:
    """Decode a payload of either format into ``kind``; ``WireError`` when it does not fit."""
    if not payload:
        raise WireError("empty_payload", "the payload is empty")
    try:
        if payload_format(payload) == "json":
            json_dec = _json_decoders.get(kind)
            if json_dec is None:
                json_dec = _json_decoders.setdefault(kind, msgspec.json.Decoder(kind))
            message = json_dec.decode(payload)
        else:
            if payload[0] < 0x80:  # ASCII: text, which MessagePack would read as a number
                raise WireError(
                    "undecodable",
                    f"not MessagePack or JSON (starts {payload[:16]!r}): a message is a"
                    " MessagePack map or a JSON object",
                )
            mp_dec = _msgpack_decoders.get(kind)
            if mp_dec is None:
                mp_dec = _msgpack_decoders.setdefault(kind, msgspec.msgpack.Decoder(kind))
            message = mp_dec.decode(payload)
    except msgspec.ValidationError as exc:
        raise WireError("schema_mismatch", str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise WireError("undecodable", str(exc)) from exc
    if message.v not in SUPPORTED_VERSIONS:
        raise WireError("unsupported_version", f"schema version {message.v} is not supported")
    assert isinstance(message, kind)  # noqa: S101 - narrowed by the decoder's type
    return message
