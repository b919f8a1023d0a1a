"""Laps of the analytics sessions: one row per lap, from explicit lap marks only.

Revision ID: a002
Revises: a001

A lap belongs to its session (``device_id``, ``session_start_ts`` = ``analytics.sessions``'
key) and goes with it: the job deletes a session that new data no longer has, and its laps
follow by cascade. Columns are ``analytics.laps.LAP_FIELDS`` plus the computation version.
"""

from alembic import op

revision = "a002"
down_revision = "a001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE analytics.laps (
            device_id           uuid NOT NULL,
            session_start_ts    timestamptz NOT NULL,
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
            PRIMARY KEY (device_id, session_start_ts, lap),
            FOREIGN KEY (device_id, session_start_ts)
                REFERENCES analytics.sessions (device_id, start_ts) ON DELETE CASCADE
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS analytics.laps")
