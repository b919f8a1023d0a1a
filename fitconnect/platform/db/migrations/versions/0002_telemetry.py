"""Telemetry storage: samples (hypertable or daily partitions), per-minute rollup, dead letters.

Revision ID: 0002
Revises: 0001

With TimescaleDB: ``telemetry.samples`` is a hypertable (1-day chunks, compression segmented
by device) and ``telemetry.samples_1m`` a continuous aggregate. Without it: the table is
range-partitioned by day (``telemetry.ensure_partitions`` creates days ahead of time and on
demand) and ``samples_1m`` is a table that ingest upserts after each commit. Readers query the
same two names either way.
"""

from alembic import op

revision = "0002"
down_revision = "0001"

SAMPLE_COLUMNS = """
    device_id        uuid             NOT NULL,
    ts               timestamptz      NOT NULL,
    heart_rate_bpm   smallint,
    power_w          integer,
    cadence_rpm      real,
    speed_kmh        real,
    distance_m       double precision,
    stroke_rate_spm  real,
    altitude_m       real,
    PRIMARY KEY (device_id, ts)
"""

ROLLUP_SELECT = """
    SELECT device_id,
           {bucket} AS minute,
           count(*)::integer AS samples,
           avg(heart_rate_bpm)::real AS avg_heart_rate_bpm,
           max(heart_rate_bpm) AS max_heart_rate_bpm,
           avg(power_w)::real AS avg_power_w,
           max(power_w) AS max_power_w,
           avg(cadence_rpm)::real AS avg_cadence_rpm,
           avg(speed_kmh)::real AS avg_speed_kmh,
           max(distance_m) AS max_distance_m
    FROM telemetry.samples
"""


def upgrade() -> None:
    op.execute(
        f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
                CREATE TABLE telemetry.samples ({SAMPLE_COLUMNS});
                PERFORM create_hypertable('telemetry.samples', 'ts',
                                          chunk_time_interval => interval '1 day');
                ALTER TABLE telemetry.samples SET (
                    timescaledb.compress,
                    timescaledb.compress_segmentby = 'device_id',
                    timescaledb.compress_orderby = 'ts'
                );
                PERFORM add_compression_policy('telemetry.samples', interval '7 days');
                PERFORM add_retention_policy('telemetry.samples', interval '730 days');
            ELSE
                CREATE TABLE telemetry.samples ({SAMPLE_COLUMNS}) PARTITION BY RANGE (ts);
            END IF;
        END $$
        """
    )
    # Daily partitions on plain PostgreSQL; a no-op on a hypertable.
    op.execute(
        """
        CREATE FUNCTION telemetry.ensure_partitions(first_day date, days integer)
        RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE
            d date;
            created integer := 0;
            name text;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_partitioned_table p
                           JOIN pg_class c ON c.oid = p.partrelid
                           JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'telemetry' AND c.relname = 'samples') THEN
                RETURN 0;
            END IF;
            FOR i IN 0 .. days - 1 LOOP
                d := first_day + i;
                name := format('samples_%s', to_char(d, 'YYYYMMDD'));
                IF to_regclass(format('telemetry.%I', name)) IS NULL THEN
                    EXECUTE format(
                        'CREATE TABLE IF NOT EXISTS telemetry.%I PARTITION OF telemetry.samples'
                        ' FOR VALUES FROM (%L) TO (%L)',
                        name,
                        d::timestamp AT TIME ZONE 'UTC',
                        (d + 1)::timestamp AT TIME ZONE 'UTC');
                    created := created + 1;
                END IF;
            END LOOP;
            RETURN created;
        END $$
        """
    )
    op.execute("SET TIME ZONE 'UTC'")
    op.execute("SELECT telemetry.ensure_partitions(current_date - 7, 15)")
    op.execute(
        f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
                EXECUTE $v$
                    CREATE MATERIALIZED VIEW telemetry.samples_1m
                    WITH (timescaledb.continuous) AS
                    {ROLLUP_SELECT.format(bucket="time_bucket('1 minute', ts)")}
                    GROUP BY device_id, minute
                    WITH NO DATA
                $v$;
                PERFORM add_continuous_aggregate_policy('telemetry.samples_1m',
                    start_offset => interval '3 days', end_offset => interval '1 minute',
                    schedule_interval => interval '1 minute');
            ELSE
                CREATE TABLE telemetry.samples_1m (
                    device_id          uuid        NOT NULL,
                    minute             timestamptz NOT NULL,
                    samples            integer     NOT NULL,
                    avg_heart_rate_bpm real,
                    max_heart_rate_bpm smallint,
                    avg_power_w        real,
                    max_power_w        integer,
                    avg_cadence_rpm    real,
                    avg_speed_kmh      real,
                    max_distance_m     double precision,
                    PRIMARY KEY (device_id, minute)
                );
            END IF;
        END $$
        """
    )
    op.execute(
        """
        CREATE TABLE telemetry.dead_letters (
            id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            received_at  timestamptz NOT NULL DEFAULT now(),
            topic        text        NOT NULL,
            payload      bytea       NOT NULL,
            reason       text        NOT NULL,
            detail       text        NOT NULL,
            worker       text,
            replayed_at  timestamptz
        )
        """
    )
    op.execute(
        "CREATE INDEX dead_letters_pending ON telemetry.dead_letters (received_at)"
        " WHERE replayed_at IS NULL"
    )
    op.execute(
        """
        CREATE TABLE telemetry.device_state (
            device_id     uuid PRIMARY KEY,
            state         text        NOT NULL DEFAULT 'unknown',
            last_seen     timestamptz,
            last_seq      bigint,
            battery_pct   smallint,
            info          jsonb,
            updated_at    timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE telemetry.device_events (
            device_id   uuid        NOT NULL,
            ts          timestamptz NOT NULL,
            kind        text        NOT NULL,
            session_id  text,
            sport       text,
            battery_pct smallint,
            info        jsonb,
            PRIMARY KEY (device_id, ts, kind)
        )
        """
    )
