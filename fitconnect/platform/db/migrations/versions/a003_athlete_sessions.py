"""Sessions belong to the athlete: a stable id, the devices fused, provenance and quality.

Revision ID: a003
Revises: a002

A session is now every overlapping sample of one athlete's devices, fused (see
``fitconnect.analytics.fusion``). Its key is a stable ``id`` (a UUID derived from the athlete
and the session's start, so a recompute of the same data finds the same id), which the API's
cursors use with ``start_ts``. ``device_id`` is the session's main device (the source of its
power, else heart rate, else speed), ``devices`` the devices it took a stream from, ``sources``
which device gave each stream for how many seconds, ``quality`` what the fusion found and did
(drop-outs filled, spikes removed, frozen streams). Laps follow their session by its id.

Results are recomputable from the samples: the old per-device sessions and laps are dropped
and the watermarks cleared, so the next analytics run computes the fused sessions.
``athlete_watermarks`` records which profile parameters a run has seen (a change recomputes
that athlete); ``source_overrides`` holds an athlete's chosen device per stream.
``athlete_params`` keeps only what the profile does not hold (threshold heart rate, the zone
method): FTP, heart-rate maximum and rest, weight and sex are the profile's, with history.
"""

from alembic import op

revision = "a003"
down_revision = "a002"
branch_labels = None
depends_on = None

SESSIONS = """
CREATE TABLE analytics.sessions (
    id                  uuid PRIMARY KEY,
    athlete_id          uuid NOT NULL,
    tenant_id           uuid NOT NULL,
    start_ts            timestamptz NOT NULL,
    device_id           uuid NOT NULL,
    devices             uuid[] NOT NULL,
    sources             jsonb NOT NULL DEFAULT '{}',
    quality             jsonb NOT NULL DEFAULT '{}',
    explicit            boolean NOT NULL,
    first_sample_ts     timestamptz NOT NULL,
    end_ts              timestamptz NOT NULL,
    duration_s          integer NOT NULL,
    moving_time_s       integer NOT NULL,
    distance_m          double precision,
    avg_speed_kmh       double precision,
    max_speed_kmh       double precision,
    ascent_m            double precision,
    avg_power_w         double precision,
    max_power_w         double precision,
    normalized_power_w  double precision,
    intensity_factor    double precision,
    tss                 double precision,
    work_kj             double precision,
    avg_heart_rate_bpm  double precision,
    max_heart_rate_bpm  double precision,
    avg_cadence_rpm     double precision,
    calories_kcal       double precision,
    trimp               double precision,
    hr_tss              double precision,
    stress_score        double precision,
    decoupling_pct      double precision,
    hr_zone_s           integer[],
    power_zone_s        integer[],
    power_curve_w       jsonb NOT NULL DEFAULT '{}',
    best_efforts_s      jsonb NOT NULL DEFAULT '{}',
    ftp_w               double precision,
    plausible           boolean NOT NULL,
    implausible         text[] NOT NULL DEFAULT '{}',
    version             integer NOT NULL,
    computed_at         timestamptz NOT NULL DEFAULT now()
)
"""

LAPS = """
CREATE TABLE analytics.laps (
    session_id          uuid NOT NULL REFERENCES analytics.sessions (id) ON DELETE CASCADE,
    lap                 integer NOT NULL CHECK (lap > 0),
    start_ts            timestamptz NOT NULL,
    end_ts              timestamptz NOT NULL,
    duration_s          integer NOT NULL,
    moving_time_s       integer NOT NULL,
    distance_m          double precision,
    avg_power_w         double precision,
    max_power_w         double precision,
    normalized_power_w  double precision,
    avg_heart_rate_bpm  double precision,
    max_heart_rate_bpm  double precision,
    avg_cadence_rpm     double precision,
    version             integer NOT NULL,
    computed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, lap)
)
"""


def upgrade() -> None:
    op.execute("DROP TABLE analytics.laps")
    op.execute("DROP TABLE analytics.sessions")
    op.execute(SESSIONS)
    # Keyset pagination of an athlete's sessions, newest first: (start_ts, id).
    op.execute("CREATE INDEX sessions_by_athlete ON analytics.sessions (athlete_id, start_ts, id)")
    op.execute("CREATE INDEX sessions_by_tenant ON analytics.sessions (tenant_id, start_ts)")
    op.execute(LAPS)
    op.execute("DELETE FROM analytics.device_watermarks")
    # FTP, heart-rate range and body are the profile's (users.athlete_parameters) now.
    op.execute(
        "ALTER TABLE analytics.athlete_params DROP COLUMN ftp_w, DROP COLUMN hr_max_bpm,"
        " DROP COLUMN hr_rest_bpm, DROP COLUMN weight_kg, DROP COLUMN age_years, DROP COLUMN sex"
    )
    op.execute(
        """
        CREATE TABLE analytics.athlete_watermarks (
            athlete_id         uuid PRIMARY KEY,
            params_changed_at  timestamptz NOT NULL
        )
        """
    )
    op.execute(
        """
        CREATE TABLE analytics.source_overrides (
            athlete_id  uuid NOT NULL,
            metric      text NOT NULL,
            device_id   uuid NOT NULL,
            PRIMARY KEY (athlete_id, metric)
        )
        """
    )


def downgrade() -> None:
    for table in (
        "analytics.source_overrides",
        "analytics.athlete_watermarks",
        "analytics.laps",
        "analytics.sessions",
    ):
        op.execute(f"DROP TABLE IF EXISTS {table}")
