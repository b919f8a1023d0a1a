"""Before ingest has subscribed, the broker routes the agent's batches to nobody: the agent
keeps them on disk and sends them again until someone is there to receive them."""

import uuid
from pathlib import Path

import pytest

from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.publisher import BrokerConfig, Publisher
from fitconnect.runtime.embedded_broker import EmbeddedBroker
from fitconnect.schemas import Channel, DeviceTopic, TelemetryBatch, encode
from tests.waiting import wait_until

from .test_delivery import Collector

pytestmark = pytest.mark.integration


def test_batches_nobody_subscribed_to_stay_buffered_until_ingest_subscribes(
    tuned_broker: EmbeddedBroker, tmp_path: Path
) -> None:
    tenant, device = uuid.uuid4().hex[:8], str(uuid.uuid4())
    buffer = DiskBuffer(tmp_path / "buffer.sqlite")
    for seq in range(3):
        batch = TelemetryBatch(device_id=device, seq=seq, ts_ms=[seq], metrics={})
        buffer.put(str(DeviceTopic(tenant, device, Channel.TELEMETRY)), encode(batch))
    publisher = Publisher(
        BrokerConfig(url=tuned_broker.url, tenant=tenant, client_id="unrouted"), buffer, []
    )
    publisher.start()
    try:
        wait_until(lambda: publisher.unrouted >= 3, 15, "PUBACKs without a subscriber")
        assert len(buffer) == 3  # acknowledged by the broker, yet kept: nobody received them
        collector = Collector(tuned_broker.port, tenant)  # ingest subscribes at last
        wait_until(lambda: not len(buffer), 15, "the buffer drained")
        collector.flush()
        assert collector.distinct() == {device: {0, 1, 2}}
        collector.close()
    finally:
        publisher.stop(flush_timeout_s=0)
        buffer.close()
