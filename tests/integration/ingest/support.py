"""Helpers of the ingest tests: register devices in the real registry, publish real batches."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion
from prometheus_client import CollectorRegistry

from fitconnect.ingest.batch import Pending, write_batch
from fitconnect.ingest.process import run_worker
from fitconnect.ingest.registry import DeviceRegistry
from fitconnect.ingest.rollup import RollupMaintainer
from fitconnect.ingest.storage import SampleStore
from fitconnect.ingest.validation import parse
from fitconnect.schemas import Channel, DeviceTopic, TelemetryBatch, encode
from fitconnect.settings import IngestSettings
from tests.mqtt_clients import close
from tests.waiting import wait_until


@dataclass(frozen=True)
class Device:
    id: uuid.UUID
    tenant_id: uuid.UUID

    def topic(self, channel: Channel = Channel.TELEMETRY, tenant: str | None = None) -> str:
        return str(DeviceTopic(tenant or str(self.tenant_id), str(self.id), channel))


def register_device(database_url: str, *, registered_s_ago: float = 3600) -> Device:
    device, tenant = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash, registered_at)"
            " VALUES (%s, %s, gen_random_uuid(), 'test', 'hr', %s, 'x',"
            "         now() - make_interval(secs => %s))",
            (device, tenant, f"dev-{device}", registered_s_ago),
        )
    return Device(device, tenant)


def batch(
    device: Device,
    seq: int,
    *,
    start_ms: int | None = None,
    n: int = 10,
    hr: float = 140.0,
    power: float = 250.0,
) -> TelemetryBatch:
    t0 = start_ms if start_ms is not None else int(time.time() * 1000) - n * 250
    return TelemetryBatch(
        device_id=str(device.id),
        seq=seq,
        ts_ms=[t0 + 250 * i for i in range(n)],
        metrics={"heart_rate_bpm": [hr] * n, "power_w": [power] * n},
    )


class Publisher:
    """A paho QoS-1 publisher that waits for every PUBACK."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self.client.max_inflight_messages_set(1000)
        self.client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
        self.client.loop_start()

    def send(self, topic: str, payload: bytes) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(10)

    def send_batch(self, device: Device, b: TelemetryBatch) -> None:
        self.send(device.topic(), encode(b))

    def close(self) -> None:
        close(self.client)


def worker_settings(**overrides: object) -> IngestSettings:
    group = f"t{uuid.uuid4().hex[:8]}"
    values: dict[str, object] = {
        "metrics_port": 0,
        "share_group": group,
        "client_id_prefix": f"fc-test-{group}",
        "session_expiry_s": 120,
        "batch_max_wait_s": 0.05,
    }
    values.update(overrides)
    return IngestSettings.model_validate(values)


@contextmanager
def running_worker(
    database_url: str,
    mqtt_url: str,
    settings: IngestSettings,
    metrics_registry: CollectorRegistry | None = None,
) -> Iterator[None]:
    """An in-process worker thread on the real database and broker."""
    stop, ready = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def target() -> None:
        try:
            run_worker(
                database_url=database_url,
                mqtt_url=mqtt_url,
                settings=settings,
                stop=stop,
                metrics_registry=metrics_registry or CollectorRegistry(),
                ready=ready,
            )
        except BaseException as exc:  # noqa: BLE001 - handed to the test's assertion below
            errors.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    ready.wait(15)  # subscribed before the test publishes
    try:
        yield
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors


def wait_for(predicate: Callable[[], object], timeout_s: float = 15.0) -> None:
    wait_until(predicate, timeout_s, "the ingest condition")


def count(database_url: str, sql: str, *params: object) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def pending(device: Device, b: TelemetryBatch) -> Pending:
    """A batch as a worker holds it after receiving it from the broker."""
    payload = encode(b)
    return Pending(device.topic(), payload, parse(device.topic(), payload))


def write(database_url: str, batches: list[Pending], *, roll_up: bool = True) -> None:
    """Write each batch in its own transaction, as a worker does, then (unless the worker
    "dies" first: ``roll_up=False``) refresh the per-minute rollup."""
    with (
        psycopg.connect(database_url) as conn,
        psycopg.connect(database_url, autocommit=True) as registry_conn,
    ):
        rollup = RollupMaintainer(enabled=RollupMaintainer.needed(conn))
        conn.commit()
        for item in batches:
            write_batch(
                conn,
                [item],
                registry=DeviceRegistry(registry_conn),
                store=SampleStore(),
                rollup=rollup,
                worker="test",
            )
            conn.commit()
        if roll_up:
            rollup.flush(conn)
