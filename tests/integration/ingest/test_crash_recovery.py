"""Nothing lost, nothing doubled: a worker killed with SIGKILL, a database restarted under load."""

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from fitconnect.platform.db import upgrade
from fitconnect.runtime.embedded_broker import EmbeddedBroker
from fitconnect.runtime.embedded_postgres import EmbeddedPostgres

from .support import Device, Publisher, batch, count, register_device, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BATCHES, PER_BATCH = 120, 50
SAMPLES = "SELECT count(*) FROM telemetry.samples WHERE device_id = %s"


@contextmanager
def worker_process(
    database_url: str, mqtt_url: str, group: str
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "FITCONNECT_DATABASE_URL": database_url,
        "FITCONNECT_MQTT_URL": mqtt_url,
        "FITCONNECT_INGEST__METRICS_PORT": "0",
        "FITCONNECT_INGEST__SHARE_GROUP": group,
        "FITCONNECT_INGEST__CLIENT_ID_PREFIX": group,
        "FITCONNECT_INGEST__SESSION_EXPIRY_S": "300",
        "FITCONNECT_INGEST__BATCH_MAX_WAIT_S": "0.05",
    }
    process = subprocess.Popen([sys.executable, "-m", "fitconnect", "ingest"], env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


def first_batch_stored(database_url: str, mqtt_url: str, device: Device, start_ms: int) -> None:
    """Publish batch 0 until the worker stores it: the worker has subscribed.

    Until a worker of a new share group has subscribed, the broker has nowhere to queue a
    message and drops it; a fixed sleep loses the start of the stream on a loaded machine.
    Repeating batch 0 is harmless: it is stored once.
    """
    publisher = Publisher(mqtt_url)
    deadline = time.monotonic() + 60
    while count(database_url, SAMPLES, device.id) == 0:
        assert time.monotonic() < deadline, "the worker never stored a batch"
        publisher.send_batch(device, batch(device, 0, start_ms=start_ms, n=PER_BATCH))
        time.sleep(0.25)
    publisher.close()


def publish_steadily(
    database_url: str, mqtt_url: str, device: Device, pause_s: float
) -> threading.Thread:
    start_ms = int(time.time() * 1000) - BATCHES * PER_BATCH * 250  # 4 Hz
    first_batch_stored(database_url, mqtt_url, device, start_ms)

    def run() -> None:
        publisher = Publisher(mqtt_url)
        for seq in range(1, BATCHES):
            b = batch(device, seq, start_ms=start_ms + seq * PER_BATCH * 250, n=PER_BATCH)
            publisher.send_batch(device, b)
            time.sleep(pause_s)
        publisher.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(
    database_url: str, tuned_broker: EmbeddedBroker
) -> None:
    device = register_device(database_url)
    group = f"kill{uuid.uuid4().hex[:6]}"
    with worker_process(database_url, tuned_broker.url, group) as first:
        publishing = publish_steadily(database_url, tuned_broker.url, device, pause_s=0.02)
        wait_for(lambda: count(database_url, SAMPLES, device.id) > 10 * PER_BATCH)
        first.kill()  # SIGKILL: no chance to flush or acknowledge
        first.wait()
    stored_when_killed = count(database_url, SAMPLES, device.id)
    assert stored_when_killed < BATCHES * PER_BATCH
    with worker_process(database_url, tuned_broker.url, group):
        publishing.join(60)
        wait_for(lambda: count(database_url, SAMPLES, device.id) == BATCHES * PER_BATCH, 60)
        time.sleep(1.0)  # redeliveries still arriving change nothing
    assert count(database_url, SAMPLES, device.id) == BATCHES * PER_BATCH
    assert count(database_url, "SELECT count(*) FROM telemetry.dead_letters") == 0


def test_workers_recover_when_the_database_restarts_under_load(
    tmp_path: Path, tuned_broker: EmbeddedBroker
) -> None:
    pgdata = tmp_path / "pg"
    server = EmbeddedPostgres.start(pgdata)
    try:
        with psycopg.connect(server.url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE fc_restart")
        url = server.url.replace("/postgres?", "/fc_restart?")
        upgrade(url)
        device = register_device(url)
        group = f"rst{uuid.uuid4().hex[:6]}"
        with worker_process(url, tuned_broker.url, group):
            publishing = publish_steadily(url, tuned_broker.url, device, pause_s=0.03)
            wait_for(lambda: count(url, SAMPLES, device.id) > 10 * PER_BATCH)
            server.stop()
            time.sleep(3)  # the worker sees connection errors and backs off
            server = EmbeddedPostgres.start(pgdata)
            publishing.join(60)
            wait_for(lambda: count(url, SAMPLES, device.id) == BATCHES * PER_BATCH, 60)
        assert count(url, "SELECT count(*) FROM telemetry.dead_letters") == 0
    finally:
        server.stop()
