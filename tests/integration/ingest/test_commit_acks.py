"""After each commit the worker tells each device's agent which of its batches are settled:
stored, already stored, or dead-lettered."""

import threading
import uuid
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from fitconnect.schemas import CommitAck, ack_topic, decode

from .support import (
    Publisher,
    batch,
    count,
    register_device,
    running_worker,
    wait_for,
    worker_settings,
)

pytestmark = pytest.mark.integration

SAMPLES = "SELECT count(*) FROM telemetry.samples WHERE device_id = %s"


class AckListener:
    """What an agent receives on one device's ``…/ack`` topic."""

    def __init__(self, url: str, topic: str) -> None:
        parts = urlsplit(url)
        self.acks: list[CommitAck] = []
        self._lock = threading.Lock()
        subscribed = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"a-{uuid.uuid4().hex[:6]}"
        )
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
        self.client.loop_start()
        self.client.subscribe(topic, qos=1)
        assert subscribed.wait(10), "no SUBACK"

    def _on_message(self, _c: object, _u: object, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.acks.append(decode(bytes(msg.payload), CommitAck))

    def settled(self) -> set[int]:
        with self._lock:
            return {s for a in self.acks for first, last in a.seqs for s in range(first, last + 1)}

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def test_stored_repeated_and_dead_lettered_batches_are_acknowledged_to_their_device(
    database_url: str, mqtt_url: str
) -> None:
    device, other = register_device(database_url), register_device(database_url)
    mine = AckListener(mqtt_url, ack_topic(str(device.tenant_id), str(device.id)))
    theirs = AckListener(mqtt_url, ack_topic(str(other.tenant_id), str(other.id)))
    publisher = Publisher(mqtt_url)
    first = batch(device, 0, n=5)
    with running_worker(database_url, mqtt_url, worker_settings()):
        publisher.send_batch(device, first)
        publisher.send_batch(device, batch(device, 1, start_ms=first.ts_ms[-1] + 250, n=5))
        publisher.send_batch(device, first)  # a resend: already stored, settled again
        publisher.send_batch(device, batch(device, 2, power=3000.0))  # dead-lettered
        publisher.send(device.topic(), b"\xc1 never valid MessagePack")  # no seq to name
        publisher.send_batch(other, batch(other, 7, n=1))
        wait_for(lambda: mine.settled() == {0, 1, 2})
        wait_for(lambda: theirs.settled() == {7})
    publisher.close()
    mine.close()
    theirs.close()
    assert count(database_url, SAMPLES, device.id) == 10
    assert {a.device_id for a in mine.acks} == {str(device.id)}
    assert len(mine.acks) <= 4  # one per commit, never one per sample
