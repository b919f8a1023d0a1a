import threading
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import pytest

from fitconnect.runtime.embedded_broker import EmbeddedBroker

pytestmark = pytest.mark.integration


def roundtrip(url: str, *, protocol: mqtt.MQTTProtocolVersion, count: int = 50) -> list[bytes]:
    """Publish ``count`` QoS-1 messages and return what a subscriber received."""
    parts = urlsplit(url)
    received: list[bytes] = []
    done = threading.Event()
    subscribed = threading.Event()

    def on_message(_c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        received.append(msg.payload)
        if len(received) == count:
            done.set()

    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=protocol)
    sub.on_message = on_message
    sub.on_subscribe = lambda *_a: subscribed.set()
    sub.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    sub.loop_start()
    sub.subscribe("fc/v1/test/+/telemetry", qos=1)
    assert subscribed.wait(5)
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=protocol)
    pub.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    pub.loop_start()
    for i in range(count):
        pub.publish("fc/v1/test/dev1/telemetry", f"m{i}".encode(), qos=1).wait_for_publish(5)
    done.wait(10)
    for client in (pub, sub):
        client.loop_stop()
        client.disconnect()
    return received


def test_the_test_broker_delivers_qos1(mqtt_url: str) -> None:
    got = roundtrip(mqtt_url, protocol=mqtt.MQTTProtocolVersion.MQTTv311)
    assert got == [f"m{i}".encode() for i in range(50)]


@pytest.mark.embedded
def test_spawned_mosquitto_uses_project_tuning(tuned_broker: EmbeddedBroker) -> None:
    assert tuned_broker.kind == "mosquitto"
    got = roundtrip(tuned_broker.url, protocol=mqtt.MQTTProtocolVersion.MQTTv5)
    assert len(got) == 50


@pytest.mark.embedded
def test_amqtt_fallback_speaks_mqtt_311(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with EmbeddedBroker.start(tmp_path / "amqtt", kind="amqtt") as broker:
        got = roundtrip(broker.url, protocol=mqtt.MQTTProtocolVersion.MQTTv311, count=20)
    assert got == [f"m{i}".encode() for i in range(20)]
