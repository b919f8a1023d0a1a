"""The storage layer on the real PostgreSQL: partitions, dedup fallback, per-minute rollup."""

import time
import uuid
from contextlib import nullcontext

import psycopg
import pytest
from prometheus_client import CollectorRegistry

from fitconnect.ingest.rollup import RollupMaintainer
from fitconnect.ingest.storage import SampleStore, sample_rows
from fitconnect.schemas import TelemetryBatch
from tests.timescaledb_jobs import held_jobs, refresh_rollups, uses_timescaledb

from .support import (
    Publisher,
    batch,
    count,
    pending,
    register_device,
    running_worker,
    wait_for,
    worker_settings,
    write,
)

pytestmark = pytest.mark.integration


def test_rollup_per_minute_matches_the_samples_and_survives_a_replay(database_url: str) -> None:
    device = register_device(database_url)
    minute_ms = (int(time.time() * 1000) // 60_000 - 3) * 60_000
    first = batch(device, 1, start_ms=minute_ms, n=240, hr=120.0, power=200.0)  # 60 s at 4 Hz
    second = batch(device, 2, start_ms=minute_ms + 60_000, n=4, hr=160.0, power=400.0)
    items = [pending(device, b) for b in (first, second)]
    write(database_url, items)
    write(database_url, items[:1])  # a replay of the first batch changes nothing
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT samples, avg_heart_rate_bpm, max_power_w FROM telemetry.samples_1m"
            " WHERE device_id = %s ORDER BY minute",
            (device.id,),
        ).fetchall()
    assert rows == [(240, 120.0, 200), (4, 160.0, 400)]
    assert (
        count(
            database_url, "SELECT count(*) FROM telemetry.samples WHERE device_id = %s", device.id
        )
        == 244
    )


def test_partial_overlap_keeps_new_rows_and_drops_repeats(database_url: str) -> None:
    device = register_device(database_url)
    start = int(time.time() * 1000) - 60_000
    store = SampleStore()
    with psycopg.connect(database_url) as conn:
        store.write(conn, sample_rows(device.id, batch(device, 1, start_ms=start, n=10)))
        conn.commit()
        new = store.write(
            conn, sample_rows(device.id, batch(device, 2, start_ms=start + 1250, n=10))
        )
        conn.commit()
    assert new == 5
    assert (
        count(
            database_url, "SELECT count(*) FROM telemetry.samples WHERE device_id = %s", device.id
        )
        == 15
    )


def test_every_column_is_stored_as_sent_and_missing_values_are_null(database_url: str) -> None:
    """The columnar COPY encoding: integers rounded half to even, reals as float4, distance as
    float8, a None inside a column and a metric the batch lacks both NULL, millisecond times."""
    device = register_device(database_url)
    t0 = int(time.time() * 1000) - 10_000
    sent = TelemetryBatch(
        device_id=str(device.id),
        seq=1,
        ts_ms=[t0, t0 + 1, t0 + 999],
        metrics={
            "heart_rate_bpm": [140.5, None, 141.5],
            "power_w": [250.4, 2499.6, None],
            "cadence_rpm": [90.25, 0.0, None],
            "distance_m": [1234.5678901, None, 0.1],
            "altitude_m": [-12.5, None, 8848.86],
        },
    )
    with psycopg.connect(database_url) as conn:
        assert SampleStore().write(conn, sample_rows(device.id, sent)) == 3
        stored = conn.execute(
            "SELECT (extract(epoch FROM ts) * 1000)::bigint, heart_rate_bpm, power_w,"
            " cadence_rpm, speed_kmh, distance_m, stroke_rate_spm, altitude_m::float8"
            " FROM telemetry.samples WHERE device_id = %s ORDER BY ts",
            (device.id,),
        ).fetchall()
    assert stored == [
        (t0, 140, 250, 90.25, None, 1234.5678901, None, -12.5),
        (t0 + 1, None, 2500, 0.0, None, None, None, None),
        (t0 + 999, 142, None, None, None, 0.1, None, pytest.approx(8848.86, abs=1e-3)),
    ]


