"""Ingest against the real PostgreSQL and broker: stored once, bad messages dead-lettered."""

import time

import psycopg
import pytest

from fitconnect.ingest.replay import ReplayResult, replay
from fitconnect.schemas import Channel, DeviceEvent, DeviceState, DeviceStatus, EventKind, encode

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


def test_batches_are_stored_and_a_redelivered_batch_changes_nothing(
    database_url: str, mqtt_url: str
) -> None:
    device = register_device(database_url)
    marker = register_device(database_url)
    publisher = Publisher(mqtt_url)
    first, second = batch(device, 1, n=20), batch(device, 2, n=20)
    second = batch(device, 2, start_ms=first.ts_ms[-1] + 250, n=20)
    with running_worker(database_url, mqtt_url, worker_settings()):
        publisher.send_batch(device, first)
        publisher.send_batch(device, second)
        wait_for(lambda: count(database_url, SAMPLES, device.id) == 40)
        publisher.send_batch(device, first)  # a redelivery, as after a crash before PUBACK
        publisher.send_batch(device, first)
        # Another device's batch, sent after them: once it is stored, so are they.
        publisher.send_batch(marker, batch(marker, 1, n=1))
        wait_for(lambda: count(database_url, SAMPLES, marker.id) == 1)
    publisher.close()
    assert count(database_url, SAMPLES, device.id) == 40
    assert (
        count(
            database_url,
            "SELECT last_seq FROM telemetry.device_state WHERE device_id = %s",
            device.id,
        )
        == 2
    )


def test_json_payloads_are_accepted_like_msgpack(database_url: str, mqtt_url: str) -> None:
    device = register_device(database_url)
    publisher = Publisher(mqtt_url)
    with running_worker(database_url, mqtt_url, worker_settings()):
        publisher.send(device.topic(), encode(batch(device, 1, n=5), "json"))
        wait_for(lambda: count(database_url, SAMPLES, device.id) == 5)
    publisher.close()


def test_every_kind_of_bad_message_is_dead_lettered_and_the_worker_goes_on(
    database_url: str, mqtt_url: str
) -> None:
    device = register_device(database_url)
    other = register_device(database_url)
    unknown = register_device(database_url)
    publisher = Publisher(mqtt_url)
    future_ms = int((time.time() + 3600) * 1000)
    bad = {
        "undecodable": (device.topic(), b"\xc1 never valid MessagePack"),
        "schema_mismatch": (device.topic(), b'{"v": 1, "device_id": "x"}'),
        "device_mismatch": (device.topic(), encode(batch(other, 1))),
        "wrong_tenant": (device.topic(tenant=str(other.tenant_id)), encode(batch(device, 1))),
        "implausible_value": (device.topic(), encode(batch(device, 2, power=3000.0))),
        "future_timestamp": (device.topic(), encode(batch(device, 3, start_ms=future_ms))),
        "before_registration": (
            device.topic(),
            encode(batch(device, 4, start_ms=int((time.time() - 86400 * 3) * 1000))),
        ),
        "unsupported_version": (
            device.topic(),
            b'{"v": 99, "device_id": "%s", "seq": 1, "ts_ms": [1], "metrics": {}}'
            % str(device.id).encode(),
        ),
    }
    bad["unknown_device"] = (unknown.topic(), encode(batch(unknown, 1)))
    with (
        psycopg_delete_device(database_url, unknown),
        running_worker(database_url, mqtt_url, worker_settings()),
    ):
        for topic, payload in bad.values():
            publisher.send(topic, payload)
        publisher.send_batch(device, batch(device, 9, n=7))
        wait_for(lambda: count(database_url, SAMPLES, device.id) == 7)
        wait_for(
            lambda: count(database_url, "SELECT count(*) FROM telemetry.dead_letters") >= len(bad)
        )
    publisher.close()
    with psycopg.connect(database_url) as conn:
        reasons = {r for (r,) in conn.execute("SELECT reason FROM telemetry.dead_letters")}
    assert reasons == set(bad)
    assert (
        count(
            database_url,
            "SELECT count(*) FROM telemetry.dead_letters WHERE octet_length(payload) = 0",
        )
        == 0
    )
    assert count(database_url, SAMPLES, other.id) == 0


