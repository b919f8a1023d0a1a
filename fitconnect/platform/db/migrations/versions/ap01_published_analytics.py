"""The analytics jobs publish the per-athlete results the training context reads as views.

Revision ID: ap01
Revises: a003

The athlete's sessions and their laps (every column as of ``a003``), training load, weekly
volume and personal records (without the computation ``version`` the jobs keep for
themselves), each named ``analytics.published_<table>``.
"""

from alembic import op

revision = "ap01"
down_revision = "a003"

VIEWS = {
    "published_sessions": "SELECT * FROM analytics.sessions",
    "published_laps": "SELECT * FROM analytics.laps",
    "published_daily_load": (
        "SELECT athlete_id, day, tss, ctl, atl, tsb FROM analytics.daily_load"
    ),
    "published_weekly_volume": (
        "SELECT athlete_id, week_start, sessions, moving_time_s, distance_m, tss, work_kj"
        " FROM analytics.weekly_volume"
    ),
    "published_personal_records": (
        "SELECT athlete_id, metric, value, device_id, achieved_at FROM analytics.personal_records"
    ),
}


def upgrade() -> None:
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW analytics.{name} AS {select}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW analytics.{name}")
