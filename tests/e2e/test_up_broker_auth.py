"""``fitconnect up``'s embedded broker checks passwords and ACLs as production does: anonymous
clients and wrong passwords are refused, a device registered through the API connects with
the credentials (and the broker address) ``registerDevice`` returns and publishes only under
its own topic; ``up``'s own processes have users of their own (ingest stores what the
simulated devices send)."""

import os
import re
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from tests.e2e.processes import read_until_up, start_up, wait_until_serving
from tests.mqtt_clients import close

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("mosquitto") is None, reason="needs the mosquitto binary"),
]

LOGIN = (
    'mutation { login(email: "athlete@demo.fitconnect", password: "fitconnect-demo")'
    " { accessToken } }"
)
REGISTER = (
    'mutation { registerDevice(name: "my strap", kind: HEART_RATE) { mqttUsername mqttPassword'
    " mqttHost mqttPort device { telemetryTopic } } }"
)


class Probe:
    """An MQTT v5 client that records its CONNACK and its PUBACKs' reason codes."""

    def __init__(self, port: int, user: str | None, password: str | None) -> None:
        self.connack: ReasonCode | None = None
        self.pubacks: dict[int, ReasonCode] = {}
        self._answered = threading.Event()
        self._acked = threading.Condition()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"probe-{uuid.uuid4().hex[:8]}",
            protocol=mqtt.MQTTv5,
        )
        if user is not None:
            self.client.username_pw_set(user, password)
        self.client.on_connect = self._on_connect
        self.client.on_publish = self._on_publish
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self._answered.wait(10), "no CONNACK"

    def _on_connect(self, _c: object, _u: object, _f: object, rc: ReasonCode, _p: object) -> None:
        self.connack = rc
        self._answered.set()

    def _on_publish(
        self, _c: object, _u: object, mid: int, rc: ReasonCode, _p: Properties | None
    ) -> None:
        with self._acked:
            self.pubacks[mid] = rc
            self._acked.notify_all()

    @property
    def accepted(self) -> bool:
        return self.connack is not None and not self.connack.is_failure

    def publish(self, topic: str) -> ReasonCode:
        mid = self.client.publish(topic, b"\x80", qos=1).mid
        with self._acked:
            assert self._acked.wait_for(lambda: mid in self.pubacks, 10), "no PUBACK"
            return self.pubacks[mid]

    def close(self) -> None:
        close(self.client)


def _gql(url: str, query: str, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = httpx.post(url, json={"query": query}, headers=headers, timeout=30).json()
    assert "errors" not in answer, answer
    return dict(answer["data"])


def _accepted_once_reloaded(port: int, user: str, password: str) -> Probe:
    """The broker rereads its files on the gateway's SIGHUP: retry until then (10 s at most)."""
    deadline = time.monotonic() + 10
    while True:
        probe = Probe(port, user, password)
        if probe.accepted or time.monotonic() > deadline:
            return probe
        probe.close()


def test_the_embedded_broker_enforces_device_passwords_and_acls(
    tmp_path: Path, database_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env["FITCONNECT_DATA_DIR"] = str(tmp_path / "data")
    env["FITCONNECT_DATABASE_URL"] = database_url
    process = start_up(env, "--simulate", "1")
    try:
        text = read_until_up(process)
        broker = re.search(r"broker:\s+embedded mosquitto .* mqtt://127\.0\.0\.1:(\d+)", text)
        graphql = re.search(r"GraphQL:\s+(\S+)", text)
        assert broker is not None, text
        assert graphql is not None, text
        assert "per-device passwords" in text
        port = int(broker.group(1))

        anonymous = Probe(port, None, None)
        assert not anonymous.accepted
        anonymous.close()
        wrong = Probe(port, "ingest", "not-the-password")
        assert not wrong.accepted
        wrong.close()

        wait_until_serving(graphql.group(1).removesuffix("/graphql"))
        token = _gql(graphql.group(1), LOGIN)["login"]["accessToken"]
        creds = _gql(graphql.group(1), REGISTER, token)["registerDevice"]
        assert (creds["mqttHost"], creds["mqttPort"]) == ("127.0.0.1", port)
        device = _accepted_once_reloaded(
            creds["mqttPort"], creds["mqttUsername"], creds["mqttPassword"]
        )
        assert device.accepted, device.connack
        topic = creds["device"]["telemetryTopic"]
        assert not device.publish(topic).is_failure
        someone_else = topic.replace(creds["mqttUsername"], str(uuid.uuid4()))
        assert device.publish(someone_else).is_failure  # "Not authorized"
        device.close()
        wrong_password = Probe(port, creds["mqttUsername"], "guess")
        assert not wrong_password.accepted
        wrong_password.close()
    finally:
        process.terminate()
        rest, _ = process.communicate(timeout=60)
    assert "stopped: nothing left running" in rest
