"""Messages the tables cannot hold: dead-lettered one by one, the rest stored, the worker on.

Before the fix one such message failed its batch's transaction with a non-operational error:
the worker exited, the broker redelivered the message, and the next worker exited too.
"""

import time

import psycopg
import pytest

from fitconnect.ingest.batch import Outcome, Pending, write_batch
from fitconnect.ingest.registry import DeviceRegistry
from fitconnect.ingest.rollup import RollupMaintainer
from fitconnect.ingest.storage import SampleStore
from fitconnect.schemas import Channel, DeviceEvent, EventKind, TelemetryBatch, encode

from .support import (
    Device,
    Publisher,
    batch,
    count,
    pending,
    register_device,
    running_worker,
    wait_for,
    worker_settings,
)

pytestmark = pytest.mark.integration

SAMPLES = "SELECT count(*) FROM telemetry.samples WHERE device_id = %s"
DEAD = "SELECT count(*) FROM telemetry.dead_letters WHERE topic = %s"


def event(device: Device, **fields: object) -> DeviceEvent:
    values: dict[str, object] = {
        "device_id": str(device.id),
        "kind": EventKind.BATTERY,
        "ts_ms": int(time.time() * 1000),
    }
    values.update(fields)
    return DeviceEvent(**values)  # type: ignore[arg-type]


def poison(device: Device) -> dict[str, tuple[str, bytes]]:
    """What a registered device can send that its columns cannot hold, by its dead-letter reason."""
    events, telemetry = device.topic(Channel.EVENTS), device.topic()
    return {
        "battery 40000": (events, encode(event(device, battery_pct=40_000))),
        "NUL in session_id": (
            events,
            encode(event(device, kind=EventKind.SESSION_START, session_id="a\x00b", ts_ms=1)),
        ),
        "NUL in info": (
            events,
            encode(event(device, kind=EventKind.DEVICE_INFO, info={"model": "x\x00"})),
        ),
        "lone surrogate in sport": (
            events,
            b'{"device_id": "%s", "kind": "session_start", "ts_ms": %d, "sport": "\\ud800"}'
            % (str(device.id).encode(), int(time.time() * 1000)),
        ),
        "seq 2^64-1": (telemetry, encode(batch(device, 2**64 - 1, n=3))),
        "NUL in the payload's device id": (
            telemetry,
            encode(
                TelemetryBatch(
                    device_id=f"{device.id}\x00", seq=1, ts_ms=[1], metrics={"power_w": [1.0]}
                )
            ),
        ),
    }


def test_a_poison_message_is_dead_lettered_and_the_rest_of_its_batch_is_stored(
    database_url: str, mqtt_url: str
) -> None:
    device = register_device(database_url)
    bad = poison(device)
    publisher = Publisher(mqtt_url)
    settings = worker_settings(batch_max_wait_s=0.5)  # poison and good share batches
    start = int(time.time() * 1000) - 60_000
    with running_worker(database_url, mqtt_url, settings):
        for seq, (_, (topic, payload)) in enumerate(bad.items()):
            publisher.send_batch(device, batch(device, seq, start_ms=start + seq * 10_000, n=10))
            publisher.send(topic, payload)
        wait_for(lambda: count(database_url, SAMPLES, device.id) == 10 * len(bad), 30)
        wait_for(
            lambda: (
                (
                    count(database_url, DEAD, device.topic(Channel.EVENTS))
                    + count(database_url, DEAD, device.topic())
                )
                == len(bad)
            ),
            30,
        )
        # The worker still works: a batch sent after the poison is stored.
        publisher.send_batch(device, batch(device, 100, start_ms=start + 100_000, n=5))
        wait_for(lambda: count(database_url, SAMPLES, device.id) == 10 * len(bad) + 5, 30)
    publisher.close()
    with psycopg.connect(database_url) as conn:
        payloads = {
            bytes(p)
            for (p,) in conn.execute(
                "SELECT payload FROM telemetry.dead_letters WHERE topic LIKE %s",
                (f"%/{device.id}/%",),
            )
        }
    assert payloads == {payload for _, payload in bad.values()}  # kept whole


def test_what_the_database_still_refuses_is_bisected_out_of_the_batch(database_url: str) -> None:
    """The second line of defence, for a value the checks before it let through: a trigger
    refuses one message's rows; that message alone is dead-lettered."""
    device, refused = register_device(database_url), register_device(database_url)
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "CREATE FUNCTION public.refuse_one_device() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF NEW.device_id = '{refused.id}' THEN"
            "   RAISE EXCEPTION 'refused' USING ERRCODE = 'numeric_value_out_of_range';"
            " END IF; RETURN NEW; END $$"
        )
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON telemetry.device_state"
            " FOR EACH ROW EXECUTE FUNCTION public.refuse_one_device()"
        )
    start = int(time.time() * 1000) - 60_000
    items = [pending(device, batch(device, s, start_ms=start + s * 5_000, n=4)) for s in range(7)]
    items.insert(3, pending(refused, batch(refused, 1, start_ms=start, n=4)))
    try:
        outcome = _write(database_url, items)
    finally:
        with psycopg.connect(database_url) as conn:
            conn.execute("DROP TRIGGER refuse ON telemetry.device_state")
            conn.execute("DROP FUNCTION public.refuse_one_device()")
    assert [d.reason for d in outcome.dead] == ["refused_by_database"]
    assert count(database_url, SAMPLES, device.id) == 28
    assert count(database_url, SAMPLES, refused.id) == 0
    assert count(database_url, DEAD, refused.topic()) == 1


def _write(database_url: str, items: list[Pending]) -> Outcome:
    with (
        psycopg.connect(database_url) as conn,
        psycopg.connect(database_url, autocommit=True) as registry_conn,
    ):
        rollup = RollupMaintainer(enabled=RollupMaintainer.needed(conn))
        conn.commit()
        outcome = write_batch(
            conn,
            items,
            registry=DeviceRegistry(registry_conn),
            store=SampleStore(),
            rollup=rollup,
            worker="test",
        )
        conn.commit()
    return outcome
