"""The broker's PUBACK is not enough: a batch leaves the agent's disk only once ingest says it
committed it, and what is not acknowledged in time is sent again."""

import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from prometheus_client import generate_latest

from fitconnect.edge_agent.agent import AgentCounters
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.metrics import EdgeMetrics
from fitconnect.edge_agent.publisher import BrokerConfig, Publisher
from fitconnect.runtime.embedded_broker import EmbeddedBroker
from fitconnect.schemas import Channel, CommitAck, DeviceTopic, TelemetryBatch, ack_topic, encode
from tests.waiting import wait_until

from .test_delivery import Collector

pytestmark = pytest.mark.integration


def _ingest(port: int) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"ack-{uuid.uuid4().hex[:6]}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def test_a_batch_stays_on_disk_until_ingest_acknowledges_its_commit(
    tuned_broker: EmbeddedBroker, tmp_path: Path
) -> None:
    tenant, device = str(uuid.uuid4()), str(uuid.uuid4())
    buffer = DiskBuffer(tmp_path / "buffer.sqlite")
    topic = str(DeviceTopic(tenant, device, Channel.TELEMETRY))
    for _ in range(3):
        buffer.put_sequenced(
            device,
            lambda seq: (
                topic,
                encode(TelemetryBatch(device_id=device, seq=seq, ts_ms=[seq], metrics={})),
            ),
        )
    collector = Collector(tuned_broker.port, tenant, acks=False)  # receives, never commits
    config = BrokerConfig(
        url=tuned_broker.url, tenant=tenant, client_id="awaits", commit_timeout_s=1.0
    )
    publisher = Publisher(config, buffer, [device])
    metrics = EdgeMetrics(0)
    ingest = _ingest(tuned_broker.port)
    publisher.start()
    try:
        wait_until(lambda: publisher.published >= 3, 15, "the broker's PUBACKs")
        assert len(buffer) == 3  # acknowledged by the broker, and yet all kept
        assert buffer.awaiting_commit() + len(buffer.pending()) == 3
        # No commit acknowledgement within a second: the agent sends them again.
        wait_until(lambda: publisher.resent >= 3, 15, "the batches sent again")
        wait_until(
            lambda: all(collector.seen[device].count(s) >= 2 for s in range(3)),
            15,
            "each sent twice",
        )

        ack = CommitAck(device_id=device, seqs=[(0, 1)], ts_ms=0)
        ingest.publish(ack_topic(tenant, device), encode(ack), qos=1).wait_for_publish(5)
        wait_until(lambda: len(buffer) == 1, 15, "seq 0 and 1 deleted")
        assert [b.seq for b in buffer.overdue(sent_before=float("inf"))] + [
            b.seq for b in buffer.pending()
        ] == [2]
        metrics.refresh(AgentCounters(), buffer, publisher)
        text = generate_latest(metrics.registry).decode()
        assert "fitconnect_edge_committed_batches 2.0" in text
        assert "fitconnect_edge_resent_batches" in text
        assert "fitconnect_edge_awaiting_commit_batches" in text

        # Another device's acknowledgement, and a malformed one, delete nothing.
        stranger = str(uuid.uuid4())
        wrong = CommitAck(device_id=stranger, seqs=[(0, 9)], ts_ms=0)
        ingest.publish(ack_topic(tenant, device), encode(wrong), qos=1).wait_for_publish(5)
        ingest.publish(ack_topic(tenant, device), b"\xc1 junk", qos=1).wait_for_publish(5)
        last = CommitAck(device_id=device, seqs=[(2, 2)], ts_ms=0)
        ingest.publish(ack_topic(tenant, device), encode(last), qos=1).wait_for_publish(5)
        wait_until(lambda: len(buffer) == 0, 15, "the last batch deleted")
        assert publisher.committed == 3
    finally:
        publisher.stop(flush_timeout_s=0)
        collector.close()
        ingest.loop_stop()
        ingest.disconnect()
        buffer.close()


def test_without_commit_acks_a_batch_leaves_at_the_pubacks(
    tuned_broker: EmbeddedBroker, tmp_path: Path
) -> None:
    """For an ingest that sends no acknowledgements (``commit_acks = false``)."""
    tenant, device = str(uuid.uuid4()), str(uuid.uuid4())
    buffer = DiskBuffer(tmp_path / "buffer.sqlite")
    topic = str(DeviceTopic(tenant, device, Channel.TELEMETRY))
    buffer.put_sequenced(
        device,
        lambda seq: (
            topic,
            encode(TelemetryBatch(device_id=device, seq=seq, ts_ms=[1], metrics={})),
        ),
    )
    collector = Collector(tuned_broker.port, tenant, acks=False)
    config = BrokerConfig(url=tuned_broker.url, tenant=tenant, client_id="old", commit_acks=False)
    publisher = Publisher(config, buffer, [device])
    publisher.start()
    try:
        wait_until(lambda: len(buffer) == 0, 15, "deleted at the PUBACK")
        assert publisher.resent == 0
    finally:
        publisher.stop(flush_timeout_s=0)
        collector.close()
        buffer.close()
