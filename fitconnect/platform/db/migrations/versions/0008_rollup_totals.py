"""The per-minute rollup answers totals exactly, and survives a crashed ingest worker.

Revision ID: 0008
Revises: 0007

``samples_1m`` gains what exact totals over many minutes need: the first and last sample of
the minute and the sum and count of heart-rate readings (an average of averages weighted by
``samples`` is wrong when some samples carry no heart rate).

Without TimescaleDB, ingest records the time span each batch wrote in
``telemetry.rollup_pending`` in the batch's own transaction, and any worker recomputes the
minutes it touched and deletes it later: a worker killed between the two loses nothing. With
TimescaleDB the continuous aggregate is created again with the new columns (real-time: minutes
not yet materialized are read from the samples) and refreshed over all the samples kept.
"""

from alembic import op
from sqlalchemy import text

revision = "0008"
down_revision = "0007"

ROLLUP_SELECT = """
    SELECT device_id,
           time_bucket('1 minute', ts) AS minute,
           count(*)::integer AS samples,
           avg(heart_rate_bpm)::real AS avg_heart_rate_bpm,
           max(heart_rate_bpm) AS max_heart_rate_bpm,
           avg(power_w)::real AS avg_power_w,
           max(power_w) AS max_power_w,
           avg(cadence_rpm)::real AS avg_cadence_rpm,
           avg(speed_kmh)::real AS avg_speed_kmh,
           max(distance_m) AS max_distance_m,
           min(ts) AS first_ts,
           max(ts) AS last_ts,
           sum(heart_rate_bpm)::bigint AS heart_rate_sum,
           count(heart_rate_bpm)::integer AS heart_rate_samples
    FROM telemetry.samples
    GROUP BY device_id, minute
"""


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE telemetry.rollup_pending (
            id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            device_id     uuid        NOT NULL,
            first_ts      timestamptz NOT NULL,
            last_ts       timestamptz NOT NULL
        )
        """
    )
    timescale = op.get_bind().execute(
        text("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")
    )
    if timescale.scalar_one():
        _recreate_continuous_aggregate()
        return
    op.execute(
        """
        ALTER TABLE telemetry.samples_1m
            ADD COLUMN first_ts           timestamptz,
            ADD COLUMN last_ts            timestamptz,
            ADD COLUMN heart_rate_sum     bigint,
            ADD COLUMN heart_rate_samples integer
        """
    )
    op.execute(
        """
        UPDATE telemetry.samples_1m r
        SET first_ts = s.first_ts, last_ts = s.last_ts,
            heart_rate_sum = s.heart_rate_sum, heart_rate_samples = s.heart_rate_samples
        FROM (SELECT device_id, date_trunc('minute', ts) AS minute, min(ts) AS first_ts,
                     max(ts) AS last_ts, sum(heart_rate_bpm) AS heart_rate_sum,
                     count(heart_rate_bpm) AS heart_rate_samples
              FROM telemetry.samples GROUP BY 1, 2) s
        WHERE r.device_id = s.device_id AND r.minute = s.minute
        """
    )
    # A minute whose samples were deleted by hand keeps its figures, the new ones estimated.
    op.execute(
        """
        UPDATE telemetry.samples_1m
        SET first_ts = minute, last_ts = minute,
            heart_rate_sum = round(avg_heart_rate_bpm * samples),
            heart_rate_samples = CASE WHEN avg_heart_rate_bpm IS NULL THEN 0 ELSE samples END
        WHERE first_ts IS NULL
        """
    )
    op.execute(
        """
        ALTER TABLE telemetry.samples_1m
            ALTER COLUMN first_ts SET NOT NULL,
            ALTER COLUMN last_ts SET NOT NULL,
            ALTER COLUMN heart_rate_samples SET NOT NULL
        """
    )


def _recreate_continuous_aggregate() -> None:
    op.execute("DROP MATERIALIZED VIEW telemetry.samples_1m")
    op.execute(
        "CREATE MATERIALIZED VIEW telemetry.samples_1m"
        " WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS"
        f" {ROLLUP_SELECT} WITH NO DATA"
    )
    op.execute(
        "SELECT add_continuous_aggregate_policy('telemetry.samples_1m',"
        " start_offset => interval '3 days', end_offset => interval '1 minute',"
        " schedule_interval => interval '1 minute')"
    )
    with op.get_context().autocommit_block():  # a refresh cannot run inside a transaction
        op.execute("CALL refresh_continuous_aggregate('telemetry.samples_1m', NULL, NULL)")
