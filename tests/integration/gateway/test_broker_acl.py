"""Device credentials on a real Mosquitto using the files the devices context writes."""

import asyncio
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.db import open_pool
from fitconnect.platform.devices import mosquitto_auth
from fitconnect.platform.devices.service import DeviceCredentials, DeviceService
from fitconnect.runtime.ports import free_port, is_listening
from fitconnect.settings import DatabaseSettings
from tests.mqtt_clients import close
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("mosquitto") is None, reason="needs the mosquitto binary"),
]
INGEST_PASSWORD = "ingest-secret"


def _start_broker(tmp_path: Path, auth: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(
        ("user root\n" if os.geteuid() == 0 else "")
        + f"listener {port} 127.0.0.1\nallow_anonymous false\n"
        f"password_file {auth / 'passwd'}\nacl_file {auth / 'acl'}\n"
        f"pid_file {auth / 'mosquitto.pid'}\n"
    )
    process = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL)
    wait_until(lambda: is_listening("127.0.0.1", port), 10, "mosquitto listening")
    return process, port


@pytest.fixture
def secured_broker(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A broker whose ingest user is kept in ``passwd.static``."""
    auth = tmp_path / "auth"
    auth.mkdir()
    (auth / "passwd.static").write_text(f"ingest:{mosquitto_auth.password_hash(INGEST_PASSWORD)}\n")
    (auth / "passwd").write_text((auth / "passwd.static").read_text())
    (auth / "acl").write_text("user ingest\ntopic read fc/v1/#\ntopic write fc/v1/+/+/ack\n")
    process, port = _start_broker(tmp_path, auth)
    yield port, auth
    process.terminate()
    process.wait(10)


@pytest.fixture
def readme_broker(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A broker set up as deploy/mosquitto/auth/README.md says: ``mosquitto_passwd -c`` makes
    the ingest user in ``passwd`` itself, and the seed ACL is the repository's."""
    if shutil.which("mosquitto_passwd") is None:
        pytest.skip("needs mosquitto_passwd")
    auth = tmp_path / "auth"
    auth.mkdir()
    subprocess.run(
        ["mosquitto_passwd", "-c", "-b", str(auth / "passwd"), "ingest", INGEST_PASSWORD],
        check=True,
        capture_output=True,
    )
    shutil.copy(Path(__file__).parents[3] / "deploy" / "mosquitto" / "auth" / "acl", auth / "acl")
    process, port = _start_broker(tmp_path, auth)
    yield port, auth
    process.terminate()
    process.wait(10)


def _client(port: int, user: str, password: str) -> tuple[mqtt.Client, mqtt.ReasonCode | None]:
    answered = threading.Event()
    result: list[mqtt.ReasonCode] = []

    def on_connect(
        _c: mqtt.Client, _u: object, _f: object, rc: mqtt.ReasonCode, _p: object
    ) -> None:
        result.append(rc)
        answered.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"t-{uuid.uuid4().hex[:6]}")
    client.username_pw_set(user, password)
    client.on_connect = on_connect
    client.connect("127.0.0.1", port)
    client.loop_start()
    answered.wait(5)
    return client, (result[0] if result else None)


def _accepted_once_reloaded(
    port: int, user: str, password: str
) -> tuple[mqtt.Client, mqtt.ReasonCode | None]:
    """Connect as a new user, retrying until the broker has reread its files (10 s at most)."""
    accepted: list[tuple[mqtt.Client, mqtt.ReasonCode | None]] = []

    def connects() -> bool:
        client, rc = _client(port, user, password)
        if rc is not None and not rc.is_failure:
            accepted.append((client, rc))
            return True
        close(client)
        return False

    wait_until(connects, 10, f"the broker accepting {user}")
    return accepted[0]


def _refused_once_reloaded(port: int, user: str, password: str) -> None:
    """Until the broker, having reread its files, refuses ``user`` (10 s at most)."""

    def refused() -> bool:
        client, rc = _client(port, user, password)
        close(client)
        return rc is not None and rc.is_failure

    wait_until(refused, 10, f"the broker refusing {user}")


def _subscribed(client: mqtt.Client, topic: str) -> None:
    """Subscribe and wait for the broker's SUBACK."""
    acked = threading.Event()
    client.on_subscribe = lambda *_: acked.set()
    client.subscribe(topic, qos=1)
    assert acked.wait(5), f"no SUBACK for {topic}"


