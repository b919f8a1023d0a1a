"""The commit acknowledgements ingest sends the edge agents, after each commit.

The broker's PUBACK tells an agent only that the broker has its batch; a broker killed before
delivering it loses it. So, once a batch of messages is committed, the worker publishes per
device one ``CommitAck`` on ``fc/v1/{tenant}/{device}/ack`` (QoS 1, not retained) naming the
sequence numbers of the telemetry batches the commit settled: stored, already stored, or
dead-lettered (a message that will never be stored must not be sent again forever). The agent
deletes a batch from its disk buffer only then. A message too broken to carry a readable
``seq`` and the topic's ``device_id`` (or under a topic that names no device) cannot be
acknowledged; the agent drops it only by its buffer's limits.
"""

from __future__ import annotations

from collections import defaultdict

import msgspec

from fitconnect.ingest.batch import Pending
from fitconnect.ingest.validation import Parsed
from fitconnect.schemas import (
    Channel,
    CommitAck,
    DeviceTopic,
    TelemetryBatch,
    WireError,
    ack_topic,
    encode,
    payload_format,
    seq_ranges,
)


class _SeqOnly(msgspec.Struct):
    device_id: str
    seq: int


_lenient_msgpack = msgspec.msgpack.Decoder(_SeqOnly)
_lenient_json = msgspec.json.Decoder(_SeqOnly)


def settled(pending: list[Pending]) -> dict[tuple[str, str], list[int]]:
    """(tenant, device) -> the sequence numbers of the telemetry batches in ``pending``."""
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    for item in pending:
        address = _telemetry_address(item)
        if address is None:
            continue
        seq = _seq_of(item, address[1])
        if seq is not None:
            found[address].append(seq)
    return found


def ack_messages(pending: list[Pending], now_ms: int) -> list[tuple[str, bytes]]:
    """One (topic, payload) per device that had telemetry batches in ``pending``."""
    return [
        (
            ack_topic(tenant, device),
            encode(CommitAck(device_id=device, seqs=seq_ranges(seqs), ts_ms=now_ms)),
        )
        for (tenant, device), seqs in settled(pending).items()
    ]


def _telemetry_address(item: Pending) -> tuple[str, str] | None:
    if isinstance(item.parsed, Parsed):
        address = item.parsed.address
        if address.channel is not Channel.TELEMETRY:
            return None
        return address.tenant, address.device_id
    parts = item.topic.split("/")
    if len(parts) != 5 or parts[4] != Channel.TELEMETRY.value:
        return None
    try:
        address = DeviceTopic.parse(item.topic)
    except WireError:
        return None
    return address.tenant, address.device_id


def _seq_of(item: Pending, device_id: str) -> int | None:
    if isinstance(item.parsed, Parsed) and isinstance(item.parsed.message, TelemetryBatch):
        return item.parsed.message.seq
    if not item.payload:
        return None
    try:  # a refused message: its seq, if it has a readable one and is the topic's device's
        decoder = _lenient_json if payload_format(item.payload) == "json" else _lenient_msgpack
        found = decoder.decode(item.payload)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
        return None
    return found.seq if found.seq >= 0 and found.device_id == device_id else None
