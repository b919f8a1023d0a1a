"""The edge agent against a real Mosquitto: a broker outage and a SIGKILL lose nothing."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from fitconnect.runtime.embedded_broker import EmbeddedBroker
from fitconnect.schemas import CommitAck, TelemetryBatch, ack_topic, decode, encode
from tests.mqtt_clients import close
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class Collector:
    """A persistent-session subscriber recording every (device, seq) it receives; like ingest,
    it acknowledges each batch on the device's ``…/ack`` topic (unless ``acks`` is false)."""

    def __init__(self, port: int, tenant: str, *, acks: bool = True) -> None:
        self._acks = acks
        self.seen: dict[str, list[int]] = defaultdict(list)
        self.samples: dict[tuple[str, int], int] = {}
        self._tenant = tenant
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"collector-{uuid.uuid4().hex[:6]}",
            protocol=MQTTProtocolVersion.MQTTv5,
        )
        self.client.on_message = self._on_message
        self.client.on_connect = lambda c, *_: c.subscribe(f"fc/v1/{tenant}/+/telemetry", qos=1)
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.reconnect_delay_set(1, 2)
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        props.SessionExpiryInterval = 600
        self.client.connect("127.0.0.1", port, clean_start=False, properties=props)
        self.client.loop_start()
        assert self._subscribed.wait(10), "the collector's subscription was not acknowledged"

    def flush(self) -> None:
        """Until a marker published now has come back: Mosquitto queues a subscriber's
        messages in the order it received them, so whatever it held before has arrived too."""
        marker = f"flush-{uuid.uuid4().hex[:8]}"
        batch = TelemetryBatch(device_id=marker, seq=0, ts_ms=[0], metrics={})
        self.client.publish(f"fc/v1/{self._tenant}/{marker}/telemetry", encode(batch), qos=1)
        wait_until(lambda: marker in self.distinct(), 30, "the collector's flush marker")
        with self._lock:
            del self.seen[marker]
            del self.samples[(marker, 0)]

    def _on_message(self, _c: object, _u: object, msg: mqtt.MQTTMessage) -> None:
        batch = decode(bytes(msg.payload), TelemetryBatch)
        with self._lock:
            self.seen[batch.device_id].append(batch.seq)
            self.samples[(batch.device_id, batch.seq)] = len(batch.ts_ms)
        if self._acks:
            ack = CommitAck(device_id=batch.device_id, seqs=[(batch.seq, batch.seq)], ts_ms=0)
            self.client.publish(ack_topic(self._tenant, batch.device_id), encode(ack), qos=1)

    def distinct(self) -> dict[str, set[int]]:
        with self._lock:
            return {d: set(s) for d, s in self.seen.items()}

    def close(self) -> None:
        close(self.client)


def simulator(
    url: str, tenant: str, buffer: Path, devices: list[str], seconds: float
) -> subprocess.Popen[str]:
    args = [
        "--broker",
        url,
        "--tenant",
        tenant,
        "--seconds",
        str(seconds),
        "--buffer-path",
        str(buffer),
    ]
    for d in devices:
        args += ["--device", d]
    return subprocess.Popen(
        [sys.executable, "-m", "fitconnect.edge_agent", "simulate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
    )


def batches_made(output: str) -> int:
    match = re.search(r"(\d+) batches", output)
    assert match, output
    return int(match.group(1))


def test_a_30_second_broker_outage_loses_nothing(tmp_path: Path) -> None:
    tenant, devices = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(3)]
    broker = EmbeddedBroker.start(tmp_path / "broker", kind="mosquitto")
    port = broker.port
    collector = Collector(port, tenant)
    agent = simulator(broker.url, tenant, tmp_path / "edge.sqlite", devices, seconds=40)
    try:
        wait_until(lambda: len(collector.distinct()) == len(devices), 30, "every device publishing")
        broker.stop()  # persistence keeps the collector's session across the restart
        time.sleep(30)  # the scenario: a 30-second outage while the agent keeps sampling
        broker = EmbeddedBroker.start(tmp_path / "broker", kind="mosquitto", port=port)
        output, _ = agent.communicate(timeout=60)
        made = batches_made(output)
        wait_until(
            lambda: sum(len(s) for s in collector.distinct().values()) >= made,
            30,
            "every batch the agent made",
        )
    finally:
        collector.close()
        broker.stop()
        if agent.poll() is None:
            agent.kill()
    seen = collector.distinct()
    assert set(seen) == set(devices)
    for device in devices:
        assert seen[device] == set(range(len(seen[device]))), "no sequence number missing"
    assert sum(len(s) for s in seen.values()) == made


def test_an_agent_killed_with_sigkill_resumes_from_its_disk_buffer(tmp_path: Path) -> None:
    tenant, devices = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(3)]
    buffer = tmp_path / "edge.sqlite"
    with EmbeddedBroker.start(tmp_path / "broker", kind="mosquitto") as broker:
        collector = Collector(broker.port, tenant)
        try:
            first = simulator(broker.url, tenant, buffer, devices, seconds=60)

            def each_device_sent(count: int) -> bool:
                seen = collector.distinct()
                return len(seen) == len(devices) and all(len(s) >= count for s in seen.values())

            wait_until(lambda: each_device_sent(3), 30, "three batches of every device")
            first.send_signal(signal.SIGKILL)  # mid-run, batches in its buffer unsent
            first.communicate()
            before = collector.distinct()
            second = simulator(broker.url, tenant, buffer, devices, seconds=5)
            second.communicate(timeout=60)
            collector.flush()
        finally:
            collector.close()
    seen = collector.distinct()
    assert set(seen) == set(devices)
    for device in devices:
        assert max(seen[device]) > max(before[device]), "the second agent went on"
        assert seen[device] == set(range(max(seen[device]) + 1)), "no gap across the kill"


def test_the_agent_publishes_to_an_mqtt_311_only_broker(tmp_path: Path) -> None:
    tenant, devices = str(uuid.uuid4()), [str(uuid.uuid4())]
    with EmbeddedBroker.start(tmp_path / "broker", kind="amqtt") as broker:
        received: list[int] = []
        sub = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=MQTTProtocolVersion.MQTTv311)

        def on_message(_c: object, _u: object, m: mqtt.MQTTMessage) -> None:
            batch = decode(bytes(m.payload), TelemetryBatch)
            received.append(batch.seq)
            ack = CommitAck(device_id=batch.device_id, seqs=[(batch.seq, batch.seq)], ts_ms=0)
            sub.publish(ack_topic(tenant, batch.device_id), encode(ack), qos=1)

        sub.on_message = on_message
        subscribed = threading.Event()
        sub.on_subscribe = lambda *_: subscribed.set()
        sub.connect("127.0.0.1", broker.port)
        sub.loop_start()
        sub.subscribe(f"fc/v1/{tenant}/+/telemetry", qos=1)
        assert subscribed.wait(10), "no SUBACK"
        agent = simulator(f"{broker.url}?protocol=3.1.1", tenant, tmp_path / "e.sqlite", devices, 3)
        output, _ = agent.communicate(timeout=60)
        assert "0 still buffered" in output, output  # every batch acknowledged over 3.1.1 too
        wait_until(lambda: len(set(received)) >= batches_made(output), 15, "every batch")
        close(sub)
    assert sorted(set(received)) == list(range(batches_made(output)))
