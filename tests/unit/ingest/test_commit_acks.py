"""Which batches a commit settles, and the acknowledgements ingest sends the agents for them."""

import uuid

from fitconnect.ingest.batch import Pending
from fitconnect.ingest.commit_acks import ack_messages
from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.ingest.validation import parse
from fitconnect.schemas import (
    Channel,
    CommitAck,
    DeviceEvent,
    DeviceTopic,
    EventKind,
    TelemetryBatch,
    decode,
    encode,
)

TENANT = str(uuid.uuid4())


def _pending(device: str, seq: int, channel: Channel = Channel.TELEMETRY) -> Pending:
    topic = str(DeviceTopic(TENANT, device, channel))
    message = (
        TelemetryBatch(device_id=device, seq=seq, ts_ms=[seq], metrics={})
        if channel is Channel.TELEMETRY
        else DeviceEvent(device_id=device, kind=EventKind.BATTERY, ts_ms=1, battery_pct=50)
    )
    payload = encode(message)
    return Pending(topic, payload, parse(topic, payload))


def _refused(topic: str, payload: bytes) -> Pending:
    return Pending(topic, payload, MessageRejectedError("undecodable", "test"))


def test_one_acknowledgement_per_device_names_its_batches_as_ranges() -> None:
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    held = [_pending(a, s) for s in (3, 4, 5, 9)] + [_pending(b, 0), _pending(a, 4)]
    held.append(_pending(b, 0, Channel.EVENTS))  # events carry no sequence number
    acks = dict(ack_messages(held, now_ms=7))
    assert sorted(acks) == sorted([f"fc/v1/{TENANT}/{a}/ack", f"fc/v1/{TENANT}/{b}/ack"])
    first = decode(acks[f"fc/v1/{TENANT}/{a}/ack"], CommitAck)
    assert (first.device_id, first.seqs, first.ts_ms) == (a, [(3, 5), (9, 9)], 7)
    assert decode(acks[f"fc/v1/{TENANT}/{b}/ack"], CommitAck).seqs == [(0, 0)]


def test_a_dead_lettered_batch_is_settled_when_its_seq_can_be_read() -> None:
    device, other = str(uuid.uuid4()), str(uuid.uuid4())
    topic = str(DeviceTopic(TENANT, device, Channel.TELEMETRY))
    unknown_metric = encode(TelemetryBatch(device_id=device, seq=4, ts_ms=[1], metrics={}))
    held = [
        _refused(topic, unknown_metric),  # refused for its content: settled
        _refused(topic, b'{"v": 1, "device_id": "%s", "seq": 8, "ts_ms": []}' % device.encode()),
        _refused(topic, encode(TelemetryBatch(device_id=other, seq=5, ts_ms=[1], metrics={}))),
        _refused(topic, b"\xc1 never valid MessagePack"),
        _refused("fc/v1/not a topic/x/telemetry", unknown_metric),
    ]
    (only,) = ack_messages(held, now_ms=1)
    assert only[0] == f"fc/v1/{TENANT}/{device}/ack"
    assert decode(only[1], CommitAck).seqs == [(4, 4), (8, 8)]  # not another device's seq 5
