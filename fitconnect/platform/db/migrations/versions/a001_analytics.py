"""Analytics and gamification results: what the jobs compute and the gateway reads.

Revision ID: a001
Revises: 0002

Every result row carries the computation ``version`` (``analytics.metrics.METRICS_VERSION``)
so a formula change is visible and triggers a recompute. ``athlete_params`` holds the profile
values the formulas need until the users context owns them.
"""

from alembic import op

revision = "a001"
down_revision = "0002"
branch_labels = ("analytics",)
depends_on = None

ANALYTICS_TABLES = (
    """
    CREATE TABLE analytics.athlete_params (
        athlete_id         uuid PRIMARY KEY,
        ftp_w              double precision CHECK (ftp_w > 0),
        hr_max_bpm         double precision CHECK (hr_max_bpm > 0),
        hr_rest_bpm        double precision NOT NULL DEFAULT 60,
        lthr_bpm           double precision,
        weight_kg          double precision NOT NULL DEFAULT 75,
        age_years          double precision NOT NULL DEFAULT 35,
        sex                text NOT NULL DEFAULT 'male' CHECK (sex IN ('male', 'female')),
        hr_zones_karvonen  boolean NOT NULL DEFAULT false,
        updated_at         timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE analytics.device_watermarks (
        device_id    uuid PRIMARY KEY,
        last_ts        timestamptz NOT NULL,
        events_seen    integer NOT NULL DEFAULT 0,
        last_event_ts  timestamptz,
        version        integer NOT NULL,
        computed_at    timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE analytics.sessions (
        device_id           uuid NOT NULL,
        start_ts            timestamptz NOT NULL,
        athlete_id          uuid NOT NULL,
        tenant_id           uuid NOT NULL,
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
        computed_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (device_id, start_ts)
    )
    """,
    "CREATE INDEX sessions_by_athlete ON analytics.sessions (athlete_id, start_ts)",
    "CREATE INDEX sessions_by_tenant ON analytics.sessions (tenant_id, start_ts)",
    """
    CREATE TABLE analytics.daily_load (
        athlete_id  uuid NOT NULL,
        day         date NOT NULL,
        tss         double precision NOT NULL,
        ctl         double precision NOT NULL,
        atl         double precision NOT NULL,
        tsb         double precision NOT NULL,
        version     integer NOT NULL,
        PRIMARY KEY (athlete_id, day)
    )
    """,
    """
    CREATE TABLE analytics.weekly_volume (
        athlete_id     uuid NOT NULL,
        week_start     date NOT NULL,
        sessions       integer NOT NULL,
        moving_time_s  bigint NOT NULL,
        distance_m     double precision NOT NULL,
        work_kj        double precision NOT NULL,
        tss            double precision NOT NULL,
        version        integer NOT NULL,
        PRIMARY KEY (athlete_id, week_start)
    )
    """,
    """
    CREATE TABLE analytics.personal_records (
        athlete_id   uuid NOT NULL,
        metric       text NOT NULL,
        value        double precision NOT NULL,
        device_id    uuid NOT NULL,
        achieved_at  timestamptz NOT NULL,
        version      integer NOT NULL,
        PRIMARY KEY (athlete_id, metric)
    )
    """,
    """
    CREATE TABLE analytics.ftp_estimates (
        athlete_id      uuid NOT NULL,
        at              timestamptz NOT NULL,
        ftp_estimate_w  double precision NOT NULL,
        previous_w      double precision,
        rose            boolean NOT NULL,
        version         integer NOT NULL,
        PRIMARY KEY (athlete_id, at)
    )
    """,
    """
    CREATE TABLE analytics.notices (
        athlete_id  uuid NOT NULL,
        kind        text NOT NULL,
        at          timestamptz NOT NULL,
        message     text NOT NULL,
        version     integer NOT NULL,
        PRIMARY KEY (athlete_id, kind, at)
    )
    """,
)

GAMIFICATION_TABLES = (
    """
    CREATE TABLE gamification.badges (
        id         text PRIMARY KEY,
        name       text NOT NULL,
        counter    text NOT NULL,
        threshold  double precision NOT NULL
    )
    """,
    """
    CREATE TABLE gamification.athlete_progress (
        athlete_id             uuid PRIMARY KEY,
        tenant_id              uuid NOT NULL,
        xp                     bigint NOT NULL,
        level                  integer NOT NULL,
        daily_streak           integer NOT NULL,
        longest_daily_streak   integer NOT NULL,
        weekly_streak          integer NOT NULL,
        longest_weekly_streak  integer NOT NULL,
        as_of                  date NOT NULL,
        version                integer NOT NULL
    )
    """,
    """
    CREATE TABLE gamification.badge_awards (
        athlete_id  uuid NOT NULL,
        badge_id    text NOT NULL,
        awarded_at  timestamptz NOT NULL,
        version     integer NOT NULL,
        PRIMARY KEY (athlete_id, badge_id)
    )
    """,
    """
    CREATE TABLE gamification.challenges (
        id         text PRIMARY KEY,
        tenant_id  uuid,
        name       text NOT NULL,
        metric     text NOT NULL
                   CHECK (metric IN ('distance_m', 'moving_time_s', 'xp', 'sessions')),
        target     double precision NOT NULL CHECK (target > 0),
        starts_at  timestamptz NOT NULL,
        ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at)
    )
    """,
    """
    CREATE TABLE gamification.challenge_progress (
        challenge_id  text NOT NULL,
        athlete_id    uuid NOT NULL,
        value         double precision NOT NULL,
        completed_at  timestamptz,
        version       integer NOT NULL,
        PRIMARY KEY (challenge_id, athlete_id)
    )
    """,
    """
    CREATE TABLE gamification.leaderboards (
        tenant_id     uuid NOT NULL,
        period        text NOT NULL CHECK (period IN ('week', 'month')),
        metric        text NOT NULL,
        period_start  date NOT NULL,
        athlete_id    uuid NOT NULL,
        value         double precision NOT NULL,
        rank          integer NOT NULL,
        version       integer NOT NULL,
        PRIMARY KEY (tenant_id, period, metric, period_start, athlete_id)
    )
    """,
)


def upgrade() -> None:
    for statement in (*ANALYTICS_TABLES, *GAMIFICATION_TABLES):
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "gamification.leaderboards",
        "gamification.challenge_progress",
        "gamification.challenges",
        "gamification.badge_awards",
        "gamification.athlete_progress",
        "gamification.badges",
        "analytics.notices",
        "analytics.ftp_estimates",
        "analytics.personal_records",
        "analytics.weekly_volume",
        "analytics.daily_load",
        "analytics.sessions",
        "analytics.device_watermarks",
        "analytics.athlete_params",
    ):
        op.execute(f"DROP TABLE IF EXISTS {table}")