def test_dead_letters_replay_after_the_device_is_registered(
    database_url: str, mqtt_url: str
) -> None:
    device = register_device(database_url)
    publisher = Publisher(mqtt_url)
    with psycopg_delete_device(database_url, device):
        with running_worker(database_url, mqtt_url, worker_settings()):
            publisher.send_batch(device, batch(device, 1, n=12))
            wait_for(
                lambda: (
                    count(
                        database_url,
                        "SELECT count(*) FROM telemetry.dead_letters"
                        " WHERE reason = 'unknown_device' AND topic = %s",
                        device.topic(),
                    )
                    == 1
                )
            )
        with psycopg.connect(database_url) as conn:
            ids = [
                int(str(i))
                for (i,) in conn.execute(
                    "SELECT id FROM telemetry.dead_letters WHERE topic = %s", (device.topic(),)
                )
            ]
        assert replay(database_url, ids=ids) == ReplayResult(stored=0, still_failing=1)
    publisher.close()
    assert replay(database_url, ids=ids) == ReplayResult(stored=1, still_failing=0)
    assert count(database_url, SAMPLES, device.id) == 12
    assert replay(database_url, ids=ids) == ReplayResult(stored=0, still_failing=0)


def test_status_and_events_update_the_device_state(database_url: str, mqtt_url: str) -> None:
    device = register_device(database_url)
    publisher = Publisher(mqtt_url)
    now_ms = int(time.time() * 1000)
    status = DeviceStatus(device_id=str(device.id), state=DeviceState.OFFLINE, ts_ms=now_ms)
    battery = DeviceEvent(
        device_id=str(device.id), kind=EventKind.BATTERY, ts_ms=now_ms, battery_pct=42
    )
    start = DeviceEvent(
        device_id=str(device.id), kind=EventKind.SESSION_START, ts_ms=now_ms, session_id="s1"
    )
    lap = DeviceEvent(device_id=str(device.id), kind=EventKind.LAP, ts_ms=now_ms + 1000)
    with running_worker(database_url, mqtt_url, worker_settings()):
        publisher.send(device.topic(Channel.STATUS), encode(status))
        publisher.send(device.topic(Channel.EVENTS), encode(battery))
        publisher.send(device.topic(Channel.EVENTS), encode(start))
        publisher.send(device.topic(Channel.EVENTS), encode(lap))
        wait_for(
            lambda: (
                count(
                    database_url,
                    "SELECT count(*) FROM telemetry.device_state WHERE device_id = %s"
                    " AND state = 'offline' AND battery_pct = 42",
                    device.id,
                )
                == 1
            )
        )
        wait_for(
            lambda: (
                count(
                    database_url,
                    "SELECT count(*) FROM telemetry.device_events WHERE device_id = %s",
                    device.id,
                )
                == 3
            )
        )
    publisher.close()


class psycopg_delete_device:  # noqa: N801 - reads as a phrase at the call site
    """Within the block the device is missing from the registry; afterwards it is back."""

    def __init__(self, database_url: str, device: object) -> None:
        self._psycopg = psycopg
        self._url = database_url
        self._device = device
        self._row: tuple[object, ...] | None = None

    def __enter__(self) -> None:
        with self._psycopg.connect(self._url) as conn:
            self._row = conn.execute(
                "DELETE FROM devices.devices WHERE id = %s RETURNING *",
                (self._device.id,),  # type: ignore[attr-defined]
            ).fetchone()

    def __exit__(self, *_exc: object) -> None:
        assert self._row is not None
        placeholders = ", ".join(["%s"] * len(self._row))
        with self._psycopg.connect(self._url) as conn:
            conn.execute(f"INSERT INTO devices.devices VALUES ({placeholders})", self._row)  # noqa: S608
