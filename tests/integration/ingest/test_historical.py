"""Historical uploads (a FIT file with its own timestamps) against the real database."""

import time

import msgspec
import psycopg
import pytest

from fitconnect.ingest.batch import Pending
from fitconnect.ingest.validation import parse
from fitconnect.schemas import Channel, DeviceEvent, EventKind, encode

from .support import batch, count, pending, register_device, write

pytestmark = pytest.mark.integration

SAMPLES = "SELECT count(*) FROM telemetry.samples WHERE device_id = %s"
DEAD = "SELECT reason FROM telemetry.dead_letters WHERE topic = %s ORDER BY id"


def _reasons(database_url: str, topic: str) -> list[str]:
    with psycopg.connect(database_url) as conn:
        return [str(r) for (r,) in conn.execute(DEAD, (topic,))]


def test_a_historical_batch_older_than_the_device_is_stored_a_live_one_is_not(
    database_url: str,
) -> None:
    device = register_device(database_url, registered_s_ago=60)
    year_ago_ms = int((time.time() - 365 * 86400) * 1000)
    live = batch(device, 1, start_ms=year_ago_ms, n=8)
    write(database_url, [pending(device, live)])
    assert count(database_url, SAMPLES, device.id) == 0
    assert _reasons(database_url, device.topic()) == ["before_registration"]

    write(database_url, [pending(device, msgspec.structs.replace(live, historical=True))])
    assert count(database_url, SAMPLES, device.id) == 8


def test_a_historical_batch_never_lies_in_the_future_nor_replaces_a_stored_sample(
    database_url: str,
) -> None:
    device = register_device(database_url)
    now_ms = int(time.time() * 1000)
    stored = batch(device, 1, start_ms=now_ms - 10_000, n=4, hr=120.0)
    write(database_url, [pending(device, stored)])
    again = msgspec.structs.replace(
        batch(device, 2, start_ms=now_ms - 10_000, n=4, hr=180.0), historical=True
    )
    future = msgspec.structs.replace(
        batch(device, 3, start_ms=now_ms + 3_600_000, n=4), historical=True
    )
    write(database_url, [pending(device, again), pending(device, future)])
    assert _reasons(database_url, device.topic()) == ["future_timestamp"]
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT heart_rate_bpm FROM telemetry.samples WHERE device_id = %s", (device.id,)
        ).fetchall()
    assert rows == [(120,)] * 4


def test_a_historical_event_older_than_the_device_is_stored(database_url: str) -> None:
    device = register_device(database_url, registered_s_ago=60)
    topic = device.topic(Channel.EVENTS)
    old_ms = int((time.time() - 30 * 86400) * 1000)
    for historical in (False, True):
        event = DeviceEvent(
            device_id=str(device.id), kind=EventKind.LAP, ts_ms=old_ms, historical=historical
        )
        payload = encode(event)
        write(database_url, [Pending(topic, payload, parse(topic, payload))])
    assert _reasons(database_url, topic) == ["before_registration"]
    assert (
        count(
            database_url,
            "SELECT count(*) FROM telemetry.device_events WHERE device_id = %s",
            device.id,
        )
        == 1
    )
