"""The analytics jobs publish what they award to the gamification service as views.

Revision ID: g001
Revises: a002

XP, levels and streaks, badges (with their names) and leaderboard places, without the
computation ``version`` the jobs keep for themselves.
"""

from alembic import op

revision = "g001"
down_revision = "a002"

VIEWS = {
    "published_athlete_progress": (
        "SELECT athlete_id, tenant_id, xp, level, daily_streak, longest_daily_streak,"
        " weekly_streak, longest_weekly_streak, as_of FROM gamification.athlete_progress"
    ),
    "published_badge_awards": (
        "SELECT a.athlete_id, a.badge_id, b.name, a.awarded_at"
        " FROM gamification.badge_awards a JOIN gamification.badges b ON b.id = a.badge_id"
    ),
    "published_leaderboards": (
        "SELECT tenant_id, period, metric, period_start, athlete_id, value, rank"
        " FROM gamification.leaderboards"
    ),
}


def upgrade() -> None:
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW gamification.{name} AS {select}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW gamification.{name}")
