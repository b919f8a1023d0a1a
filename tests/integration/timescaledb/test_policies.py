"""What only TimescaleDB does, as its scheduler does it (each job run with ``CALL run_job``):
compression of old chunks (still read, still deduplicating a late redelivery), retention
dropping old chunks, and the continuous aggregates equal to the samples, live and refreshed."""

import time
from datetime import datetime

import psycopg
import pytest

from tests.integration.ingest.support import batch, count, pending, register_device, write
from tests.timescaledb_jobs import held_jobs, refresh_rollups, run_jobs

pytestmark = [pytest.mark.integration, pytest.mark.timescaledb]

DAY_MS = 86_400_000
SAMPLES = "SELECT count(*) FROM telemetry.samples WHERE device_id = %s"
CHUNKS = (
    "SELECT is_compressed FROM timescaledb_information.chunks"
    " WHERE hypertable_name = 'samples' AND range_start <= %s AND %s < range_end"
)


def _chunk_compressed(url: str, at: datetime) -> bool | None:
    with psycopg.connect(url) as conn:
        row = conn.execute(CHUNKS, (at, at)).fetchone()
    return None if row is None else bool(row[0])


def test_the_policy_compresses_old_chunks_still_read_and_deduplicated(timescale_url: str) -> None:
    device = register_device(timescale_url, registered_s_ago=12 * 86_400)
    start = (int(time.time() * 1000) // DAY_MS - 9) * DAY_MS + 3_600_000  # 9 days ago, 01:00
    first = batch(device, 1, start_ms=start, n=240, hr=121.0, power=230.0)
    write(timescale_url, [pending(device, first)])
    at = datetime.fromtimestamp(start / 1000).astimezone()
    with held_jobs(timescale_url):
        run_jobs(timescale_url, "policy_compression")  # compress_after 7 days
    assert _chunk_compressed(timescale_url, at) is True

    with psycopg.connect(timescale_url) as conn:
        read = conn.execute(
            "SELECT count(*), sum(heart_rate_bpm), max(power_w), min(ts) FROM telemetry.samples"
            " WHERE device_id = %s",
            (device.id,),
        ).fetchone()
    assert read == (240, 240 * 121, 230, at)

    # The agent redelivers the batch, then one overlapping it by half: only the new samples.
    again = batch(device, 1, start_ms=start, n=240, hr=121.0, power=230.0)
    later = batch(device, 2, start_ms=start + 120 * 250, n=240, hr=150.0, power=300.0)
    write(timescale_url, [pending(device, again), pending(device, later)])
    assert count(timescale_url, SAMPLES, device.id) == 360
    with psycopg.connect(timescale_url) as conn:
        heart = conn.execute(
            "SELECT sum(heart_rate_bpm) FROM telemetry.samples WHERE device_id = %s",
            (device.id,),
        ).fetchone()
    assert heart == (240 * 121 + 120 * 150,)
    assert count(timescale_url, "SELECT count(*) FROM telemetry.dead_letters") == 0


def test_the_retention_policy_drops_chunks_older_than_two_years(timescale_url: str) -> None:
    device = register_device(timescale_url)
    insert = (
        "INSERT INTO telemetry.samples (device_id, ts, heart_rate_bpm)"
        " SELECT %s, now() - %s::interval + g * interval '1 second', 130"
        " FROM generate_series(0, 59) g"
    )
    with psycopg.connect(timescale_url) as conn:
        conn.execute(insert, (device.id, "800 days"))
        conn.execute(insert, (device.id, "2 days"))
    with held_jobs(timescale_url):
        run_jobs(timescale_url, "policy_retention")  # drop_after 730 days
    with psycopg.connect(timescale_url) as conn:
        old = conn.execute(
            "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name ="
            " 'samples' AND range_end < now() - interval '730 days'"
        ).fetchone()
    assert old == (0,)
    assert count(timescale_url, SAMPLES, device.id) == 60  # the recent minute is kept


ROLLUP_1M = (
    "SELECT minute, samples, avg_heart_rate_bpm, max_heart_rate_bpm, avg_power_w, max_power_w,"
    " first_ts, last_ts, heart_rate_sum, heart_rate_samples FROM telemetry.samples_1m"
    " WHERE device_id = %s ORDER BY minute"
)
TRUTH_1M = (
    "SELECT date_trunc('minute', ts), count(*)::int, avg(heart_rate_bpm)::real,"
    " max(heart_rate_bpm), avg(power_w)::real, max(power_w), min(ts), max(ts),"
    " sum(heart_rate_bpm)::bigint, count(heart_rate_bpm)::int FROM telemetry.samples"
    " WHERE device_id = %s GROUP BY 1 ORDER BY 1"
)
ROLLUP_10S = (
    "SELECT bucket, samples, heart_rate_sum, heart_rate_samples, power_sum, power_samples,"
    " first_ts, last_ts FROM telemetry.samples_10s WHERE device_id = %s ORDER BY bucket"
)
TRUTH_10S = (
    "SELECT date_bin('10 seconds', ts, timestamptz '2000-01-01Z'), count(*)::int,"
    " sum(heart_rate_bpm)::bigint, count(heart_rate_bpm)::int, sum(power_w)::bigint,"
    " count(power_w)::int, min(ts), max(ts) FROM telemetry.samples WHERE device_id = %s"
    " GROUP BY 1 ORDER BY 1"
)


def _same(url: str, device_id: object) -> None:
    with psycopg.connect(url) as conn:
        for rollup, truth in ((ROLLUP_1M, TRUTH_1M), (ROLLUP_10S, TRUTH_10S)):
            assert (
                conn.execute(rollup, (device_id,)).fetchall()
                == conn.execute(truth, (device_id,)).fetchall()
            )


def test_continuous_aggregates_equal_the_samples_live_and_after_refresh(
    timescale_url: str,
) -> None:
    device = register_device(timescale_url)
    start = (int(time.time() * 1000) // 60_000 - 3) * 60_000 + 7_250  # 3 minutes, misaligned
    batches = [
        batch(device, seq, start_ms=start + seq * 30_000, n=120, hr=100.0 + seq, power=200.0 + seq)
        for seq in range(6)
    ]
    with held_jobs(timescale_url):
        write(timescale_url, [pending(device, b) for b in batches])
        _same(timescale_url, device.id)  # real time: nothing materialized yet
        refresh_rollups(timescale_url)
        _same(timescale_url, device.id)  # materialized
        with psycopg.connect(timescale_url) as conn:
            materialized = conn.execute(
                "SELECT _timescaledb_functions.to_timestamp("
                "_timescaledb_functions.cagg_watermark(mat_hypertable_id))"
                " FROM _timescaledb_catalog.continuous_agg WHERE user_view_name = 'samples_10s'"
            ).fetchone()
        assert materialized is not None
        assert materialized[0] > datetime.fromtimestamp(start / 1000).astimezone()
        # A late redelivery with one new sample: equal again after the next refresh.
        late = batch(device, 9, start_ms=start - 250, n=1, hr=90.0, power=150.0)
        write(timescale_url, [pending(device, late)])
        refresh_rollups(timescale_url)
        _same(timescale_url, device.id)
    assert count(timescale_url, SAMPLES, device.id) == 6 * 120 + 1
