import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import pytest

from fitconnect.platform.devices import mosquitto_auth
from fitconnect.runtime import broker_users
from fitconnect.runtime.embedded_broker import EmbeddedBroker
from tests.mqtt_clients import close

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
        close(client)
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


def _client(port: int, user: str | None, password: str | None) -> tuple[mqtt.Client, int]:
    """A connected MQTT 3.1.1 client and its CONNACK code (0: accepted)."""
    answered = threading.Event()
    codes: list[int] = []

    def on_connect(_c: mqtt.Client, _u: object, _f: object, rc: Any, _p: object) -> None:
        codes.append(int(rc.value) if hasattr(rc, "value") else int(rc))
        answered.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    if user is not None:
        client.username_pw_set(user, password)
    client.on_connect = on_connect
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert answered.wait(10), "no CONNACK"
    return client, codes[0]


def _subscribe(client: mqtt.Client, topic: str) -> int:
    """Subscribe at QoS 1 and return the SUBACK's code (0x80: refused)."""
    acked = threading.Event()
    codes: list[int] = []

    def on_subscribe(_c: mqtt.Client, _u: object, _m: int, rcs: list[Any], _p: object) -> None:
        codes.extend(int(rc.value) for rc in rcs)
        acked.set()

    client.on_subscribe = on_subscribe
    client.subscribe(topic, qos=1)
    assert acked.wait(10), "no SUBACK"
    return codes[0]


@pytest.mark.embedded
def test_the_amqtt_fallback_checks_the_same_passwords_and_acl_as_mosquitto(
    tmp_path: Path,
) -> None:
    """Without Mosquitto, ``up``'s broker is amqtt: it refuses anonymous clients and wrong
    passwords, lets a device publish only under its own topics, and admits a device the
    gateway registers after the start (the files rewritten, nothing restarted)."""
    folder = tmp_path / "broker"
    users = broker_users.prepare(folder)
    tenant, first, second = (str(uuid.uuid4()) for _ in range(3))

    def register(devices: dict[str, str]) -> None:  # what the gateway writes on registration
        hashes = {d: mosquitto_auth.password_hash(f"pw-{d}") for d in devices}
        mosquitto_auth.replace_file(
            folder / "passwd", mosquitto_auth.merged_password_file(folder, hashes)
        )
        mosquitto_auth.replace_file(
            folder / "acl",
            mosquitto_auth.merged_acl_file(folder, devices, None),
        )

    register({first: f"fc/v1/{tenant}/{first}"})
    with EmbeddedBroker.start(folder, kind="amqtt", authenticated=True) as broker:
        assert broker.authenticated
        for user, password in ((None, None), (first, "wrong"), ("nobody", "x")):
            client, code = _client(broker.port, user, password)
            close(client)
            assert code != 0, (user, password)

        received: list[str] = []
        got_own = threading.Event()
        reader, code = _client(broker.port, broker_users.READER, users.reader_password)
        assert code == 0

        def on_message(_c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
            received.append(msg.topic)
            if msg.topic.endswith("/own"):
                got_own.set()

        reader.on_message = on_message
        assert _subscribe(reader, "fc/v1/#") < 0x80  # granted QoS
        device, code = _client(broker.port, first, f"pw-{first}")
        assert code == 0
        assert _subscribe(device, f"fc/v1/{tenant}/{second}/telemetry") == 0x80  # refused
        # Another device's topic first, its own last: once the own one arrived (QoS 1, one
        # connection, in order), the other one would have arrived before it.
        device.publish(f"fc/v1/{tenant}/{second}/telemetry", b"forged", qos=1).wait_for_publish(5)
        device.publish(f"fc/v1/{tenant}/{first}/own", b"mine", qos=1).wait_for_publish(5)
        assert got_own.wait(10)
        assert received == [f"fc/v1/{tenant}/{first}/own"]

        register({first: f"fc/v1/{tenant}/{first}", second: f"fc/v1/{tenant}/{second}"})
        late, code = _client(broker.port, second, f"pw-{second}")
        assert code == 0
        for client in (reader, device, late):
            close(client)