def test_partitions_are_created_for_old_days_on_demand(database_url: str) -> None:
    store = SampleStore()
    long_ago = int((time.time() - 40 * 86400) * 1000)
    device = register_device(database_url)
    with psycopg.connect(database_url) as conn:
        rows = sample_rows(uuid.uuid4(), batch(device, 1, start_ms=long_ago))
        assert store.write(conn, rows) == 10
        conn.commit()


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in registry.collect()
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def test_worker_metrics_count_what_it_stored(database_url: str, mqtt_url: str) -> None:
    device = register_device(database_url)
    publisher = Publisher(mqtt_url)
    registry = CollectorRegistry()
    stored = ("fitconnect_ingest_samples_total", {"result": "stored"})
    dead = ("fitconnect_ingest_dead_letters_total", {"reason": "undecodable"})
    with running_worker(database_url, mqtt_url, worker_settings(), registry):
        publisher.send_batch(device, batch(device, 1, n=25))
        publisher.send(device.topic(), b"\xc1")
        wait_for(
            lambda: (
                _value(registry, stored[0], **stored[1]) == 25
                and _value(registry, dead[0], **dead[1]) == 1
            )
        )
    publisher.close()
    assert _value(registry, "fitconnect_ingest_lag_seconds_count") == 1
    # the broker may also hand over other tests' retained status messages: count by reason
    assert _value(registry, "fitconnect_ingest_messages_total", result="stored") >= 1


def test_minutes_a_killed_worker_left_unrolled_are_rolled_up_by_the_next(
    database_url: str,
) -> None:
    """On TimescaleDB the rollups are continuous aggregates: the minutes after their watermark
    are read live from the samples; what "a worker left unrolled" means there is a late
    minute, behind the watermark (here 4 days old), which waits for the next refresh."""
    timescale = uses_timescaledb(database_url)
    device = register_device(database_url, registered_s_ago=5 * 86_400)
    with held_jobs(database_url) if timescale else nullcontext():
        if timescale:
            refresh_rollups(database_url)  # the watermark now: 4 days ago is late
            minute_ms = (int(time.time() * 1000) // 60_000 - 4 * 24 * 60) * 60_000
        else:
            minute_ms = (int(time.time() * 1000) // 60_000 - 2) * 60_000
        b = batch(device, 1, start_ms=minute_ms, n=8, hr=130.0, power=210.0)
        # The samples are stored; the worker dies before its rollup refresh.
        write(database_url, [pending(device, b)], roll_up=False)
        rollup_rows = "SELECT count(*) FROM telemetry.samples_1m WHERE device_id = %s"
        assert count(database_url, rollup_rows, device.id) == 0

        with psycopg.connect(database_url) as conn:
            if timescale:
                refresh_rollups(database_url)  # the scheduler's next refresh
            else:
                RollupMaintainer(enabled=True).flush(conn)  # any other worker, on its next one
            rows = conn.execute(
                "SELECT samples, first_ts, last_ts, heart_rate_sum, heart_rate_samples,"
                " max_power_w FROM telemetry.samples_1m WHERE device_id = %s",
                (device.id,),
            ).fetchall()
            tens = conn.execute(
                "SELECT heart_rate_sum, heart_rate_samples, power_sum, power_samples,"
                " cadence_samples FROM telemetry.samples_10s WHERE device_id = %s",
                (device.id,),
            ).fetchall()
    first, last = rows[0][1], rows[0][2]
    assert rows == [(8, first, last, 8 * 130, 8, 210)]
    assert tens == [(8 * 130, 8, 8 * 210, 8, 0)]  # 2 s of samples: one 10-second bucket
    assert (last - first).total_seconds() == 7 * 0.25
    assert count(database_url, "SELECT count(*) FROM telemetry.rollup_pending") == 0