def _register(
    database_url: str, auth: Path, count: int
) -> tuple[DeviceService, list[DeviceCredentials], Principal]:
    principal = Principal(uuid.uuid4(), uuid.uuid4(), Role.ATHLETE)

    async def run() -> list[DeviceCredentials]:
        pool = await open_pool(database_url, DatabaseSettings())
        try:
            service = DeviceService(pool, auth)
            return [await service.register(principal, f"d{i}", "hr") for i in range(count)]
        finally:
            await pool.close()

    return asyncio.run(run()), principal


def test_a_device_publishes_only_under_its_own_topic_and_revocation_locks_it_out(
    database_url: str, secured_broker: tuple[int, Path]
) -> None:
    port, auth = secured_broker
    (mine, other), principal = _register(database_url, auth, 2)

    received: list[tuple[str, bytes]] = []
    reader, rc = _client(port, "ingest", INGEST_PASSWORD)
    assert rc is not None
    assert not rc.is_failure
    reader.on_message = lambda _c, _u, m: received.append((m.topic, m.payload))
    _subscribed(reader, "fc/v1/#")

    device, rc = _accepted_once_reloaded(port, mine.mqtt_username, mine.mqtt_password)
    own = f"{mine.device.topic_prefix}/telemetry"
    foreign = f"{other.device.topic_prefix}/telemetry"
    device.publish(own, b"x", qos=1).wait_for_publish(5)
    device.publish(foreign, b"x", qos=1).wait_for_publish(5)
    # The broker keeps one publisher's order: once the marker is through, the foreign
    # message would have been too.
    device.publish(own, b"marker", qos=1).wait_for_publish(5)
    wait_until(lambda: (own, b"marker") in received, 10, "the marker delivered")
    assert received == [(own, b"x"), (own, b"marker")]

    _, wrong = _client(port, mine.mqtt_username, "not-the-password")
    assert wrong is not None
    assert wrong.is_failure

    async def revoke() -> None:
        pool = await open_pool(database_url, DatabaseSettings())
        try:
            await DeviceService(pool, auth).revoke(principal, mine.device.id)
        finally:
            await pool.close()

    asyncio.run(revoke())
    _refused_once_reloaded(port, mine.mqtt_username, mine.mqtt_password)
    for c in (reader, device):
        close(c)


def test_the_ingest_user_made_as_the_readme_says_survives_device_registration(
    database_url: str, readme_broker: tuple[int, Path]
) -> None:
    port, auth = readme_broker
    before = (auth / "passwd").stat().st_ino
    (device,), _ = _register(database_url, auth, 1)
    assert (auth / "passwd").stat().st_ino != before  # rewritten (atomically), and reloaded

    publisher, device_rc = _accepted_once_reloaded(port, device.mqtt_username, device.mqtt_password)
    reader, rc = _client(port, "ingest", INGEST_PASSWORD)

    assert rc is not None
    assert not rc.is_failure
    assert device_rc is not None
    assert not device_rc.is_failure
    for c in (reader, publisher):
        close(c)


def test_a_device_reads_only_its_own_commit_acknowledgements_which_only_ingest_writes(
    database_url: str, secured_broker: tuple[int, Path]
) -> None:
    port, auth = secured_broker
    (mine, other), _ = _register(database_url, auth, 2)
    own, foreign = (f"{d.device.topic_prefix}/ack" for d in (mine, other))
    device, _ = _accepted_once_reloaded(port, mine.mqtt_username, mine.mqtt_password)
    received: list[tuple[str, bytes]] = []
    device.on_message = lambda _c, _u, m: received.append((m.topic, m.payload))
    _subscribed(device, own)
    _subscribed(device, foreign)  # refused by the broker: nothing of it is delivered
    _subscribed(device, "fc/v1/+/+/ack")  # nor through a wildcard
    peer, _ = _accepted_once_reloaded(port, other.mqtt_username, other.mqtt_password)
    peer.publish(own, b"forged", qos=1).wait_for_publish(5)  # another device may not write it
    ingest, rc = _client(port, "ingest", INGEST_PASSWORD)
    assert rc is not None
    assert not rc.is_failure
    ingest.publish(foreign, b"theirs", qos=1).wait_for_publish(5)
    ingest.publish(own, b"mine", qos=1).wait_for_publish(5)
    wait_until(lambda: (own, b"mine") in received, 10, "the device's own acknowledgement")
    assert received == [(own, b"mine")]
    for c in (device, peer, ingest):
        close(c)
