"""A 10-second rollup of the samples, for charts: an hour is 360 rows per device, not 3,600+.

Revision ID: 0009
Revises: 0008

``telemetry.samples_10s`` holds, per device and 10-second bucket (aligned to the clock), the
sum and the count of each charted metric (and the count, first and last sample and maxima), so
that any coarser bucket made of whole 10-second buckets has exactly the samples' figures.
Without TimescaleDB ingest maintains it from the samples it wrote and ``samples_1m`` from it
(the same pending spans); with TimescaleDB it is a real-time continuous aggregate.
"""

from alembic import op
from sqlalchemy import text

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    timescale = op.get_bind().execute(
        text("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")
    )
    if timescale.scalar_one():
        op.execute(
            """
            CREATE MATERIALIZED VIEW telemetry.samples_10s
            WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
            SELECT device_id, time_bucket('10 seconds', ts) AS bucket,
                   count(*)::integer AS samples, min(ts) AS first_ts, max(ts) AS last_ts,
                   max(heart_rate_bpm) AS max_heart_rate_bpm, max(power_w) AS max_power_w,
                   max(distance_m) AS max_distance_m,
                   sum(heart_rate_bpm)::bigint AS heart_rate_sum,
                   count(heart_rate_bpm)::integer AS heart_rate_samples,
                   sum(power_w)::bigint AS power_sum, count(power_w)::integer AS power_samples,
                   sum(cadence_rpm::float) AS cadence_sum,
                   count(cadence_rpm)::integer AS cadence_samples,
                   sum(speed_kmh::float) AS speed_sum, count(speed_kmh)::integer AS speed_samples
            FROM telemetry.samples
            GROUP BY device_id, bucket
            WITH NO DATA
            """
        )
        op.execute(
            "SELECT add_continuous_aggregate_policy('telemetry.samples_10s',"
            " start_offset => interval '3 days', end_offset => interval '10 seconds',"
            " schedule_interval => interval '1 minute')"
        )
        with op.get_context().autocommit_block():  # a refresh cannot run inside a transaction
            op.execute("CALL refresh_continuous_aggregate('telemetry.samples_10s', NULL, NULL)")
        return
    op.execute(
        """
        CREATE TABLE telemetry.samples_10s (
            device_id           uuid             NOT NULL,
            bucket              timestamptz      NOT NULL,
            samples             integer          NOT NULL,
            first_ts            timestamptz      NOT NULL,
            last_ts             timestamptz      NOT NULL,
            max_heart_rate_bpm  smallint,
            max_power_w         integer,
            max_distance_m      double precision,
            heart_rate_sum      bigint,
            heart_rate_samples  integer          NOT NULL,
            power_sum           bigint,
            power_samples       integer          NOT NULL,
            cadence_sum         double precision,
            cadence_samples     integer          NOT NULL,
            speed_sum           double precision,
            speed_samples       integer          NOT NULL,
            PRIMARY KEY (device_id, bucket)
        )
        """
    )
    op.execute(
        """
        INSERT INTO telemetry.samples_10s
        SELECT device_id, date_bin('10 seconds', ts, timestamptz '2000-01-01 00:00:00+00'),
               count(*), min(ts), max(ts), max(heart_rate_bpm), max(power_w), max(distance_m),
               sum(heart_rate_bpm), count(heart_rate_bpm), sum(power_w), count(power_w),
               sum(cadence_rpm::float), count(cadence_rpm), sum(speed_kmh::float), count(speed_kmh)
        FROM telemetry.samples GROUP BY 1, 2
        """
    )
